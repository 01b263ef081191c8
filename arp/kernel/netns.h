/*
 * Which network namespaces are alive (arp/kernel/netns.c), by their nsfs
 * inode: the number /proc/PID/ns/net links to as "net:[INODE]".
 * Errors are -errno; nothing here prints.
 */
#ifndef UVS_NETNS_H
#define UVS_NETNS_H

#include <stddef.h>
#include <stdint.h>

/* Inodes of live network namespaces; zero it before the first use. */
struct uvs_netns_set {
	uint64_t	*ino;
	size_t		 n, cap;
};

/*
 * Fills set with every network namespace something on this host holds:
 * a process or thread in it, an open file of it, a mount of it (ip netns
 * add mounts one under /run/netns). 0 when the set is whole, so that an
 * inode missing from it belongs to no live namespace; -ENOTSUP outside
 * the initial PID namespace (processes elsewhere are out of sight);
 * -EACCES or -EPERM when some process's namespaces cannot be read (not
 * root); -ENOMEM; -errno. On error the set may hold part of the answer.
 */
int	uvs_netns_live(struct uvs_netns_set *set);

/* 1 when ino is in set, else 0. */
int	uvs_netns_has(const struct uvs_netns_set *set, uint64_t ino);

void	uvs_netns_free(struct uvs_netns_set *set);

/* The inode of the caller's network namespace: 0, or -errno. */
int	uvs_netns_self(uint64_t *ino);

#endif
