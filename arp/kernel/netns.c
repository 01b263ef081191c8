/*
 * Is a network namespace still alive? A namespace lives while something
 * holds it: a process or thread inside it, an open file of it (setns()
 * users keep /proc/PID/ns/net open), or a mount of it (ip netns add
 * bind-mounts one on /run/netns/NAME). uvs_netns_live() collects the nsfs
 * inodes of all three as /proc shows them: each thread's ns/net link, each
 * open file that links to "net:[INODE]", and each nsfs mount in the
 * mountinfo of every mount namespace a process is in. Only from the
 * initial PID namespace, allowed to read the processes' links (root), is
 * that everything; otherwise the caller gets an error and must take any
 * namespace for alive. One exception: a process that holds a capability
 * we lack (a sandbox's supervisor) is not ours to inspect by design
 * (commoncap's ptrace check), and neither could any uvs-rs we run enter
 * a namespace only it holds; its mounts are still read. Any other process
 * we may not read (an LSM, ptrace_scope 3) leaves the set unknown. The
 * kernel shows no link for a namespace held by a socket alone, so such a
 * namespace is not seen.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arp/kernel/netns.h"

/* include/linux/proc_ns.h: the initial PID namespace's fixed inode */
#define PROC_PID_INIT_INO	0xEFFFFFFCU

int
uvs_netns_has(const struct uvs_netns_set *set, uint64_t ino)
{
	size_t	i;

	for (i = 0; i < set->n; i++)
		if (set->ino[i] == ino)
			return 1;
	return 0;
}

static int
set_add(struct uvs_netns_set *set, uint64_t ino)
{
	uint64_t	*p;
	size_t		 cap;

	if (uvs_netns_has(set, ino))
		return 0;
	if (set->n == set->cap) {
		cap = set->cap ? set->cap * 2 : 16;
		if ((p = realloc(set->ino, cap * sizeof(*p))) == NULL)
			return -ENOMEM;
		set->ino = p;
		set->cap = cap;
	}
	set->ino[set->n++] = ino;
	return 0;
}

void
uvs_netns_free(struct uvs_netns_set *set)
{
	free(set->ino);
	*set = (struct uvs_netns_set){ 0 };
}

int
uvs_netns_self(uint64_t *ino)
{
	struct stat	sb;

	if (stat("/proc/self/ns/net", &sb) < 0)
		return -errno;
	*ino = sb.st_ino;
	return 0;
}

/* "net:[INODE]" into *ino: 1, or 0 for anything else. */
static int
parse_link(const char *s, uint64_t *ino)
{
	unsigned long long	v;
	int			n = -1;

	if (sscanf(s, "net:[%llu]%n", &v, &n) != 1 || n < 0 || s[n] != '\0')
		return 0;
	*ino = v;
	return 1;
}

/* A /proc link: its namespace into set when it names one. 0 or -errno. */
static int
add_link(struct uvs_netns_set *set, const char *path)
{
	char		buf[64];
	ssize_t		len;
	uint64_t	ino;

	if ((len = readlink(path, buf, sizeof(buf) - 1)) < 0)
		/* a process or file that went away meanwhile held nothing */
		return errno == ENOENT || errno == ESRCH ? 0 : -errno;
	buf[len] = '\0';
	return parse_link(buf, &ino) ? set_add(set, ino) : 0;
}

/* The links /proc/PID/DIR/<each entry>SUFFIX. 0 or -errno. */
static int
add_dir(struct uvs_netns_set *set, const char *pid, const char *dir,
    const char *suffix)
{
	char		 path[PATH_MAX];
	struct dirent	*de;
	DIR		*d;
	int		 rc = 0;

	snprintf(path, sizeof(path), "/proc/%s/%s", pid, dir);
	if ((d = opendir(path)) == NULL)
		return errno == ENOENT || errno == ESRCH ? 0 : -errno;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/%s/%s%s", pid, dir,
		    de->d_name, suffix);
		rc = add_link(set, path);
	}
	closedir(d);
	return rc;
}

/* A process's permitted capabilities (/proc/PID/status): 0 or -errno. */
static int
caps_of(const char *pid, uint64_t *caps)
{
	char	 path[PATH_MAX], *line = NULL;
	size_t	 size = 0;
	FILE	*f;
	int	 rc = -ENODATA;

	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	if ((f = fopen(path, "re")) == NULL)
		return -errno;
	while (rc != 0 && getline(&line, &size, f) > 0)
		if (sscanf(line, "CapPrm: %" SCNx64, caps) == 1)
			rc = 0;
	free(line);
	fclose(f);
	return rc;
}

/*
 * The network namespaces mounted in PID's mount namespace, read once per
 * mount namespace (mnts holds those read; a process whose namespace we
 * may not see is read anyway). A mountinfo line's fourth field is the
 * mount's root, "net:[INODE]" for a namespace; its type follows " - ".
 */
static int
add_mounts(struct uvs_netns_set *set, struct uvs_netns_set *mnts,
    const char *pid)
{
	char		 path[PATH_MAX], root[256], *line = NULL;
	struct stat	 sb;
	size_t		 size = 0;
	uint64_t	 ino;
	FILE		*f;
	int		 rc = 0;

	snprintf(path, sizeof(path), "/proc/%s/ns/mnt", pid);
	if (stat(path, &sb) == 0) {
		if (uvs_netns_has(mnts, sb.st_ino))
			return 0;
		if ((rc = set_add(mnts, sb.st_ino)) < 0)
			return rc;
	} else if (errno == ENOENT || errno == ESRCH)
		return 0;
	else if (errno != EACCES && errno != EPERM)
		return -errno;
	snprintf(path, sizeof(path), "/proc/%s/mountinfo", pid);
	if ((f = fopen(path, "re")) == NULL)
		return errno == ENOENT || errno == ESRCH ? 0 : -errno;
	while (rc == 0 && getline(&line, &size, f) > 0)
		if (sscanf(line, "%*s %*s %*s %255s", root) == 1 &&
		    strstr(line, " - nsfs ") != NULL && parse_link(root, &ino))
			rc = set_add(set, ino);
	free(line);
	fclose(f);
	return rc;
}

/*
 * What process PID holds. A process we may not read counts only when it
 * holds a capability we (ours) lack. 0 or -errno.
 */
static int
add_process(struct uvs_netns_set *set, struct uvs_netns_set *mnts,
    const char *pid, uint64_t ours)
{
	uint64_t	theirs;
	int		rc;

	if ((rc = add_dir(set, pid, "task", "/ns/net")) == 0)
		rc = add_dir(set, pid, "fd", "");
	if (rc == -EACCES || rc == -EPERM) {
		if (caps_of(pid, &theirs) == 0 && (theirs & ~ours) != 0)
			rc = 0;
		else if (kill((pid_t)atoi(pid), 0) < 0 && errno == ESRCH)
			rc = 0;		/* gone meanwhile */
	}
	return rc < 0 ? rc : add_mounts(set, mnts, pid);
}

int
uvs_netns_live(struct uvs_netns_set *set)
{
	struct uvs_netns_set	 mnts = { 0 };
	struct dirent		*de;
	struct stat		 sb;
	uint64_t		 ours;
	DIR			*d;
	int			 rc;

	if (stat("/proc/self/ns/pid", &sb) < 0)
		return -errno;
	if (sb.st_ino != PROC_PID_INIT_INO)
		return -ENOTSUP;
	if ((rc = caps_of("self", &ours)) < 0)
		return rc;
	if ((d = opendir("/proc")) == NULL)
		return -errno;
	while (rc == 0 && (de = readdir(d)) != NULL)
		if (isdigit((unsigned char)de->d_name[0]))
			rc = add_process(set, &mnts, de->d_name, ours);
	closedir(d);
	uvs_netns_free(&mnts);
	return rc;
}
