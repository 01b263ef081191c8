/*
 * The two sysctls that keep a host quiet about a VIP on lo, and which of
 * their values do: --arp sysctl raises them (up.c), down.c puts them
 * back, check.c judges them. Values follow net/ipv4/arp.c.
 */
#include <arpa/inet.h>

#include <string.h>

#include "arp/rs/rs.h"

/*
 * 1 and 2 answer only for addresses on the incoming interface, 8 never
 * answers. 3 still answers for a scope global VIP and 4-7 act as 0
 * (arp_ignore() in net/ipv4/arp.c), so "more" is not always "safer".
 */
static int
ignore_ok(int v)
{
	return v == 1 || v == 2 || v == 8;
}

/* Only 2 keeps the VIP out of ARP requests; arp_solicit() treats >2 as 0. */
static int
announce_ok(int v)
{
	return v == 2;
}

const struct rs_rule rs_rules[RS_NRULES] = {
	{ .key = "arp_ignore", .want = 1, .ok = ignore_ok,
	  .why = "this host answers ARP for the VIP, so clients that hear it "
	  "send VIP traffic here, past the director" },
	{ .key = "arp_announce", .want = 2, .ok = announce_ok,
	  .why = "this host's own ARP requests carry the VIP as sender, so "
	  "the hosts asked learn the VIP at this MAC and send VIP traffic "
	  "here, past the director" },
};

const struct rs_rule *
rule_by_key(const char *key)
{
	size_t	i;

	for (i = 0; i < RS_NRULES; i++)
		if (strcmp(rs_rules[i].key, key) == 0)
			return &rs_rules[i];
	return NULL;
}
