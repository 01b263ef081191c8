/*
 * The frames of one AF_XDP UMEM and who holds each: free (ours, unused),
 * in the kernel's fill ring (or its receive ring), taken by the packet
 * loop in the current burst, or in the kernel's transmit ring (until its
 * completion comes back). Every move between these is one call here,
 * so a frame is never given to the kernel twice or lost: capture_xdp.c
 * does the ring work, this file the bookkeeping. Addresses are UMEM
 * offsets, as the rings carry them; a frame is found by its address
 * divided by the frame size, whatever the offset inside it.
 */
#ifndef UVS_XFRAMES_H
#define UVS_XFRAMES_H

#include <stdint.h>

enum uvs_xframe_state {
	UVS_XF_FREE,
	UVS_XF_FILL,	/* the kernel's, to receive into */
	UVS_XF_LOOP,	/* received, the packet loop's until release */
	UVS_XF_TX,	/* the kernel's, to send */
};

struct uvs_xframes {
	uint64_t	*free;		/* stack of free frames' addresses */
	uint8_t		*state;		/* enum uvs_xframe_state, by frame */
	uint32_t	 nfree;
	uint32_t	 nframes;
	uint32_t	 frame_size;	/* a power of two */
};

/* nframes frames of frame_size bytes, all free. 0 or -errno. */
int	uvs_xframes_init(struct uvs_xframes *x, uint32_t nframes,
	    uint32_t frame_size);
void	uvs_xframes_free(struct uvs_xframes *x);

/* The frame holding UMEM offset addr, or -1 when outside the UMEM. */
int64_t	uvs_xframes_index(const struct uvs_xframes *x, uint64_t addr);

/*
 * Takes a free frame and puts it in state to (FILL or TX): its base
 * address, or UINT64_MAX when none is free.
 */
uint64_t uvs_xframes_take(struct uvs_xframes *x, enum uvs_xframe_state to);

/*
 * Moves the frame holding addr from state from to state to (to FREE:
 * back on the free stack). 0, or -EINVAL when it is not in state from
 * (nothing changes then).
 */
int	uvs_xframes_move(struct uvs_xframes *x, uint64_t addr,
	    enum uvs_xframe_state from, enum uvs_xframe_state to);

/* The state of the frame holding addr, or -1 outside the UMEM. */
int	uvs_xframes_state(const struct uvs_xframes *x, uint64_t addr);

#endif
