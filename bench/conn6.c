/*
 * bench_conn6: what IPv6 costs the connection table and the packet path,
 * next to IPv4 in the same run. Three figures:
 *   - bytes per entry: the table's resident memory grown by filling it
 *     with 1 M v4 flows, and a fresh one with 1 M v6 flows, over 1 M
 *     (/proc/self/statm; the v6 addresses' side array is calloc'ed, so a
 *     v4-only table never makes its pages resident), beside the sizes
 *     the structs say and what one 64-byte entry for both would cost;
 *   - frames/s of established flows (TCP ACKs of 1 000 flows at random)
 *     through uvs_fwd_frame, v4 and v6, per CPU second, best of rounds;
 *   - new connections/s (a SYN of a flow never seen), v4 and v6.
 * One dual-stack director state serves both (a v4 and a v6 VIP, 10 real
 * servers each), so the ratios compare like with like.
 *   build/bench_conn6 [--rounds N]
 */
#include <arpa/inet.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"
#include "fwd/data/forward.h"

#define FLOWS_BIG	(1u << 20)
#define FLOWS_HOT	1000u
#define FRAMES		(1u << 19)
#define NEW_FLOWS	(1u << 18)
#define RS_N		10
#define T0		1000
#define FRAME4_LEN	60	/* Ethernet + IPv4 + TCP, padded */
#define FRAME6_LEN	74	/* Ethernet + IPv6 + TCP */
#define FRAME_MAX	80
#define VIP4		0xc6136464u	/* 198.19.100.100 */
#define RS4		0xc6120100u	/* 198.18.1.0 */
#define NET4		0xc6130000u	/* clients from 198.19.0.0/16 */

static const uint8_t dir_mac[6] = { 0x02, 0, 0x5e, 0, 0, 2 };
/* 2001:db8::10 the VIP, 2001:db8:1::k the real servers,
   2001:db8:c::/64 the clients */
static const uint8_t vip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 };

static void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
tcp_put(uint8_t *t, uint32_t k, uint8_t flags)
{
	wr16(t, (uint16_t)(1024 + (k & 0xff)));
	wr16(t + 2, 80);
	t[12] = 5 << 4;
	t[13] = flags;
}

/* Flow k of family af as a frame; its length. */
static size_t
frame(uint8_t *f, int af, uint32_t k, uint8_t flags)
{
	uint8_t *ip = f + ETH_HLEN;
	uint32_t a;

	memset(f, 0, FRAME_MAX);
	memcpy(f, dir_mac, 6);
	if (af == AF_INET) {
		wr16(f + 12, ETHERTYPE_IP);
		ip[0] = 0x45;
		wr16(ip + 2, 40);
		ip[8] = 64;
		ip[9] = IPPROTO_TCP;
		a = htonl(NET4 + (k >> 8));
		memcpy(ip + 12, &a, 4);
		a = htonl(VIP4);
		memcpy(ip + 16, &a, 4);
		memcpy(ip + 10, &(uint16_t){ bench_ip_sum(ip) }, 2);
		tcp_put(ip + 20, k, flags);
		return FRAME4_LEN;
	}
	wr16(f + 12, ETHERTYPE_IPV6);
	ip[0] = 0x60;
	wr16(ip + 4, 20);
	ip[6] = IPPROTO_TCP;
	ip[7] = 64;
	ip[8] = 0x20, ip[9] = 0x01, ip[10] = 0x0d, ip[11] = 0xb8;
	ip[13] = 0x0c;
	a = htonl(k >> 8);
	memcpy(ip + 20, &a, 4);
	memcpy(ip + 24, vip6, 16);
	tcp_put(ip + 40, k, flags);
	return FRAME6_LEN;
}

static int
add_service(struct uvs_fwd *fw, int af)
{
	struct uvs_svc_conf sc = { .proto = IPPROTO_TCP, .af = (uint16_t)af,
	    .port = htons(80), .sched = "rr" };
	struct uvs_svc *s;
	unsigned k;

	if (af == AF_INET)
		sc.addr = uvs_inaddr4(htonl(VIP4));
	else
		memcpy(sc.addr.b, vip6, 16);
	if (uvs_svc_add(&fw->svcs, &sc) < 0 ||
	    !(s = uvs_svc_find(&fw->svcs, IPPROTO_TCP, af, &sc.addr, sc.port)))
		return -1;
	for (k = 0; k < RS_N; k++) {
		struct uvs_dest_conf dc = { .af = (uint16_t)af,
		    .port = htons(80), .weight = 1 };

		if (af == AF_INET) {
			dc.addr = uvs_inaddr4(htonl(RS4 + k));
		} else {
			memcpy(dc.addr.b, vip6, 16);
			dc.addr.b[5] = 1;
			dc.addr.b[15] = (uint8_t)(k + 1);
		}
		if (uvs_dest_add(s, &dc) < 0)
			return -1;
		s->dests[0]->hwaddr[5] = (uint8_t)k;	/* the newest first */
	}
	return 0;
}

static int
fwd_build(struct uvs_fwd *fw, uint32_t cap)
{
	memset(fw, 0, sizeof(*fw));
	uvs_svc_table_init(&fw->svcs);
	if (uvs_conn_init(&fw->conns, cap, T0, 0x5eed) < 0)
		return -1;
	memcpy(fw->mac, dir_mac, 6);
	return add_service(fw, AF_INET) < 0 || add_service(fw, AF_INET6) < 0 ?
	    -1 : 0;
}

static void
fwd_free(struct uvs_fwd *fw)
{
	uvs_conn_flush_dest(&fw->conns, NULL);
	uvs_conn_free(&fw->conns);
	uvs_svc_table_free(&fw->svcs);
}

static long
resident_bytes(void)
{
	long size, res = -1;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &size, &res) != 2)
		res = -1;
	fclose(f);
	return res < 0 ? -1 : res * sysconf(_SC_PAGESIZE);
}

/* Opens flows 0..n-1 of af with a SYN each: how many were forwarded. */
static uint32_t
open_flows(struct uvs_fwd *fw, int af, uint32_t first, uint32_t n)
{
	uint8_t f[FRAME_MAX];
	uint32_t k, ok = 0;
	size_t len;

	for (k = first; k < first + n; k++) {
		len = frame(f, af, k, TH_SYN);
		ok += uvs_fwd_frame(fw, f, len, T0) == UVS_FORWARD;
	}
	return ok;
}

/* Resident bytes per flow of a table filled with 1 M flows of af. */
static double
bytes_per_entry(int af)
{
	static struct uvs_fwd fw;
	long before = resident_bytes(), after;
	uint32_t n;

	if (before < 0 || fwd_build(&fw, FLOWS_BIG) < 0)
		return -1;
	n = open_flows(&fw, af, 0, FLOWS_BIG);
	after = resident_bytes();
	fwd_free(&fw);
	if (n != FLOWS_BIG || after < 0)
		return -1;
	return (double)(after - before) / FLOWS_BIG;
}

/* Frames/s (per CPU second) of established flows of af, best of rounds. */
static double
established_rate(struct uvs_fwd *fw, int af, unsigned rounds)
{
	static uint8_t buf[FRAMES][FRAME_MAX];
	static size_t len[FRAMES];
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	double best = 0, t0, v;
	unsigned i, r;

	for (i = 0; i < FRAMES; i++)
		len[i] = frame(buf[i], af, (uint32_t)(bench_rng(&seed) %
		    FLOWS_HOT), TH_ACK);
	for (r = 0; r < rounds; r++) {
		t0 = bench_cpu_now();
		for (i = 0; i < FRAMES; i++)
			(void)uvs_fwd_frame(fw, buf[i], len[i], T0);
		v = FRAMES / (bench_cpu_now() - t0);
		if (v > best)
			best = v;
	}
	return best;
}

/* New connections/s of af: a SYN of a flow never seen, best of rounds. */
static double
new_conn_rate(int af, unsigned rounds)
{
	static struct uvs_fwd fw;
	double best = 0, t0, v;
	uint32_t ok;
	unsigned r;

	for (r = 0; r < rounds; r++) {
		if (fwd_build(&fw, NEW_FLOWS) < 0)
			return -1;
		t0 = bench_cpu_now();
		ok = open_flows(&fw, af, 0, NEW_FLOWS);
		v = NEW_FLOWS / (bench_cpu_now() - t0);
		fwd_free(&fw);
		if (ok != NEW_FLOWS)
			return -1;
		if (v > best)
			best = v;
	}
	return best;
}

int
main(int argc, char **argv)
{
	static struct uvs_fwd fw;
	unsigned rounds = 3;
	double b4, b6, e4, e6, n4, n6;

	if (argc == 3 && strcmp(argv[1], "--rounds") == 0)
		rounds = (unsigned)atoi(argv[2]);
	else if (argc != 1)
		rounds = 0;
	if (rounds == 0) {
		fprintf(stderr, "usage: bench_conn6 [--rounds N]\n");
		return 2;
	}
	b4 = bytes_per_entry(AF_INET);
	b6 = bytes_per_entry(AF_INET6);
	if (fwd_build(&fw, FLOWS_BIG) < 0 ||
	    open_flows(&fw, AF_INET, 0, FLOWS_HOT) != FLOWS_HOT ||
	    open_flows(&fw, AF_INET6, 0, FLOWS_HOT) != FLOWS_HOT) {
		fprintf(stderr, "bench_conn6: no forwarding state\n");
		return 1;
	}
	e4 = established_rate(&fw, AF_INET, rounds);
	e6 = established_rate(&fw, AF_INET6, rounds);
	fwd_free(&fw);
	n4 = new_conn_rate(AF_INET, rounds);
	n6 = new_conn_rate(AF_INET6, rounds);
	if (b4 < 0 || b6 < 0 || n4 < 0 || n6 < 0) {
		fprintf(stderr, "bench_conn6: a flow was not forwarded\n");
		return 1;
	}
	printf("bench_conn6: IPv6 next to IPv4, one dual-stack table\n");
	/* the table keeps two buckets or more per entry (conn.c) */
	printf("  bytes per entry (struct): hot %zu + cold %zu + buckets %zu "
	    "= %zu; v6 adds %zu aside\n", sizeof(struct uvs_conn),
	    sizeof(struct uvs_conn_link), 2 * sizeof(uint32_t),
	    sizeof(struct uvs_conn) + sizeof(struct uvs_conn_link) +
	    2 * sizeof(uint32_t), sizeof(struct uvs_conn_addr6));
	printf("  bytes per entry (resident, 1 M flows): v4 %.1f, v6 %.1f "
	    "(one 64-byte entry for both: %zu each)\n", b4, b6,
	    (size_t)64 + sizeof(struct uvs_conn_link) + 2 * sizeof(uint32_t));
	printf("  %-34s %10s %10s %7s\n", "per CPU second, best of rounds",
	    "IPv4", "IPv6", "v6/v4");
	printf("  %-34s %8.2fM %8.2fM %7.2f\n", "frames of established flows",
	    e4 / 1e6, e6 / 1e6, e6 / e4);
	printf("  %-34s %8.2fM %8.2fM %7.2f\n", "new connections", n4 / 1e6,
	    n6 / 1e6, n6 / n4);
	return 0;
}
