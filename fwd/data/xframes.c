/*
 * AF_XDP frame bookkeeping (xframes.h): a free stack and a state byte per
 * frame, both sized at start; nothing allocates after init.
 */
#include <errno.h>
#include <stdlib.h>

#include "fwd/data/xframes.h"

int
uvs_xframes_init(struct uvs_xframes *x, uint32_t nframes, uint32_t frame_size)
{
	uint32_t i;

	x->free = NULL;
	x->state = NULL;
	x->nfree = 0;
	if (!nframes || !frame_size || (frame_size & (frame_size - 1)))
		return -EINVAL;
	x->nframes = nframes;
	x->frame_size = frame_size;
	x->free = calloc(nframes, sizeof(*x->free));
	x->state = calloc(nframes, 1);
	if (!x->free || !x->state) {
		uvs_xframes_free(x);
		return -ENOMEM;
	}
	/* the lowest addresses on top: they are taken first */
	for (i = nframes; i > 0; i--)
		x->free[x->nfree++] = (uint64_t)(i - 1) * frame_size;
	return 0;
}

void
uvs_xframes_free(struct uvs_xframes *x)
{
	free(x->free);
	free(x->state);
	x->free = NULL;
	x->state = NULL;
	x->nfree = 0;
}

int64_t
uvs_xframes_index(const struct uvs_xframes *x, uint64_t addr)
{
	uint64_t i = addr / x->frame_size;

	return i < x->nframes ? (int64_t)i : -1;
}

uint64_t
uvs_xframes_take(struct uvs_xframes *x, enum uvs_xframe_state to)
{
	uint64_t addr;

	if (!x->nfree)
		return UINT64_MAX;
	addr = x->free[--x->nfree];
	x->state[addr / x->frame_size] = (uint8_t)to;
	return addr;
}

int
uvs_xframes_move(struct uvs_xframes *x, uint64_t addr,
    enum uvs_xframe_state from, enum uvs_xframe_state to)
{
	int64_t i = uvs_xframes_index(x, addr);

	if (i < 0 || x->state[i] != from || from == to)
		return -EINVAL;
	x->state[i] = (uint8_t)to;
	if (to == UVS_XF_FREE)
		x->free[x->nfree++] = (uint64_t)i * x->frame_size;
	return 0;
}

int
uvs_xframes_state(const struct uvs_xframes *x, uint64_t addr)
{
	int64_t i = uvs_xframes_index(x, addr);

	return i < 0 ? -1 : x->state[i];
}
