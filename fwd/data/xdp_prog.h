/*
 * uvsd's XDP program on one link (bpf/xdp_redirect.c): load, attach,
 * detach, and its maps. The AF_XDP sockets themselves are
 * capture_xdp.c's.
 */
#ifndef UVS_XDP_PROG_H
#define UVS_XDP_PROG_H

#include <stddef.h>
#include <stdint.h>

struct bpf_object;

struct uvs_xdp_prog {
	struct bpf_object	*obj;
	int			 prog_fd, xsks_fd, vips_fd;
	int			 ifindex;
	uint32_t		 mode;	/* XDP_FLAGS_DRV_MODE or _SKB_MODE;
					   0: not attached */
};

/*
 * Loads the program for mac's link ifindex and attaches it: natively
 * where the driver can, in generic mode otherwise. A program a killed
 * uvsd left there is replaced; anyone else's is not (-EBUSY). 0 or
 * -errno (nothing is left attached then).
 */
int	uvs_xdp_prog_attach(struct uvs_xdp_prog *x, int ifindex,
	    const uint8_t mac[6]);
/* Detaches it (if attached) and frees it. */
void	uvs_xdp_prog_detach(struct uvs_xdp_prog *x);
/* Frames of receive queue queue go to AF_XDP socket fd. 0 or -errno. */
int	uvs_xdp_prog_add_socket(struct uvs_xdp_prog *x, uint32_t queue,
	    int fd);
/* Makes vip[0..n) (network order) the VIPs it redirects. 0 or -errno. */
int	uvs_xdp_prog_set_vips(struct uvs_xdp_prog *x, const uint32_t *vip,
	    size_t n);
/*
 * 1 when uvsd's native program is on ifindex, keeping the kernel off
 * VIP traffic (uvsd --check asks), 0 otherwise.
 */
int	uvs_xdp_prog_on(int ifindex);
/* 1 when it runs in generic (skb) mode. */
int	uvs_xdp_prog_generic(const struct uvs_xdp_prog *x);

#endif
