/*
 * IPv4 and IPv6 addresses on the kernel's interfaces, over rtnetlink
 * (libmnl). Used by uvs-rs (VIP on lo) and by uvsd (is a VIP on a
 * kernel interface?). All addresses in network byte order. Errors are
 * -errno. The _af calls take the family beside a union uvs_inaddr; the
 * plain ones are their IPv4 forms.
 */
#ifndef UVS_ADDR_H
#define UVS_ADDR_H

#include <stddef.h>
#include <stdint.h>

#include "sched/inaddr.h"

/* IFA_F_NODAD: no duplicate address detection (a VIP on lo, held on
   purpose by many hosts), the address usable at once. */
#define UVS_ADDR_F_NODAD	0x02

/*
 * Adds addr/prefixlen of family af on ifindex with flags (UVS_ADDR_F_*);
 * -EEXIST when it is there already, -EINVAL for a prefix too long.
 */
int	uvs_addr_add_af(int af, int ifindex, const union uvs_inaddr *addr,
	    uint8_t prefixlen, uint32_t flags);
/* Removes addr/prefixlen from ifindex; -EADDRNOTAVAIL when absent. */
int	uvs_addr_del_af(int af, int ifindex, const union uvs_inaddr *addr,
	    uint8_t prefixlen);
/*
 * Which interface holds addr: its ifindex (> 0), 0 when none does,
 * -errno when the dump failed. *prefixlen and *flags (IFA_F_*, each if
 * not NULL) get the address's prefix and flags.
 */
int	uvs_addr_lookup_af(int af, const union uvs_inaddr *addr,
	    uint8_t *prefixlen, uint32_t *flags);
/*
 * Every address of family af on the host's interfaces: the first max
 * go to out; returns how many there are (may exceed max), or -errno.
 */
int	uvs_addr_list_af(int af, union uvs_inaddr *out, unsigned max);

/* Adds addr/prefixlen on ifindex; -EEXIST when it is there already. */
int	uvs_addr_add(int ifindex, uint32_t addr, uint8_t prefixlen);
/* Removes addr/prefixlen from ifindex; -EADDRNOTAVAIL when absent. */
int	uvs_addr_del(int ifindex, uint32_t addr, uint8_t prefixlen);
/*
 * Which interface holds addr: its ifindex (> 0), 0 when none does,
 * -errno when the dump failed. *prefixlen (if not NULL) gets its prefix.
 */
int	uvs_addr_lookup(uint32_t addr, uint8_t *prefixlen);
/* Is addr one of v[0..n)? Lists here are short: a linear scan. */
static inline int
uvs_addr_in(const uint32_t *v, size_t n, uint32_t addr)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == addr)
			return 1;
	return 0;
}

#endif
