/*
 * Unit tests for the fragment tracker (fwd/data/frag.c): entries found by
 * (source, destination, protocol, id), freed when every byte went by,
 * the oldest giving way when all are taken, expiry after the timeout,
 * early fragments held in arrival order and released with their MACs
 * rewritten, a full hold refusing, a dest flushed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "fwd/data/frag.h"

#define T0	100u
#define HEAD	10	/* headroom, as the vnet header */

/* A fragment of datagram id from client c: off/len payload bytes. */
static struct uvs_pkt
frag(uint32_t c, uint16_t id, uint32_t off, uint16_t len, int more)
{
	struct uvs_pkt p;

	memset(&p, 0, sizeof(p));
	p.kind = off ? UVS_PKT_FRAG : UVS_PKT_IP;
	p.flow.proto = IPPROTO_UDP;
	p.flow.caddr = uvs_inaddr4(htonl(0xc6120064u + c));
	p.flow.vaddr = uvs_inaddr4(htonl(0xc612000au));
	p.ip_id = htons(id);
	p.frag = 1;
	p.frag_more = (uint8_t)more;
	p.frag_off = off;
	p.frag_len = len;
	return p;
}

/* A 60-byte IPv4 frame whose IP header says len bytes of payload. */
static void
frame(uint8_t *f, uint8_t tag, uint16_t len)
{
	memset(f, tag, 60);
	f[12] = 0x08;
	f[13] = 0x00;
	f[14] = 0x45;
	f[16] = (uint8_t)((20 + len) >> 8);
	f[17] = (uint8_t)(20 + len);
}

static void
test_lookup_and_complete(void **state)
{
	struct uvs_frag_table t;
	struct uvs_pkt a = frag(1, 7, 0, 1480, 1), b = frag(1, 7, 1480, 1480, 1),
	    c = frag(1, 7, 2960, 48, 0), other = frag(2, 7, 0, 8, 1);
	struct uvs_frag *e;
	struct uvs_dest d = { 0 };

	(void)state;
	assert_int_equal(uvs_frag_init(&t, 8, 4, HEAD, 1), 0);
	assert_null(uvs_frag_lookup(&t, &a));
	e = uvs_frag_add(&t, &a, T0, UVS_FRAG_TIMEOUT);
	assert_non_null(e);
	e->state = UVS_FRAG_FWD;
	e->dest = &d;
	assert_int_equal(uvs_frag_account(&t, e, &a), 0);
	/* the same datagram by any of its fragments; another client's not */
	assert_ptr_equal(uvs_frag_lookup(&t, &b), e);
	assert_ptr_equal(uvs_frag_lookup(&t, &c), e);
	assert_null(uvs_frag_lookup(&t, &other));
	/* the last fragment before the middle one: not complete yet */
	assert_int_equal(uvs_frag_account(&t, e, &c), 0);
	assert_int_equal(e->total, 3008);
	assert_int_equal(uvs_frag_account(&t, e, &b), 1);
	assert_null(uvs_frag_lookup(&t, &a));
	uvs_frag_free(&t);
}

/* The ring: with every entry taken the oldest gives way, held frames too. */
static void
test_full_evicts_oldest(void **state)
{
	struct uvs_frag_table t;
	struct uvs_pkt p;
	uint8_t f[60];
	uint16_t id;

	(void)state;
	assert_int_equal(uvs_frag_init(&t, 4, 4, HEAD, 1), 0);
	for (id = 1; id <= 4; id++) {
		p = frag(1, id, 1480, 100, 1);
		assert_non_null(uvs_frag_add(&t, &p, T0, UVS_FRAG_TIMEOUT));
	}
	p = frag(1, 1, 1480, 100, 1);
	frame(f, 1, 100);
	assert_int_equal(uvs_frag_hold(&t, uvs_frag_lookup(&t, &p), f, 60, 0),
	    0);
	p = frag(1, 5, 1480, 100, 1);
	assert_non_null(uvs_frag_add(&t, &p, T0 + 1, UVS_FRAG_TIMEOUT));
	assert_int_equal(t.evicted, 1);
	assert_int_equal(t.expired_frames, 1);	/* id 1's held frame */
	assert_int_equal(t.held_now, 0);
	p = frag(1, 1, 0, 100, 1);
	assert_null(uvs_frag_lookup(&t, &p));
	for (id = 2; id <= 5; id++) {
		p = frag(1, id, 0, 8, 1);
		assert_non_null(uvs_frag_lookup(&t, &p));
	}
	uvs_frag_free(&t);
}

static void
test_expiry(void **state)
{
	struct uvs_frag_table t;
	struct uvs_pkt p = frag(1, 1, 1480, 100, 1), q = frag(1, 2, 8, 100, 1);
	uint8_t f[60];

	(void)state;
	assert_int_equal(uvs_frag_init(&t, 16, 4, HEAD, 1), 0);
	frame(f, 1, 100);
	assert_int_equal(uvs_frag_hold(&t, uvs_frag_add(&t, &p, T0,
	    UVS_FRAG_TIMEOUT), f, 60, 0), 0);
	assert_non_null(uvs_frag_add(&t, &q, T0 + 10, UVS_FRAG_TIMEOUT));
	assert_int_equal(uvs_frag_expire(&t, T0 + UVS_FRAG_TIMEOUT - 1), 0);
	assert_non_null(uvs_frag_lookup(&t, &p));
	assert_int_equal(uvs_frag_expire(&t, T0 + UVS_FRAG_TIMEOUT), 1);
	assert_null(uvs_frag_lookup(&t, &p));
	assert_non_null(uvs_frag_lookup(&t, &q));
	assert_int_equal(t.held_now, 0);
	assert_int_equal(uvs_frag_expire(&t, T0 + 10 + UVS_FRAG_TIMEOUT), 0);
	assert_null(uvs_frag_lookup(&t, &q));
	uvs_frag_free(&t);
}

/* Held in arrival order, released with MACs rewritten, room given back. */
static void
test_hold_release(void **state)
{
	static const uint8_t dst[6] = { 2, 0, 0, 0, 0, 0x11 };
	static const uint8_t src[6] = { 2, 0, 0, 0, 0, 0x01 };
	struct uvs_frag_table t;
	struct uvs_pkt p = frag(1, 9, 2960, 48, 0);
	struct uvs_frag *e;
	uint8_t f[60], *buf, big[UVS_FRAG_SLOT_FRAME + 1] = { 0 };
	uint64_t bytes = 0;
	uint16_t tci;
	size_t len;
	int i;

	(void)state;
	assert_int_equal(uvs_frag_init(&t, 8, 2, HEAD, 1), 0);
	e = uvs_frag_add(&t, &p, T0, UVS_FRAG_TIMEOUT);
	frame(f, 0xa1, 48);
	assert_int_equal(uvs_frag_hold(&t, e, f, 60, 0x2064), 0);
	frame(f, 0xa2, 1480);
	assert_int_equal(uvs_frag_hold(&t, e, f, 60, 0x2064), 0);
	/* no third slot; and a frame larger than a slot is never held */
	assert_int_equal(uvs_frag_hold(&t, e, f, 60, 0), -ENOSPC);
	assert_int_equal(t.held_now, 2);
	assert_int_equal(uvs_frag_release(&t, e, dst, src, &bytes), 2);
	assert_int_equal(bytes, 48 + 1480);
	assert_int_equal(t.held_now, 0);
	assert_int_equal(uvs_frag_hold(&t, e, big, sizeof(big), 0), -ENOSPC);
	for (i = 0; i < 2; i++) {
		buf = uvs_frag_next_ready(&t, &len, &tci);
		assert_non_null(buf);
		assert_int_equal(len, HEAD + 60);
		assert_int_equal(tci, 0x2064);
		assert_memory_equal(buf + HEAD, dst, 6);
		assert_memory_equal(buf + HEAD + 6, src, 6);
		assert_int_equal(buf[HEAD + 20], i ? 0xa2 : 0xa1);
	}
	assert_null(uvs_frag_next_ready(&t, &len, &tci));
	/* slots stay taken until the burst was sent */
	assert_int_equal(uvs_frag_hold(&t, e, f, 60, 0), -ENOSPC);
	uvs_frag_sent(&t);
	assert_int_equal(uvs_frag_hold(&t, e, f, 60, 0), 0);
	assert_int_equal(uvs_frag_drop_held(&t, e), 1);
	uvs_frag_free(&t);
}

static void
test_flush_dest(void **state)
{
	struct uvs_frag_table t;
	struct uvs_dest d1 = { 0 }, d2 = { 0 };
	struct uvs_pkt a = frag(1, 1, 0, 8, 1), b = frag(1, 2, 0, 8, 1);
	struct uvs_frag *ea, *eb;

	(void)state;
	assert_int_equal(uvs_frag_init(&t, 8, 0, HEAD, 1), 0);
	ea = uvs_frag_add(&t, &a, T0, UVS_FRAG_TIMEOUT);
	eb = uvs_frag_add(&t, &b, T0, UVS_FRAG_TIMEOUT);
	ea->state = eb->state = UVS_FRAG_FWD;
	ea->dest = &d1;
	eb->dest = &d2;
	uvs_frag_flush_dest(&t, &d1);
	assert_int_equal(ea->state, UVS_FRAG_DROP);
	assert_int_equal(ea->why, UVS_DROP_NO_DEST);
	assert_null(ea->dest);
	assert_ptr_equal(eb->dest, &d2);
	uvs_frag_flush_dest(&t, NULL);
	assert_int_equal(eb->state, UVS_FRAG_DROP);
	uvs_frag_free(&t);
}

/* Capacity 0 tracks nothing; absurd sizes are refused. */
static void
test_init(void **state)
{
	struct uvs_frag_table t;
	struct uvs_pkt p = frag(1, 1, 8, 8, 1);

	(void)state;
	assert_int_equal(uvs_frag_init(&t, 0, 0, HEAD, 1), 0);
	assert_null(uvs_frag_add(&t, &p, T0, UVS_FRAG_TIMEOUT));
	assert_null(uvs_frag_lookup(&t, &p));
	assert_int_equal(uvs_frag_expire(&t, T0), 0);
	uvs_frag_flush_dest(&t, NULL);
	uvs_frag_free(&t);
	assert_int_equal(uvs_frag_init(&t, (1u << 24) + 1, 0, HEAD, 1),
	    -EINVAL);
	assert_int_equal(uvs_frag_init(&t, 8, (1u << 16) + 1, HEAD, 1),
	    -EINVAL);
}

/* Many datagrams through a small table: the ring keeps its invariants. */
static void
test_churn(void **state)
{
	struct uvs_frag_table t;
	struct uvs_dest d = { 0 };
	uint32_t i, now = T0;

	(void)state;
	assert_int_equal(uvs_frag_init(&t, 64, 8, HEAD, 7), 0);
	for (i = 0; i < 100000; i++) {
		struct uvs_pkt a = frag(i % 13, (uint16_t)i, 0, 1480, 1),
		    b = frag(i % 13, (uint16_t)i, 1480, 100, 0);
		struct uvs_frag *e = uvs_frag_lookup(&t, &a);

		if (i % 1000 == 0)
			(void)uvs_frag_expire(&t, ++now);
		if (!e)
			e = uvs_frag_add(&t, &a, now, UVS_FRAG_TIMEOUT);
		assert_non_null(e);
		e->state = UVS_FRAG_FWD;
		e->dest = &d;
		(void)uvs_frag_account(&t, e, &a);
		/* every seventh datagram loses its last fragment */
		if (i % 7 && (e = uvs_frag_lookup(&t, &b)))
			(void)uvs_frag_account(&t, e, &b);
		assert_true(t.head - t.tail <= t.cap);
	}
	uvs_frag_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_and_complete),
		cmocka_unit_test(test_full_evicts_oldest),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_hold_release),
		cmocka_unit_test(test_flush_dest),
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_churn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
