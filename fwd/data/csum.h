/*
 * Checksum work a backend without a vnet header must do itself. A veth
 * or virtio link hands the director TCP and UDP frames whose checksum
 * the sender left to "the hardware" (CHECKSUM_PARTIAL): the field holds
 * only the pseudo-header sum. A packet socket says so in the vnet header;
 * an AF_XDP socket gets the bare bytes (capture_xdp.c). These functions
 * recognise such a frame, describe it as a vnet header would, and finish
 * the checksum before the frame leaves as plain bytes.
 */
#ifndef UVS_CSUM_H
#define UVS_CSUM_H

#include <linux/virtio_net.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Looks at an untagged Ethernet frame: when it is an unfragmented IPv4
 * TCP or UDP packet whose checksum field equals its pseudo-header sum
 * (what CHECKSUM_PARTIAL leaves there), fills vh as the kernel would
 * (NEEDS_CSUM, csum_start at the L4 header, csum_offset at the field)
 * and returns 1; otherwise leaves vh alone and returns 0. A complete
 * checksum equal to that sum (1 in 65536) is finished again to the same
 * value, so the guess never spoils a valid frame.
 */
int	uvs_csum_partial(const uint8_t *frame, size_t len,
	    struct virtio_net_hdr *vh);

/*
 * Does what vh's NEEDS_CSUM asks on frame (len bytes from its Ethernet
 * header): the one's-complement sum from csum_start to the end, stored
 * at csum_start + csum_offset. 0, or -EINVAL when vh points outside the
 * frame (nothing is written then).
 */
int	uvs_csum_finish(uint8_t *frame, size_t len,
	    const struct virtio_net_hdr *vh);

/* The 16-bit one's-complement sum of buf, folded, not inverted. */
uint16_t uvs_csum_fold_sum(const uint8_t *buf, size_t len, uint32_t seed);

#endif
