/*
 * The director's kernel guard (fwd/control/guard.c): an nftables netdev
 * ingress chain on uvsd's interface that drops VIP traffic and ARP
 * requests for VIPs before the kernel sees them, by looking them up in one
 * set of services. uvsd's packet socket sees every frame
 * before that hook, so uvsd still handles them all, while the kernel can
 * hold the VIP on its own interface (the seed's eth0:1) and forward
 * (ip_forward=1) without answering, resetting or routing VIP traffic.
 */
#ifndef UVS_GUARD_H
#define UVS_GUARD_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "arp/kernel/nft.h"

/* One service to hide from the kernel. port 0: every port of proto. */
struct uvs_guard_rule {
	uint32_t	vip;		/* network order */
	uint16_t	port;		/* network order */
	uint8_t		proto;		/* IPPROTO_TCP, IPPROTO_UDP */
};

#define UVS_GUARD_KEY_LEN	12	/* VIP . proto . port, 4 bytes each */

struct uvs_guard {
	struct uvs_nft	 nft;		/* owns the table: it dies with us */
	char		 table[32];	/* "uvsd-<ifindex>" */
	int		 on;		/* the table exists */
	uint8_t		*keys;		/* what the set holds, sorted */
	size_t		 nkeys;
};

/*
 * Creates table netdev uvsd-<ifindex> (owned by this process, so the kernel
 * removes it when the process ends, even by SIGKILL) with an ingress chain
 * on ifname whose three rules drop what the empty set "services" will
 * hold. 0, or -errno with a one-line reason in err.
 */
int	uvs_guard_open(struct uvs_guard *g, const char *ifname, char *err,
	    size_t errlen);
/*
 * Makes the set hold exactly these services, in one atomic batch that
 * adds and deletes only what changed: for each rule, IPv4 to
 * vip/proto/port is dropped; for each distinct vip, ARP requests for it.
 * rules may repeat. 0, or -errno with err set (the set then unchanged).
 */
int	uvs_guard_set(struct uvs_guard *g, const struct uvs_guard_rule *rules,
	    size_t n, char *err, size_t errlen);
/* Removes the table (closing the socket does it) and forgets g. */
void	uvs_guard_close(struct uvs_guard *g);

#endif
