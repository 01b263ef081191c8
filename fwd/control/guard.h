/*
 * The director's kernel guard (fwd/control/guard.c): an nftables netdev
 * ingress chain on uvsd's interface that drops VIP traffic, ARP requests
 * and IPv6 Neighbor Solicitations for VIPs before the kernel sees them,
 * by looking them up in one set of services per family. uvsd's packet socket sees every frame
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
#include "sched/inaddr.h"

/* One service to hide from the kernel. port 0: every port of proto. */
struct uvs_guard_rule {
	union uvs_inaddr vip;		/* network order, of family af */
	uint16_t	 port;		/* network order */
	uint8_t		 proto;		/* IPPROTO_TCP, IPPROTO_UDP */
	uint8_t		 af;		/* AF_INET, AF_INET6 */
};

#define UVS_GUARD_KEY_LEN	12	/* VIP . proto . port, 4 bytes each */
#define UVS_GUARD_KEY6_LEN	24	/* the same with a 16-byte VIP */

/* What one family's set holds, sorted, as the kernel has it. */
struct uvs_guard_keys {
	uint8_t		*keys;
	size_t		 nkeys;
};

struct uvs_guard {
	struct uvs_nft		 nft;		/* owns the table: it dies
						   with us */
	char			 table[32];	/* "uvsd-<ifindex>" */
	int			 on;		/* the table exists */
	struct uvs_guard_keys	 v4, v6;	/* sets services, services6 */
};

/*
 * Creates table netdev uvsd-<ifindex> (owned by this process, so the kernel
 * removes it when the process ends, even by SIGKILL) with an ingress chain
 * on ifname whose six rules drop what the empty sets "services" (IPv4)
 * and "services6" (IPv6) will hold. 0, or -errno with a one-line reason
 * in err.
 */
int	uvs_guard_open(struct uvs_guard *g, const char *ifname, char *err,
	    size_t errlen);
/*
 * Makes the sets hold exactly these services, in one atomic batch that
 * adds and deletes only what changed: for each rule, IPv4 or IPv6 to
 * vip/proto/port is dropped; for each distinct vip, ARP requests for it
 * (IPv4) or Neighbor Solicitations for it (IPv6). rules may repeat. 0, or
 * -errno (-EAFNOSUPPORT for a rule of another family) with err set (the
 * sets then unchanged).
 */
int	uvs_guard_set(struct uvs_guard *g, const struct uvs_guard_rule *rules,
	    size_t n, char *err, size_t errlen);
/* Removes the table (closing the socket does it) and forgets g. */
void	uvs_guard_close(struct uvs_guard *g);

#endif
