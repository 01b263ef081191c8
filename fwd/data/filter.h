/*
 * The capture filter: which frames the kernel hands uvsd at all.
 */
#ifndef UVS_FILTER_H
#define UVS_FILTER_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Builds the classic BPF program for uvsd's packet sockets: with any_vip,
 * ARP requests and IPv4 frames sent to mac pass (the same program for one
 * VIP or thousands: the service table tells VIPs apart); without, nothing
 * passes. The caller frees prog->filter with free(). 0, or -1 (no memory).
 */
int	uvs_filter_build(int any_vip, const uint8_t mac[6],
	    struct sock_fprog *prog);

#endif
