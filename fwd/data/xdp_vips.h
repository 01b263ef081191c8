/*
 * Keeping the XDP program's VIP map equal to the service table's VIPs.
 * The map is reached through three operations (the kernel's map calls in
 * uvsd, an array in the unit test), so the rule lives in one place: every
 * wanted VIP is added first, then every other key is deleted, so a VIP
 * that stays is never missing from the map, not even for a moment.
 */
#ifndef UVS_XDP_VIPS_H
#define UVS_XDP_VIPS_H

#include <stddef.h>
#include <stdint.h>

struct uvs_xdp_map_ops {
	/* the key after *prev (prev NULL: the first): 0, -ENOENT at the end */
	int	(*next)(void *arg, const uint32_t *prev, uint32_t *key);
	int	(*add)(void *arg, uint32_t key);	/* 0 or -errno */
	int	(*del)(void *arg, uint32_t key);	/* 0 or -errno */
	void	*arg;
};

/*
 * Makes the map hold exactly vip[0..n) (network order; repeats allowed).
 * 0, or the first -errno (the map may then hold extra VIPs, never fewer
 * than it had of the wanted ones).
 */
int	uvs_xdp_vips_sync(const struct uvs_xdp_map_ops *ops,
	    const uint32_t *vip, size_t n);

#endif
