/*
 * An IPv4 or IPv6 address, as IPVS keeps one (union nf_inet_addr): the
 * family travels beside it (AF_INET or AF_INET6), never inside. A v4
 * address sits in .ip with the other twelve bytes zero, so equality and
 * hashing can look at all sixteen bytes whatever the family.
 */
#ifndef UVS_INADDR_H
#define UVS_INADDR_H

#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

union uvs_inaddr {
	uint32_t	 all[4];
	uint32_t	 ip;		/* v4, network order */
	uint32_t	 ip6[4];	/* v6, network order */
	struct in_addr	 in;
	struct in6_addr	 in6;
	uint8_t		 b[16];
};

_Static_assert(sizeof(union uvs_inaddr) == 16, "an address is 16 bytes");

/* The v4 address a (network order) with the rest zeroed. */
static inline union uvs_inaddr
uvs_inaddr4(uint32_t a)
{
	union uvs_inaddr x = { .all = { a, 0, 0, 0 } };

	return x;
}

static inline int
uvs_inaddr_eq(const union uvs_inaddr *a, const union uvs_inaddr *b)
{
	return ((a->all[0] ^ b->all[0]) | (a->all[1] ^ b->all[1]) |
	    (a->all[2] ^ b->all[2]) | (a->all[3] ^ b->all[3])) == 0;
}

/*
 * The 32 bits IPVS's hashing schedulers (sh, dh, lblc, lblcr, mh) start
 * from: the v4 address, or a v6 one's four words xor-ed together
 * (ip_vs_sh.c and the others, addr_fold), still network order.
 */
static inline uint32_t
uvs_inaddr_fold(int af, const union uvs_inaddr *a)
{
	if (af == AF_INET6)
		return a->ip6[0] ^ a->ip6[1] ^ a->ip6[2] ^ a->ip6[3];
	return a->ip;
}

/* memcmp order, for sorted lists of addresses of one family. */
static inline int
uvs_inaddr_cmp(const union uvs_inaddr *a, const union uvs_inaddr *b)
{
	return memcmp(a->b, b->b, sizeof(a->b));
}

#endif
