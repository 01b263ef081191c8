/*
 * The capture filter: which frames the kernel hands uvsd at all.
 */
#ifndef UVS_FILTER_H
#define UVS_FILTER_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Compiles, with libpcap, a filter that passes ARP about the VIPs and
 * IPv4 to the VIPs sent to our MAC; nothing at all when n is 0. The
 * caller frees prog->filter with free(). Returns 0, or -1 with err set.
 */
int	uvs_filter_build(const uint32_t *vips, size_t n, const uint8_t mac[6],
	    struct sock_fprog *prog, char *err, size_t errlen);

#endif
