/*
 * Per-interface IPv4 sysctls (net.ipv4.conf.<if>.<key>) through /proc/sys,
 * which shows the settings of the caller's network namespace.
 * Errors are -errno; nothing here prints.
 */
#ifndef UVS_SYSCTL_H
#define UVS_SYSCTL_H

/*
 * Reads net.ipv4.conf.<ifname>.<key> into *val: 0, -ENOENT when the
 * interface or key does not exist, -EINVAL for a bad name or value.
 */
int	uvs_sysctl_get(const char *ifname, const char *key, int *val);
/* Writes val to net.ipv4.conf.<ifname>.<key>: 0 or -errno. */
int	uvs_sysctl_set(const char *ifname, const char *key, int val);
/*
 * Calls fn(ifname, arg) for each interface that has IPv4 settings ("all"
 * and "default" are not interfaces and are skipped). Stops at the first
 * non-zero value fn returns and returns it; otherwise 0, or -errno.
 */
int	uvs_sysctl_each_if(int (*fn)(const char *ifname, void *arg), void *arg);

#endif
