/*
 * Command-line words uvs-rs checks before anything changes.
 */
#include <arpa/inet.h>

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
