/*
 * bench_frag: what fragment tracking costs per datagram. The same
 * uvs_fwd_frame path (parse, flow, rewrite) handles a 4000-byte UDP
 * datagram whole (one GSO-sized frame: the baseline), in three fragments
 * in order (the tracker finds the first's dest for the other two), and
 * in three fragments last-first (two are copied aside and released by
 * the first). Every datagram has its own IP id; the flow is established,
 * so the scheduler is out of the picture. The figures are datagrams per
 * second and the ratio of each fragmented case's time per datagram to
 * the whole datagram's, measured in the same run.
 */
#include <arpa/inet.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "fwd/data/forward.h"

#define RUN_SECONDS	0.5
#define DGRAM		4000		/* UDP payload + header, bytes */
#define PIECE		1480		/* fragment payload, as on a 1500 MTU */
#define FRAME_MAX	(14 + 20 + DGRAM)
#define HEADROOM	10		/* the vnet header uvsd keeps in front */

struct bench {
	struct uvs_fwd	 fw;
	uint8_t		 frame[3][FRAME_MAX];	/* pieces of one datagram */
	size_t		 len[3];
	unsigned	 npieces;
	uint16_t	 id;
};

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
ip_seal(uint8_t *h)
{
	uint32_t sum = 0;
	int i;

	put16(h + 10, 0);
	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(h + 10, (uint16_t)~sum);
}

/* Piece k (of off/len bytes of the IP payload) of datagram id. */
static size_t
piece(uint8_t *f, uint16_t id, unsigned off, unsigned len, int more)
{
	uint32_t c = htonl(0xc6120064u), v = htonl(0xc612000au);
	uint8_t *h = f + ETH_HLEN;

	memset(f, 0, ETH_HLEN + 20);
	f[0] = 0x02;
	f[5] = 0x01;
	put16(f + 12, ETHERTYPE_IP);
	h[0] = 0x45;
	put16(h + 2, (uint16_t)(20 + len));
	put16(h + 4, id);
	put16(h + 6, (uint16_t)(off / 8 | (more ? 0x2000 : 0)));
	h[8] = 64;
	h[9] = IPPROTO_UDP;
	memcpy(h + 12, &c, 4);
	memcpy(h + 16, &v, 4);
	if (off == 0) {
		put16(h + 20, 40000);
		put16(h + 22, 9000);
		put16(h + 24, DGRAM);
	}
	ip_seal(h);
	return ETH_HLEN + 20 + len;
}

/* The next datagram: whole, or in three pieces; a fresh IP id each. */
static void
next_dgram(struct bench *b, int cut)
{
	unsigned k, off;

	b->id++;
	if (!cut) {
		b->npieces = 1;
		b->len[0] = piece(b->frame[0], b->id, 0, DGRAM, 0);
		return;
	}
	b->npieces = 3;
	for (k = 0, off = 0; k < 3; k++, off += PIECE)
		b->len[k] = piece(b->frame[k], b->id, off,
		    k < 2 ? PIECE : DGRAM - 2 * PIECE, k < 2);
}

static void
send_dgram(struct bench *b, const unsigned *order, uint32_t now)
{
	uint8_t *buf;
	size_t len;
	uint16_t tci;
	unsigned k;

	for (k = 0; k < b->npieces; k++) {
		unsigned i = order[k];

		if (uvs_fwd_frame(&b->fw, b->frame[i], b->len[i], now) ==
		    UVS_DROP) {
			fprintf(stderr, "bench_frag: a piece was dropped\n");
			exit(1);
		}
	}
	while ((buf = uvs_fwd_next_held(&b->fw, &len, &tci)))
		;
	uvs_fwd_burst_done(&b->fw);
}

/* Datagrams per second for one way of sending them. */
static double
run(struct bench *b, int cut, const unsigned *order)
{
	double t0 = bench_now(), t;
	unsigned long n = 0, i;

	do {
		for (i = 0; i < 1000; i++) {
			next_dgram(b, cut);
			send_dgram(b, order, 1000);
		}
		n += i;
	} while ((t = bench_now() - t0) < RUN_SECONDS);
	return (double)n / t;
}

static int
setup(struct bench *b)
{
	struct uvs_svc_conf sc = { .proto = IPPROTO_UDP, .af = AF_INET,
	    .addr = uvs_inaddr4(htonl(0xc612000au)), .port = htons(9000),
	    .sched = "rr", .netmask = 0xffffffff };
	struct uvs_dest_conf dc = { .af = AF_INET,
	    .addr = uvs_inaddr4(htonl(0xc612000bu)), .port = htons(9000),
	    .weight = 1 };
	struct uvs_svc *svc;

	memset(b, 0, sizeof(*b));
	uvs_svc_table_init(&b->fw.svcs);
	if (uvs_conn_init(&b->fw.conns, 1024, 1000, 1) < 0 ||
	    uvs_fwd_frag_init(&b->fw, UVS_FRAG_MAX_DEFAULT, 256, HEADROOM,
	    1) < 0 || uvs_svc_add(&b->fw.svcs, &sc) < 0)
		return -1;
	svc = uvs_svc_find(&b->fw.svcs, IPPROTO_UDP, AF_INET, &sc.addr,
	    sc.port);
	if (uvs_dest_add(svc, &dc) < 0)
		return -1;
	memcpy(svc->dests[0]->hwaddr, "\x02\0\0\0\0\x11", 6);
	return 0;
}

int
main(void)
{
	static const unsigned in_order[3] = { 0, 1, 2 }, reversed[3] = {
	    2, 1, 0 };
	struct bench *b = calloc(1, sizeof(*b));
	double whole, inord, rev;

	if (!b || setup(b) < 0) {
		fprintf(stderr, "bench_frag: setup failed\n");
		return 1;
	}
	whole = run(b, 0, in_order);
	inord = run(b, 1, in_order);
	rev = run(b, 1, reversed);
	printf("\nFragment tracking, %d-byte UDP datagrams of one flow "
	    "through uvs_fwd_frame\n", DGRAM);
	printf("  whole datagram        %10.0f datagrams/s  1.0x (baseline)\n",
	    whole);
	printf("  3 fragments in order  %10.0f datagrams/s  %.1fx the time "
	    "per datagram\n", inord, whole / inord);
	printf("  3 fragments, last first %8.0f datagrams/s  %.1fx (2 held: "
	    "copied, then released)\n", rev, whole / rev);
	uvs_fwd_flush_dest(&b->fw, NULL);
	uvs_conn_free(&b->fw.conns);
	uvs_frag_free(&b->fw.frags);
	uvs_svc_table_free(&b->fw.svcs);
	free(b);
	return 0;
}
