/*
 * TPACKET_V3 receive ring: the kernel fills blocks of frames in memory
 * shared with us, so a burst of frames costs one poll and no copy. Frames
 * stay in the ring while they are rewritten and sent (sendmmsg reads
 * them there); a block goes back to the kernel only when every frame in
 * it has been dealt with.
 */
#ifndef UVS_RING_H
#define UVS_RING_H

#include <stddef.h>
#include <stdint.h>

struct uvs_frame;

struct uvs_ring {
	uint8_t		*map;		/* nblocks * block_size bytes */
	size_t		 block_size;
	unsigned	 nblocks;
	unsigned	 cur;		/* block being read */
	unsigned	 left;		/* frames not yet taken from cur */
	uint8_t		*next;		/* next frame header in cur */
	unsigned	 done_from;	/* first block read through, not yet */
	unsigned	 ndone;		/* ... given back, and how many */
	int		 vnet;		/* a vnet header precedes each frame */
};

/*
 * Sets fd (an AF_PACKET socket with PACKET_VNET_HDR; vnet must say so,
 * else -EINVAL) to TPACKET_V3 and maps a ring of nblocks blocks of
 * block_size bytes. 0 or -errno.
 */
int	uvs_ring_open(struct uvs_ring *r, int fd, size_t block_size,
	    unsigned nblocks, int vnet);
void	uvs_ring_close(struct uvs_ring *r);

/*
 * Takes up to max waiting frames. Each frame's buf starts at its vnet
 * header and stays valid until uvs_ring_release. Returns how many.
 */
int	uvs_ring_burst(struct uvs_ring *r, struct uvs_frame *f, int max);
/* Gives back the blocks the bursts since the last release read through. */
void	uvs_ring_release(struct uvs_ring *r);

#endif
