/*
 * The kernel's route to an address (arp/kernel/route.c): which link a
 * frame for it leaves by and through which next hop, as IPVS asks before
 * each transmit (ip_vs_xmit.c: __ip_vs_get_out_rt). uvsd asks once per
 * dest and again when the routing table changes.
 */
#ifndef UVS_ROUTE_H
#define UVS_ROUTE_H

#include <stdint.h>

#include <libmnl/libmnl.h>

#include "sched/inaddr.h"

/* Addresses are of the route's family (af); v4 ones in .ip. */
struct uvs_route {
	int			 af;		/* AF_INET or AF_INET6 */
	int			 oif;		/* the link named by the route */
	union uvs_inaddr	 gateway;	/* all zero: on-link */
	union uvs_inaddr	 prefsrc;	/* all zero: none given */
	uint32_t		 mtu;		/* the route's MTU metric; 0: the
						   link's */
	uint8_t			 type;		/* RTN_UNICAST, RTN_LOCAL, ... */
};

/*
 * Reads one RTM_NEWROUTE answer of family af (AF_INET, AF_INET6) into r.
 * Returns 0, -EINVAL for a message that is not a route of that family,
 * -ENETUNREACH for a route without an output link (unreachable,
 * blackhole, prohibit).
 */
int	uvs_route_parse_af(int af, const struct nlmsghdr *nlh,
	    struct uvs_route *r);
/* uvs_route_parse_af for AF_INET. */
int	uvs_route_parse(const struct nlmsghdr *nlh, struct uvs_route *r);

/*
 * Asks the kernel for its route to dst of family af (RTM_GETROUTE, what
 * `ip -6 route get` asks). 0 or -errno.
 */
int	uvs_route_get_af(int af, const union uvs_inaddr *dst,
	    struct uvs_route *r);
/* uvs_route_get_af for the IPv4 address dst (network order). */
int	uvs_route_get(uint32_t dst, struct uvs_route *r);

/* The MTU of link ifindex (IFLA_MTU). 0 or -errno. */
int	uvs_link_mtu(int ifindex, uint32_t *mtu);

#endif
