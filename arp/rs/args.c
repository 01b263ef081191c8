/*
 * Command-line words uvs-rs checks before anything changes.
 */
#include <arpa/inet.h>

#include <string.h>

#include "arp/rs/rs.h"

/* NULL when s is a VIP, or what is wrong with it. */
const char *
vip_parse(const char *s, uint32_t *addr)
{
	struct in_addr	in;
	uint32_t	h;

	if (inet_pton(AF_INET, s, &in) != 1)
		return "is not a dotted IPv4 address";
	h = ntohl(in.s_addr);
	/* 0/8 is "this host", 127/8 loopback, 224/3 multicast and beyond. */
	if ((h >> 24) == 0 || (h >> 24) == 127 || (h >> 29) == 7)
		return "is not a unicast address";
	*addr = in.s_addr;
	return NULL;
}

/*
 * A v6 VIP is one global unicast address, given bare: the prefix is
 * always /128 (a VIP is an address, not a subnet); link-local addresses
 * are per link and a VIP on lo would never be reached by one, multicast
 * and the special ones are no host's address.
 */
const char *
vip6_parse(const char *s, struct in6_addr *addr)
{
	struct in6_addr	a;

	if (strchr(s, '/') != NULL)
		return "has a prefix length: give the address alone (a v6 "
		    "VIP is always /128 on lo)";
	if (inet_pton(AF_INET6, s, &a) != 1)
		return "is not an IPv6 address";
	if (IN6_IS_ADDR_MULTICAST(&a))
		return "is a multicast address, not a VIP";
	if (IN6_IS_ADDR_LINKLOCAL(&a))
		return "is link-local (fe80::/10): a VIP must be routable, "
		    "not one link's";
	if (IN6_IS_ADDR_UNSPECIFIED(&a) || IN6_IS_ADDR_LOOPBACK(&a) ||
	    IN6_IS_ADDR_V4MAPPED(&a) || IN6_IS_ADDR_V4COMPAT(&a))
		return "is not a unicast address";
	*addr = a;
	return NULL;
}
