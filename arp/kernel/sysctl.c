/*
 * net.ipv4.conf.<if>.<key> read and written as small integers through
 * /proc/sys/net/ipv4/conf. The kernel resolves /proc/sys/net in the
 * namespace of the process, so a tool run with `ip netns exec` sees that
 * namespace's interfaces. Names are checked before they become paths:
 * an interface name never carries '/' and is never "." or "..".
 */
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arp/kernel/sysctl.h"

#define CONF_DIR	"/proc/sys/net/ipv4/conf"
/* "-2147483648\n" and then some: a sysctl integer always fits. */
#define VAL_MAX_LEN	32

static int
name_ok(const char *ifname)
{
	size_t	len = strnlen(ifname, IF_NAMESIZE);

	if (len == 0 || len >= IF_NAMESIZE)
		return 0;
	if (strcmp(ifname, ".") == 0 || strcmp(ifname, "..") == 0)
		return 0;
	return strchr(ifname, '/') == NULL;
}

static int
key_ok(const char *key)
{
	const char	*p;

	if (*key == '\0')
		return 0;
	for (p = key; *p != '\0'; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
		    *p != '_')
			return 0;
	return 1;
}

static int
conf_path(char *path, size_t size, const char *ifname, const char *key)
{
	int	n;

	if (!name_ok(ifname) || !key_ok(key))
		return -EINVAL;
	n = snprintf(path, size, CONF_DIR "/%s/%s", ifname, key);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

int
uvs_sysctl_get(const char *ifname, const char *key, int *val)
{
	char	 path[PATH_MAX], buf[VAL_MAX_LEN], *end;
	ssize_t	 n;
	long	 v;
	int	 fd, rc;

	if ((rc = conf_path(path, sizeof(path), ifname, key)) < 0)
		return rc;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	rc = -errno;
	close(fd);
	if (n < 0)
		return rc;
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno != 0 || end == buf || (*end != '\n' && *end != '\0') ||
	    v < INT_MIN || v > INT_MAX)
		return -EINVAL;
	*val = (int)v;
	return 0;
}

int
uvs_sysctl_set(const char *ifname, const char *key, int val)
{
	char	 path[PATH_MAX], buf[VAL_MAX_LEN];
	ssize_t	 n;
	int	 fd, len, rc;

	if ((rc = conf_path(path, sizeof(path), ifname, key)) < 0)
		return rc;
	len = snprintf(buf, sizeof(buf), "%d\n", val);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return -errno;
	n = write(fd, buf, len);
	rc = n < 0 ? -errno : 0;
	/* proc handlers take the whole value in one write, or none of it. */
	if (n >= 0 && n != len)
		rc = -EIO;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

int
uvs_sysctl_each_if(int (*fn)(const char *ifname, void *arg), void *arg)
{
	struct dirent	*de;
	DIR		*dir;
	int		 rc = 0;

	if ((dir = opendir(CONF_DIR)) == NULL)
		return -errno;
	for (;;) {
		errno = 0;
		if ((de = readdir(dir)) == NULL) {
			rc = -errno;
			break;
		}
		if (!name_ok(de->d_name) || strcmp(de->d_name, "all") == 0 ||
		    strcmp(de->d_name, "default") == 0)
			continue;
		if ((rc = fn(de->d_name, arg)) != 0)
			break;
	}
	closedir(dir);
	return rc;
}
