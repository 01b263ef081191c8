/*
 * Unit tests for the ring readers (fwd/data/ring.c) on plain memory laid
 * out as the kernel lays out a TPACKET_V2 or V3 ring: no socket, no
 * root. They prove the slot and block arithmetic: frames are taken in
 * order, across the ring's end, never past what was not given back, and
 * release gives back exactly what the bursts took.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_packet.h>
#include <cmocka.h>

#include "fwd/data/capture.h"
#include "fwd/data/ring.h"

#define NSLOTS	8
#define MAC_OFF	128	/* where a frame's MAC header sits in its slot */

static struct tpacket2_hdr *
v2_slot(struct uvs_ring *r, unsigned i)
{
	return (struct tpacket2_hdr *)(r->map + (size_t)i * UVS_RING_V2_FRAME);
}

/* A V2 ring of NSLOTS slots as the kernel maps it, all the kernel's. */
static void
v2_init(struct uvs_ring *r)
{
	memset(r, 0, sizeof(*r));
	r->version = TPACKET_V2;
	r->nframes = NSLOTS;
	r->frame_size = UVS_RING_V2_FRAME;
	r->block_size = UVS_RING_V2_FRAME * NSLOTS;
	r->nblocks = 1;
	r->vnet = 1;
	assert_non_null(r->map = calloc(NSLOTS, UVS_RING_V2_FRAME));
}

/* The kernel fills slot i with a frame of len bytes (snap of them). */
static void
v2_fill(struct uvs_ring *r, unsigned i, uint32_t len, uint32_t snap,
    uint32_t extra)
{
	struct tpacket2_hdr *h = v2_slot(r, i);

	h->tp_mac = MAC_OFF;
	h->tp_len = len;
	h->tp_snaplen = snap;
	h->tp_status = TP_STATUS_USER | extra;
}

static void
test_v2_takes_in_order_and_gives_back(void **state)
{
	struct uvs_ring r;
	struct uvs_frame f[UVS_BURST];
	unsigned i;

	(void)state;
	v2_init(&r);
	for (i = 0; i < 6; i++)
		v2_fill(&r, i, 100 + i, 100 + i, 0);
	assert_int_equal(uvs_ring_burst(&r, f, 4, 4), 4);
	for (i = 0; i < 4; i++) {
		assert_ptr_equal(f[i].buf, (uint8_t *)v2_slot(&r, i) +
		    MAC_OFF - UVS_VNET_HLEN);
		assert_int_equal(f[i].len, 100 + i + UVS_VNET_HLEN);
		assert_false(f[i].truncated);
	}
	assert_int_equal(uvs_ring_burst(&r, f, UVS_BURST, 4), 2);
	/* slot 6 is still the kernel's */
	assert_int_equal(uvs_ring_burst(&r, f, UVS_BURST, 4), 0);
	for (i = 0; i < 6; i++)
		assert_int_equal(v2_slot(&r, i)->tp_status, TP_STATUS_USER);
	uvs_ring_release(&r);
	for (i = 0; i < NSLOTS; i++)
		assert_int_equal(v2_slot(&r, i)->tp_status, TP_STATUS_KERNEL);
	/* across the ring's end: slots 6, 7, 0, 1 */
	v2_fill(&r, 6, 60, 60, 0);
	v2_fill(&r, 7, 70, 70, 0);
	v2_fill(&r, 0, 80, 80, 0);
	v2_fill(&r, 1, 90, 90, 0);
	assert_int_equal(uvs_ring_burst(&r, f, UVS_BURST, 4), 4);
	assert_int_equal(f[0].len, 60 + UVS_VNET_HLEN);
	assert_int_equal(f[3].len, 90 + UVS_VNET_HLEN);
	assert_ptr_equal(f[2].buf, (uint8_t *)v2_slot(&r, 0) + MAC_OFF -
	    UVS_VNET_HLEN);
	uvs_ring_release(&r);
	for (i = 0; i < NSLOTS; i++)
		assert_int_equal(v2_slot(&r, i)->tp_status, TP_STATUS_KERNEL);
	free(r.map);
}

/* A full ring not given back is not read round again. */
static void
test_v2_never_past_what_was_not_given_back(void **state)
{
	struct uvs_ring r;
	struct uvs_frame f[UVS_BURST];
	unsigned i;

	(void)state;
	v2_init(&r);
	for (i = 0; i < NSLOTS; i++)
		v2_fill(&r, i, 64, 64, 0);
	assert_int_equal(uvs_ring_burst(&r, f, 5, 4), 5);
	assert_int_equal(uvs_ring_burst(&r, f + 5, 5, 4), 3);
	/* the kernel's status words still say USER: only release frees */
	assert_int_equal(uvs_ring_burst(&r, f, UVS_BURST, 4), 0);
	uvs_ring_release(&r);
	for (i = 0; i < NSLOTS; i++)
		assert_int_equal(v2_slot(&r, i)->tp_status, TP_STATUS_KERNEL);
	free(r.map);
}

/* Short snaps are truncated; copied stubs are limited per burst. */
static void
test_v2_truncated_and_copied(void **state)
{
	struct uvs_ring r;
	struct uvs_frame f[UVS_BURST];

	(void)state;
	v2_init(&r);
	v2_fill(&r, 0, 1500, 1000, 0);
	v2_fill(&r, 1, 9000, 1800, TP_STATUS_COPY);
	v2_fill(&r, 2, 9000, 1800, TP_STATUS_COPY);
	v2_fill(&r, 3, 64, 64, 0);
	assert_int_equal(uvs_ring_burst(&r, f, UVS_BURST, 1), 2);
	assert_true(f[0].truncated);
	assert_false(f[0].copied);
	assert_true(f[1].copied);
	assert_false(f[1].truncated);	/* the whole frame is in the queue */
	/* the second stub waits for the next burst */
	assert_int_equal(uvs_ring_burst(&r, f, UVS_BURST, 1), 2);
	assert_true(f[0].copied);
	assert_false(f[1].copied);
	uvs_ring_release(&r);
	free(r.map);
}

#define V3_BLOCK	4096
#define V3_BLOCKS	3

static struct tpacket_block_desc *
v3_block(struct uvs_ring *r, unsigned i)
{
	return (struct tpacket_block_desc *)(r->map + (size_t)i * V3_BLOCK);
}

/* The kernel fills block b with n frames of 100 bytes and hands it over. */
static void
v3_fill(struct uvs_ring *r, unsigned b, unsigned n)
{
	struct tpacket_block_desc *bd = v3_block(r, b);
	uint32_t off = 64, step = 256;
	unsigned i;

	bd->hdr.bh1.num_pkts = n;
	bd->hdr.bh1.offset_to_first_pkt = off;
	for (i = 0; i < n; i++) {
		struct tpacket3_hdr *h = (struct tpacket3_hdr *)((uint8_t *)bd +
		    off + i * step);

		h->tp_mac = MAC_OFF;
		h->tp_len = h->tp_snaplen = 100 + b * 10 + i;
		h->tp_next_offset = i + 1 < n ? step : 0;
	}
	bd->hdr.bh1.block_status = TP_STATUS_USER;
}

static void
test_v3_blocks_in_order_given_back_at_release(void **state)
{
	struct uvs_ring r;
	struct uvs_frame f[UVS_BURST];
	unsigned b;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.version = TPACKET_V3;
	r.block_size = V3_BLOCK;
	r.nblocks = V3_BLOCKS;
	r.vnet = 1;
	assert_non_null(r.map = calloc(V3_BLOCKS, V3_BLOCK));
	v3_fill(&r, 0, 5);
	v3_fill(&r, 1, 3);
	/* a burst takes from one block at a time */
	assert_int_equal(uvs_ring_burst(&r, f, 4, 0), 4);
	assert_int_equal(f[3].len, 103 + UVS_VNET_HLEN);
	assert_int_equal(uvs_ring_burst(&r, f, 4, 0), 1);
	assert_int_equal(f[0].len, 104 + UVS_VNET_HLEN);
	/* block 0 read through, but its frames may still be queued */
	assert_int_equal(v3_block(&r, 0)->hdr.bh1.block_status,
	    TP_STATUS_USER);
	assert_int_equal(uvs_ring_burst(&r, f, UVS_BURST, 0), 3);
	assert_int_equal(f[0].len, 110 + UVS_VNET_HLEN);
	assert_int_equal(uvs_ring_burst(&r, f, UVS_BURST, 0), 0);
	uvs_ring_release(&r);
	for (b = 0; b < 2; b++)
		assert_int_equal(v3_block(&r, b)->hdr.bh1.block_status,
		    TP_STATUS_KERNEL);
	/* blocks 2 then 0 again: across the ring's end */
	v3_fill(&r, 2, 2);
	v3_fill(&r, 0, 1);
	assert_int_equal(uvs_ring_burst(&r, f, UVS_BURST, 0), 2);
	assert_int_equal(f[1].len, 121 + UVS_VNET_HLEN);
	assert_int_equal(uvs_ring_burst(&r, f, UVS_BURST, 0), 1);
	assert_int_equal(f[0].len, 100 + UVS_VNET_HLEN);
	uvs_ring_release(&r);
	for (b = 0; b < V3_BLOCKS; b++)
		assert_int_equal(v3_block(&r, b)->hdr.bh1.block_status,
		    TP_STATUS_KERNEL);
	free(r.map);
}

/* Opening refuses a socket without the vnet header and unknown versions. */
static void
test_open_refuses_bad_arguments(void **state)
{
	struct uvs_ring r;

	(void)state;
	assert_int_equal(uvs_ring_open(&r, -1, TPACKET_V2, 1 << 16, 2,
	    UVS_RING_V2_FRAME, 0), -EINVAL);
	assert_int_equal(uvs_ring_open(&r, -1, TPACKET_V1, 1 << 16, 2,
	    UVS_RING_V2_FRAME, 1), -EINVAL);
	/* a slot that does not divide the block */
	assert_int_equal(uvs_ring_open(&r, -1, TPACKET_V2, 1 << 16, 2,
	    3000, 1), -EINVAL);
	assert_null(r.map);
}


/* V2 slots follow the link's MTU: Ethernet's 2 KiB, 16 KiB for jumbo. */
static void
test_v2_slot_fits_mtu(void **state)
{
	(void)state;
	assert_int_equal(uvs_ring_v2_slot(0, 1 << 17), UVS_RING_V2_FRAME);
	assert_int_equal(uvs_ring_v2_slot(1500, 1 << 17), 2048);
	assert_int_equal(uvs_ring_v2_slot(4000, 1 << 17), 8192);
	assert_int_equal(uvs_ring_v2_slot(9000, 1 << 17), 16384);
	/* a 1500-byte frame with its headers fits 2 KiB, 2000 does not */
	assert_true(uvs_ring_v2_slot(2000, 1 << 17) > 2048);
	/* never more than a block */
	assert_int_equal(uvs_ring_v2_slot(65535, 1 << 15), 1 << 15);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v2_takes_in_order_and_gives_back),
		cmocka_unit_test(test_v2_never_past_what_was_not_given_back),
		cmocka_unit_test(test_v2_truncated_and_copied),
		cmocka_unit_test(test_v3_blocks_in_order_given_back_at_release),
		cmocka_unit_test(test_open_refuses_bad_arguments),
		cmocka_unit_test(test_v2_slot_fits_mtu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
