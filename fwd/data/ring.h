/*
 * Receive rings: the kernel writes frames into memory shared with us, so
 * a burst of frames costs one poll and no copy. Frames stay in the ring
 * while they are rewritten and sent (sendmmsg reads them there) and go
 * back to the kernel when the burst is done with.
 *
 * TPACKET_V3 packs frames into blocks and hands a block over when it is
 * full or 1 ms old: the most frames per wake-up, but a frame can wait
 * that millisecond. TPACKET_V2 hands over each frame as it lands, in
 * fixed slots sized for the link's MTU (2 KiB for 1500, 16 KiB for a
 * 9000-byte jumbo link): no wait; a larger frame (GSO) is copied to the
 * socket's queue instead and read from there (PACKET_COPY_THRESH).
 */
#ifndef UVS_RING_H
#define UVS_RING_H

#include <stddef.h>
#include <stdint.h>

struct uvs_frame;

/* A TPACKET_V2 slot: a full 1514-byte frame with its headers. */
#define UVS_RING_V2_FRAME	2048

/*
 * The V2 slot for a link of mtu: the smallest power of two, at least
 * UVS_RING_V2_FRAME and at most max, that holds a tagged frame of mtu
 * bytes with the ring's headers and the vnet header before it.
 */
size_t	uvs_ring_v2_slot(uint32_t mtu, size_t max);

struct uvs_ring {
	int		 version;	/* TPACKET_V2 or TPACKET_V3 */
	unsigned	 nframes;	/* V2: slots */
	size_t		 frame_size;	/* V2: bytes per slot */
	unsigned	 taken;		/* V2: slots taken, not given back */
	uint8_t		*map;		/* nblocks * block_size bytes */
	size_t		 block_size;
	unsigned	 nblocks;
	unsigned	 cur;		/* V3: block being read; V2: slot */
	unsigned	 left;		/* frames not yet taken from cur */
	uint8_t		*next;		/* next frame header in cur */
	unsigned	 done_from;	/* first block read through, not yet */
	unsigned	 ndone;		/* ... given back, and how many */
	int		 vnet;		/* a vnet header precedes each frame */
};

/*
 * Sets fd (an AF_PACKET socket with PACKET_VNET_HDR; vnet must say so,
 * else -EINVAL) to version (TPACKET_V2 or TPACKET_V3) and maps a ring of
 * nblocks blocks of block_size bytes; V2 cuts them into slots of
 * frame_size (a power of two dividing block_size). 0 or -errno.
 */
int	uvs_ring_open(struct uvs_ring *r, int fd, int version,
	    size_t block_size, unsigned nblocks, size_t frame_size, int vnet);
void	uvs_ring_close(struct uvs_ring *r);

/*
 * Takes up to max waiting frames. Each frame's buf starts at its vnet
 * header and stays valid until uvs_ring_release. Returns how many. A
 * frame marked copied is only a stub: the whole frame waits in the
 * socket's queue (V2, at most max_copied of them per burst).
 */
int	uvs_ring_burst(struct uvs_ring *r, struct uvs_frame *f, int max,
	    int max_copied);
/* Gives back the blocks the bursts since the last release read through. */
void	uvs_ring_release(struct uvs_ring *r);

#endif
