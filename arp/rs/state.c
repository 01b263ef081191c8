/*
 * The state file: what `up` changed (VIPs added, sysctls raised, nft
 * rules loaded), so that `down` undoes exactly that and nothing else.
 * One line per change, written whole to a temporary file and renamed;
 * one file per network namespace, because namespaces share /run, and
 * the namespace cookie inside tells a stale file of a dead namespace
 * whose inode was reused from ours. Stale state is not the user's
 * business: a file whose namespace is surely gone is taken over without
 * a word, and the default files of namespaces nothing holds any more are
 * removed (arp/kernel/netns.c tells which namespaces live).
 */
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <net/if.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arp/kernel/netns.h"
#include "arp/kernel/rtnl.h"
#include "arp/rs/rs.h"

/* The namespace's cookie is never reused within a boot; its inode is. */
static uint64_t
netns_cookie(void)
{
	uint64_t	cookie = 0;
#ifdef SO_NETNS_COOKIE
	socklen_t	len = sizeof(cookie);
	int		fd;

	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return 0;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) < 0)
		cookie = 0;
	close(fd);
#endif
	return cookie;
}

struct rs_vip *
state_find_vip(struct rs_state *st, uint32_t addr)
{
	size_t	i;

	for (i = 0; i < st->nvip; i++)
		if (st->vip[i].addr == addr)
			return &st->vip[i];
	return NULL;
}

struct rs_knob *
state_find_knob(struct rs_state *st, const char *ifname,
    const struct rs_rule *rule)
{
	size_t	i;

	for (i = 0; i < st->nknob; i++)
		if (st->knob[i].rule == rule &&
		    strcmp(st->knob[i].ifname, ifname) == 0)
			return &st->knob[i];
	return NULL;
}

struct rs_vip *
state_add_vip(struct rs_state *st, uint32_t addr, int added, const char *dev)
{
	struct rs_vip	*v;

	if (strlen(dev) >= IF_NAMESIZE)
		return NULL;
	if ((v = reallocarray(st->vip, st->nvip + 1, sizeof(*v))) == NULL)
		return NULL;
	st->vip = v;
	v = &st->vip[st->nvip++];
	*v = (struct rs_vip){ .addr = addr, .added = added };
	strcpy(v->dev, dev);
	return v;
}

struct rs_nft *
state_find_nft(struct rs_state *st, uint32_t vip)
{
	size_t	i;

	for (i = 0; i < st->nnft; i++)
		if (st->nft[i].vip == vip)
			return &st->nft[i];
	return NULL;
}

/* Records that the nft rules handle vip, rewriting it to rip. */
int
state_set_nft(struct rs_state *st, uint32_t vip, uint32_t rip)
{
	struct rs_nft	*e;

	if ((e = state_find_nft(st, vip)) == NULL) {
		e = reallocarray(st->nft, st->nnft + 1, sizeof(*e));
		if (e == NULL)
			return -ENOMEM;
		st->nft = e;
		e = &st->nft[st->nnft++];
	}
	*e = (struct rs_nft){ .vip = vip, .rip = rip };
	return 0;
}

struct rs_knob *
state_add_knob(struct rs_state *st, const char *ifname,
    const struct rs_rule *rule, int old)
{
	struct rs_knob	*k;

	if (strlen(ifname) >= IF_NAMESIZE)
		return NULL;
	if ((k = reallocarray(st->knob, st->nknob + 1, sizeof(*k))) == NULL)
		return NULL;
	st->knob = k;
	k = &st->knob[st->nknob++];
	*k = (struct rs_knob){ .rule = rule, .old = old, .undo = old };
	strcpy(k->ifname, ifname);
	return k;
}

void
state_free(struct rs_state *st)
{
	free(st->vip);
	free(st->knob);
	free(st->nft);
	free(st->vip6);
	*st = (struct rs_state){ 0 };
}

/* One line of the file state_save writes; -EINVAL for anything else. */
int
state_parse(struct rs_state *st, const char *line)
{
	char			 a[LINE_MAX_LEN], b[LINE_MAX_LEN];
	char			 c[LINE_MAX_LEN] = "lo";
	const struct rs_rule	*rule;
	struct in_addr		 in, in2;
	struct in6_addr		 in6;
	struct rs_vip6		*v6;
	uint64_t		 cookie, ino = 0;
	int			 v, n = -1, m = -1;

	if (line[0] == '#' || line[0] == '\n')
		return 0;
	/* "netns COOKIE INODE"; files before the inode have the cookie alone */
	if (sscanf(line, "netns %" SCNu64 " %n", &cookie, &n) == 1 && n > 0 &&
	    (line[n] == '\0' || (sscanf(line + n, "%" SCNu64 " %n", &ino,
	    &m) == 1 && m > 0 && line[n + m] == '\0'))) {
		st->netns = cookie;
		st->netns_ino = ino;
		return 0;
	}
	/* before "vip": its %s would take the 6 for an address */
	n = -1;
	if (sscanf(line, "vip6 %255s %255s %n", a, b, &n) == 2 && n > 0) {
		/* then "nft" (up --arp nft), or nothing */
		if (line[n] != '\0' && (sscanf(line + n, "%255s %n", c,
		    &m) != 1 || line[n + m] != '\0' || strcmp(c, "nft") != 0))
			return -EINVAL;
		if (inet_pton(AF_INET6, a, &in6) != 1 ||
		    state_find_vip6(st, &in6) != NULL)
			return -EINVAL;
		if (strcmp(b, "added") != 0 && strcmp(b, "present") != 0)
			return -EINVAL;
		if ((v6 = state_add_vip6(st, &in6, b[0] == 'a')) == NULL)
			return -ENOMEM;
		v6->nft = v6->nft_undo = line[n] != '\0';
		return 0;
	}
	n = -1;
	if (sscanf(line, "vip %255s %255s %n", a, b, &n) == 2 && n > 0) {
		/* then DEV, or nothing for lo as files before --dev say */
		if (line[n] != '\0' && (sscanf(line + n, "%255s %n", c,
		    &m) != 1 || line[n + m] != '\0'))
			return -EINVAL;
		if (strlen(c) >= IF_NAMESIZE)
			return -EINVAL;
		if (inet_pton(AF_INET, a, &in) != 1 || state_find_vip(st,
		    in.s_addr) != NULL)
			return -EINVAL;
		if (strcmp(b, "added") != 0 && strcmp(b, "present") != 0)
			return -EINVAL;
		if (state_add_vip(st, in.s_addr, b[0] == 'a', c) == NULL)
			return -ENOMEM;
		return 0;
	}
	n = -1;
	if (sscanf(line, "nft %255s %255s %n", a, b, &n) == 2 &&
	    n > 0 && line[n] == '\0') {
		if (inet_pton(AF_INET, a, &in) != 1 ||
		    inet_pton(AF_INET, b, &in2) != 1 ||
		    state_find_nft(st, in.s_addr) != NULL)
			return -EINVAL;
		return state_set_nft(st, in.s_addr, in2.s_addr);
	}
	n = -1;
	if (sscanf(line, "sysctl %255s %255s %d %n", a, b, &v, &n) == 3 &&
	    n > 0 && line[n] == '\0') {
		if ((rule = rule_by_key(b)) == NULL ||
		    strlen(a) >= IF_NAMESIZE || state_find_knob(st, a, rule))
			return -EINVAL;
		if (state_add_knob(st, a, rule, v) == NULL)
			return -ENOMEM;
		return 0;
	}
	return -EINVAL;
}

/* 0, -ENOENT when there is no file, -errno; *lineno names a bad line. */
int
state_load(struct rs_state *st, const char *path, int *lineno)
{
	char	 line[LINE_MAX_LEN];
	FILE	*f;
	int	 rc = 0;

	*lineno = 0;
	if ((f = fopen(path, "re")) == NULL)
		return -errno;
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		++*lineno;
		rc = state_parse(st, line);
	}
	if (rc == 0 && ferror(f))
		rc = -EIO;
	fclose(f);
	return rc;
}

/* Written whole to a temporary file and renamed, so never half there. */
int
state_save(const struct rs_state *st, const char *path)
{
	char	 tmp[PATH_MAX], ip[INET_ADDRSTRLEN], ip6[INET6_ADDRSTRLEN];
	size_t	 i;
	FILE	*f;
	int	 fd, rc = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if ((f = fdopen(fd, "w")) == NULL) {
		rc = -errno;
		close(fd);
		unlink(tmp);
		return rc;
	}
	fprintf(f, "# uvs-rs: what `up` changed, for `down` to undo\n");
	if (st->netns != 0)
		fprintf(f, "netns %" PRIu64 " %" PRIu64 "\n", st->netns,
		    st->netns_ino);
	for (i = 0; i < st->nvip; i++)
		fprintf(f, "vip %s %s%s%s\n", ip_str(st->vip[i].addr, ip),
		    st->vip[i].added ? "added" : "present",
		    strcmp(st->vip[i].dev, "lo") == 0 ? "" : " ",
		    strcmp(st->vip[i].dev, "lo") == 0 ? "" : st->vip[i].dev);
	for (i = 0; i < st->nvip6; i++)
		fprintf(f, "vip6 %s %s%s\n", inet_ntop(AF_INET6,
		    &st->vip6[i].addr, ip6, sizeof(ip6)),
		    st->vip6[i].added ? "added" : "present",
		    st->vip6[i].nft ? " nft" : "");
	for (i = 0; i < st->nnft; i++) {
		fprintf(f, "nft %s", ip_str(st->nft[i].vip, ip));
		fprintf(f, " %s\n", ip_str(st->nft[i].rip, ip));
	}
	for (i = 0; i < st->nknob; i++)
		fprintf(f, "sysctl %s %s %d\n", st->knob[i].ifname,
		    st->knob[i].rule->key, st->knob[i].old);
	if (ferror(f) || fflush(f) != 0 || fsync(fd) < 0)
		rc = errno != 0 ? -errno : -EIO;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	return rc;
}

/*
 * Whether the namespace that wrote rs->st (under another cookie) is gone
 * for sure: it had our inode (a live namespace's inode is its own, so that
 * one died and ours took the number), or nothing on this host holds its
 * inode. A file of the default path has our inode in its name.
 */
static int
state_stale(const struct rs *rs)
{
	struct uvs_netns_set	live = { 0 };
	int			stale;

	if (rs->st.netns_ino == 0)
		return rs->default_path;
	if (rs->st.netns_ino == rs->ino)
		return 1;
	stale = uvs_netns_live(&live) == 0 &&
	    !uvs_netns_has(&live, rs->st.netns_ino);
	uvs_netns_free(&live);
	return stale;
}

/*
 * Reads what earlier runs changed. Inodes of dead namespaces are reused,
 * so a file written under another cookie is not ours to undo: dropped
 * quietly when its namespace is gone (up then writes ours over it, down
 * removes it), with a word when that namespace may still live (a --state
 * FILE shared by two).
 */
int
rs_load(struct rs *rs)
{
	uint64_t	cookie = netns_cookie();
	int		rc, lineno;

	rc = state_load(&rs->st, rs->path, &lineno);
	if (rc < 0 && rc != -ENOENT) {
		if (rc == -EINVAL)
			fprintf(stderr, "uvs-rs: %s line %d is not one uvs-rs "
			    "wrote\n", rs->path, lineno);
		else
			fprintf(stderr, "uvs-rs: %s: %s\n", rs->path,
			    strerror(-rc));
		return rc;
	}
	if (rs->st.netns != 0 && cookie != 0 && rs->st.netns != cookie) {
		if (!state_stale(rs))
			fprintf(stderr, "uvs-rs: %s was written in another "
			    "network namespace; ignoring it\n", rs->path);
		state_free(&rs->st);
	}
	if (rs->st.netns == 0)
		rs->st.netns = cookie;
	rs->st.netns_ino = rs->ino;
	return 0;
}

int
state_lock(void)
{
	int	fd;

	if ((fd = open(STATE_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	if (flock(fd, LOCK_EX) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

void
state_sweep(const struct rs *rs)
{
	struct uvs_netns_set	 live = { 0 };
	char			 path[PATH_MAX];
	struct dirent		*de;
	uint64_t		 ino;
	int			 n, known = 0;
	DIR			*d;

	if ((d = opendir(STATE_DIR)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		n = -1;
		if (sscanf(de->d_name, "rs-%" SCNu64 ".state%n", &ino,
		    &n) != 1 || n < 0 || de->d_name[n] != '\0' ||
		    ino == rs->ino)
			continue;
		if (!known && uvs_netns_live(&live) < 0)
			break;
		known = 1;
		if (uvs_netns_has(&live, ino))
			continue;
		snprintf(path, sizeof(path), STATE_DIR "/%s", de->d_name);
		unlink(path);
	}
	closedir(d);
	uvs_netns_free(&live);
}

int
state_default_path(char *buf, size_t size, uint64_t ino)
{
	int	n;

	n = snprintf(buf, size, STATE_DIR "/rs-%" PRIu64 ".state", ino);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}
