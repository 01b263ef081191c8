/*
 * The capture filter: which frames the kernel hands uvsd at all.
 */
#ifndef UVS_FILTER_H
#define UVS_FILTER_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

/* The families of the VIPs served: what the filter lets through. */
#define UVS_FILTER_V4	0x1	/* ARP requests, IPv4 to mac */
#define UVS_FILTER_V6	0x2	/* IPv6 to mac, NS to a solicited-node
				   group */

/*
 * Builds the classic BPF program for uvsd's packet sockets: what
 * families (UVS_FILTER_*) name passes (the same program for one VIP or
 * thousands: the service table tells VIPs apart); with 0, nothing
 * passes. The caller frees prog->filter with free(). 0, or -1 (no
 * memory).
 */
int	uvs_filter_build(int families, const uint8_t mac[6],
	    struct sock_fprog *prog);

#endif
