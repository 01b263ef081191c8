/*
 * Unit tests for fwd/data/syncmsg.c, IPVS's sync message version 1:
 * what uvs writes reads back the same, IPv4 and IPv6 entries, byte for
 * byte where the kernel's layout fixes it (hand-made frames laid out as
 * ip_vs_sync.c's structs are); and bad input (short, wrong size, foreign syncid, version 0,
 * entries past the end, unknown mandatory options, random bytes) is
 * refused whole, handing nothing out.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "fwd/data/syncmsg.h"

struct got {
	struct uvs_sync_conn	 c[UVS_SYNC_CONNS_MAX];
	unsigned		 n;
};

static void
collect(void *arg, const struct uvs_sync_conn *c)
{
	struct got *g = arg;

	g->c[g->n++] = *c;
}

/* Field by field: the struct has padding. */
static void
assert_same_conn(const struct uvs_sync_conn *a, const struct uvs_sync_conn *b)
{
	assert_int_equal(a->af, b->af);
	assert_int_equal(a->proto, b->proto);
	assert_int_equal(a->state, b->state);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->cport, b->cport);
	assert_int_equal(a->vport, b->vport);
	assert_int_equal(a->dport, b->dport);
	assert_int_equal(a->fwmark, b->fwmark);
	assert_int_equal(a->timeout, b->timeout);
	assert_memory_equal(&a->caddr, &b->caddr, sizeof(a->caddr));
	assert_memory_equal(&a->vaddr, &b->vaddr, sizeof(a->vaddr));
	assert_memory_equal(&a->daddr, &b->daddr, sizeof(a->daddr));
}

static struct uvs_sync_conn
conn(unsigned i)
{
	struct uvs_sync_conn c;

	memset(&c, 0, sizeof(c));
	c.af = AF_INET;
	c.proto = IPPROTO_TCP;
	c.state = 1;
	c.flags = UVS_SYNC_F_DROUTE;
	c.timeout = 900;

	c.cport = htons((uint16_t)(40000 + i));
	c.vport = htons(80);
	c.dport = htons(80);
	c.caddr = uvs_inaddr4(htonl(0xc6120064u + i));	/* 198.18.0.100 + i */
	c.vaddr = uvs_inaddr4(htonl(0xc612000au));	/* 198.18.0.10 */
	c.daddr = uvs_inaddr4(htonl(0xc612000bu));	/* 198.18.0.11 */
	return c;
}

/* conn(i) over IPv6: 2001:db8::100 + i to [2001:db8::10], at ::11 */
static struct uvs_sync_conn
conn6(unsigned i)
{
	struct uvs_sync_conn c = conn(i);

	c.af = AF_INET6;
	memset(&c.caddr, 0, sizeof(c.caddr));
	memset(&c.vaddr, 0, sizeof(c.vaddr));
	memset(&c.daddr, 0, sizeof(c.daddr));
	inet_pton(AF_INET6, "2001:db8::100", &c.caddr.in6);
	c.caddr.b[15] = (uint8_t)i;
	c.caddr.b[14] = (uint8_t)(1 + i / 256);
	inet_pton(AF_INET6, "2001:db8::10", &c.vaddr.in6);
	inet_pton(AF_INET6, "2001:db8::11", &c.daddr.in6);
	return c;
}

/*
 * Fills a message with make(0), make(1), ... until one does not fit,
 * reads it back, and checks every entry came back as made, in order.
 * Returns how many fitted; *len is the message's length.
 */
static unsigned
round_trip(uint8_t syncid, struct uvs_sync_conn (*make)(unsigned),
    size_t *len)
{
	uint8_t buf[UVS_SYNC_MAXLEN_DEFAULT];
	struct got g = { .n = 0 };
	struct uvs_sync_conn c;
	unsigned i, n, fit = 0;

	uvs_sync_begin(buf, syncid);
	for (i = 0; i < 100; i++) {
		c = make(i);
		if (uvs_sync_add(buf, sizeof(buf), &c) < 0)
			break;
		fit++;
	}
	assert_int_equal(uvs_sync_count(buf), fit);
	*len = uvs_sync_end(buf);
	assert_int_equal(uvs_sync_parse(buf, *len, syncid,
	    collect, &g, &n), UVS_SYNC_OK);
	assert_int_equal(n, fit);
	for (i = 0; i < fit; i++) {
		c = make(i);
		assert_same_conn(&g.c[i], &c);
	}
	return fit;
}

static void
test_round_trip(void **state)
{
	size_t len;

	(void)state;
	/* (1472 - 8) / 36 entries fit a 1472-byte message */
	assert_int_equal(round_trip(7, conn, &len),
	    (UVS_SYNC_MAXLEN_DEFAULT - 8) / 36);
	assert_int_equal(len, 8 + 36 * ((UVS_SYNC_MAXLEN_DEFAULT - 8) / 36));
}

/*
 * c alone in a message with syncid 5 is exactly want (len bytes), and a
 * second c does not fit in one byte less than two entries need.
 */
static void
assert_writes(const struct uvs_sync_conn *c, const uint8_t *want, size_t len)
{
	uint8_t buf[2 * UVS_SYNC_V6_LEN + UVS_SYNC_HDR_LEN];
	size_t room = 2 * len - UVS_SYNC_HDR_LEN - 1;

	assert_true(room <= sizeof(buf));
	uvs_sync_begin(buf, 5);
	assert_int_equal(uvs_sync_add(buf, room, c), 0);
	assert_int_equal(uvs_sync_end(buf), len);
	assert_memory_equal(buf, want, len);
	assert_int_equal(uvs_sync_add(buf, room, c), -ENOSPC);
}

/* One entry laid out by hand from ip_vs_sync.c's structs. */
static void
test_kernel_layout(void **state)
{
	static const uint8_t want[] = {
		0, 5, 0, 44, 1, 1, 0, 0,	/* reserved syncid size nr ver spare */
		0, 6, 0, 36,			/* type proto ver_size */
		0, 0, 0x10, 0x03,		/* flags TEMPLATE|DROUTE */
		0, 0,				/* state */
		0, 0, 0, 80, 0, 80,		/* cport vport dport */
		0, 0, 0, 0,			/* fwmark */
		0, 0, 0x01, 0x2c,		/* timeout 300 */
		198, 18, 0, 0, 198, 18, 0, 10, 198, 18, 0, 12,
	};
	struct uvs_sync_conn c = { .af = AF_INET, .proto = IPPROTO_TCP,
	    .timeout = 300, .flags = UVS_SYNC_F_TEMPLATE | UVS_SYNC_F_DROUTE };

	(void)state;
	c.vport = c.dport = htons(80);
	inet_pton(AF_INET, "198.18.0.0", &c.caddr.in);
	inet_pton(AF_INET, "198.18.0.10", &c.vaddr.in);
	inet_pton(AF_INET, "198.18.0.12", &c.daddr.in);
	assert_writes(&c, want, sizeof(want));
}

/* The same for an IPv6 entry: type 1, 72 bytes, 16-byte addresses. */
static void
test_kernel_layout_v6(void **state)
{
	static const uint8_t want[] = {
		0, 5, 0, 80, 1, 1, 0, 0,	/* reserved syncid size nr ver spare */
		1, 17, 0, 72,			/* type INET6, UDP, ver_size */
		0, 0, 0x01, 0x03,		/* flags INACTIVE|DROUTE */
		0, 0,				/* state */
		0x9c, 0x40, 0, 53, 0, 53,	/* cport 40000 vport dport */
		0, 0, 0, 0,			/* fwmark */
		0, 0, 0x01, 0x2c,		/* timeout 300 */
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12,
	};
	struct uvs_sync_conn c = { .af = AF_INET6, .proto = IPPROTO_UDP,
	    .timeout = 300, .flags = UVS_SYNC_F_INACTIVE | UVS_SYNC_F_DROUTE };
	struct got g = { .n = 0 };
	uint8_t buf[96];
	unsigned n;

	(void)state;
	c.cport = htons(40000);
	c.vport = c.dport = htons(53);
	inet_pton(AF_INET6, "2001:db8::100", &c.caddr.in6);
	inet_pton(AF_INET6, "2001:db8::10", &c.vaddr.in6);
	inet_pton(AF_INET6, "2001:db8::12", &c.daddr.in6);
	assert_writes(&c, want, sizeof(want));
	assert_int_equal(uvs_sync_parse(want, sizeof(want), 5, collect, &g,
	    &n), UVS_SYNC_OK);
	assert_int_equal(n, 1);
	assert_same_conn(&g.c[0], &c);
	/* a family that is neither */
	c.af = AF_UNSPEC;
	uvs_sync_begin(buf, 5);
	assert_int_equal(uvs_sync_add(buf, sizeof(buf), &c), -EINVAL);
	assert_int_equal(uvs_sync_count(buf), 0);
}

/* v4 and v6 entries in turn fill a message and read back in order. */
static struct uvs_sync_conn
conn_mixed(unsigned i)
{
	return i % 2 ? conn6(i) : conn(i);
}

static void
test_round_trip_mixed(void **state)
{
	size_t len;

	(void)state;
	/* pairs of 36 + 72 bytes: 13 pairs and a v4 entry in 1464 */
	assert_int_equal(round_trip(2, conn_mixed, &len), 27);
	assert_int_equal(len, 8 + 14 * 36 + 13 * 72);
}

/* Skippable options between entries; a v6 entry shorter than 72 bytes. */
static void
test_options_and_short_v6(void **state)
{
	uint8_t buf[256] = { 0 };
	struct uvs_sync_conn c = conn(0), c6 = conn6(1);
	struct got g = { .n = 0 };
	unsigned n;
	size_t at;

	(void)state;
	uvs_sync_begin(buf, 1);
	assert_int_equal(uvs_sync_add(buf, sizeof(buf), &c), 0);
	assert_int_equal(uvs_sync_add(buf, sizeof(buf), &c6), 0);
	at = uvs_sync_end(buf);
	/* IPv4 entry with a PE name option "sip" (5 bytes: 41 + pad 3) */
	memcpy(buf + at, buf + 8, 36);
	buf[at + 3] = 41;
	buf[at + 36] = 3;
	buf[at + 37] = 3;
	memcpy(buf + at + 38, "sip", 3);
	at += 44;
	buf[4] = 3;
	buf[2] = (uint8_t)(at >> 8);
	buf[3] = (uint8_t)at;
	assert_int_equal(uvs_sync_parse(buf, at, 1, collect, &g, &n),
	    UVS_SYNC_OK);
	assert_int_equal(n, 3);
	assert_same_conn(&g.c[1], &c6);
	assert_same_conn(&g.c[2], &c);
	/* an unknown mandatory option refuses the message */
	buf[at - 8] = 9;
	g.n = 0;
	assert_int_equal(uvs_sync_parse(buf, at, 1, collect, &g, &n),
	    UVS_SYNC_E_ENTRY);
	assert_int_equal(g.n, 0);
	/* the same with the "may skip" bit is read */
	buf[at - 8] = 9 | 0x40;
	assert_int_equal(uvs_sync_parse(buf, at, 1, collect, &g, &n),
	    UVS_SYNC_OK);
	/* the v6 entry says 60 bytes (its addresses' room less 12): as
	   short as any entry shorter than its fields, refused */
	buf[8 + 36 + 3] = 60;
	g.n = 0;
	assert_int_equal(uvs_sync_parse(buf, at, 1, collect, &g, &n),
	    UVS_SYNC_E_ENTRY);
	assert_int_equal(g.n, 0);
}

static void
test_bad_messages(void **state)
{
	uint8_t buf[UVS_SYNC_MAXLEN_DEFAULT], bad[UVS_SYNC_MAXLEN_DEFAULT];
	struct uvs_sync_conn c;
	struct got g = { .n = 0 };
	size_t len;
	unsigned i, n;

	(void)state;
	uvs_sync_begin(buf, 3);
	for (i = 0; i < 4; i++) {
		c = conn(i);
		assert_int_equal(uvs_sync_add(buf, sizeof(buf), &c), 0);
	}
	len = uvs_sync_end(buf);
	assert_int_equal(uvs_sync_parse(buf, 7, 3, collect, &g, &n),
	    UVS_SYNC_E_SHORT);
	/* truncated: the datagram is shorter than its header says */
	assert_int_equal(uvs_sync_parse(buf, len - 1, 3, collect, &g, &n),
	    UVS_SYNC_E_SIZE);
	assert_int_equal(uvs_sync_parse(buf, len, 4, collect, &g, &n),
	    UVS_SYNC_E_SYNCID);
	/* syncid 0 takes any, as the kernel's backup does */
	assert_int_equal(uvs_sync_parse(buf, len, 0, collect, &g, &n),
	    UVS_SYNC_OK);
	g.n = 0;
	memcpy(bad, buf, len);
	bad[5] = 0;				/* version 0 */
	assert_int_equal(uvs_sync_parse(bad, len, 3, collect, &g, &n),
	    UVS_SYNC_E_VERSION);
	memcpy(bad, buf, len);
	bad[4] = 5;				/* one entry more than there is */
	assert_int_equal(uvs_sync_parse(bad, len, 3, collect, &g, &n),
	    UVS_SYNC_E_ENTRY);
	memcpy(bad, buf, len);
	bad[8 + 36 * 3 + 3] = 200;		/* last entry past the end */
	assert_int_equal(uvs_sync_parse(bad, len, 3, collect, &g, &n),
	    UVS_SYNC_E_ENTRY);
	memcpy(bad, buf, len);
	bad[8 + 2] = 0x10;			/* entry version 1 */
	assert_int_equal(uvs_sync_parse(bad, len, 3, collect, &g, &n),
	    UVS_SYNC_E_ENTRY);
	memcpy(bad, buf, len);
	bad[8 + 3] = 20;			/* entry shorter than its fields */
	assert_int_equal(uvs_sync_parse(bad, len, 3, collect, &g, &n),
	    UVS_SYNC_E_ENTRY);
	assert_int_equal(g.n, 0);		/* nothing was handed out */
}

/* Random datagrams: never a crash, and a valid one only by the rules. */
static void
test_random_bytes(void **state)
{
	uint8_t buf[512];
	struct got *g = malloc(sizeof(*g));
	unsigned i, k, n, ok = 0;
	size_t len;

	(void)state;
	srandom(15);
	for (i = 0; i < 100000; i++) {
		len = (size_t)random() % sizeof(buf);
		for (k = 0; k < len; k++)
			buf[k] = (uint8_t)random();
		if (len >= 8 && i % 2) {	/* headers that pass, often */
			buf[0] = 0;
			buf[5] = 1;
			buf[6] = buf[7] = 0;
			buf[2] = (uint8_t)(len >> 8);
			buf[3] = (uint8_t)len;
			buf[4] %= 8;
		}
		g->n = 0;
		if (uvs_sync_parse(buf, len, 0, collect, g, &n) == UVS_SYNC_OK)
			ok++;
		assert_true(g->n <= UVS_SYNC_CONNS_MAX);
	}
	assert_true(ok > 0);
	free(g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_kernel_layout),
		cmocka_unit_test(test_kernel_layout_v6),
		cmocka_unit_test(test_round_trip_mixed),
		cmocka_unit_test(test_options_and_short_v6),
		cmocka_unit_test(test_bad_messages),
		cmocka_unit_test(test_random_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
