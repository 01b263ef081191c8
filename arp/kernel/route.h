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

struct uvs_route {
	int		 oif;		/* the link named by the route */
	uint32_t	 gateway;	/* network order; 0: on-link */
	uint32_t	 prefsrc;	/* network order; 0: none given */
	uint32_t	 mtu;		/* the route's MTU metric; 0: the link's */
	uint8_t		 type;		/* RTN_UNICAST, RTN_LOCAL, ... */
};

/*
 * Reads one RTM_NEWROUTE answer into r. Returns 0, -EINVAL for a message
 * that is not an IPv4 route, -ENETUNREACH for a route without an output
 * link (unreachable, blackhole, prohibit).
 */
int	uvs_route_parse(const struct nlmsghdr *nlh, struct uvs_route *r);

/* Asks the kernel for its route to dst (RTM_GETROUTE). 0 or -errno. */
int	uvs_route_get(uint32_t dst, struct uvs_route *r);

/* The MTU of link ifindex (IFLA_MTU). 0 or -errno. */
int	uvs_link_mtu(int ifindex, uint32_t *mtu);

#endif
