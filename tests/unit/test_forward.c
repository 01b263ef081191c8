/*
 * Unit tests for the director's per-frame decision (fwd/data/forward.c): ARP
 * answers, the MAC rewrite that leaves the IP packet untouched, the drop
 * reasons of a good frame that cannot be placed, port reuse,
 * persistence and sloppy_tcp; IP fragments, ICMP errors, one-packet
 * scheduling and VLANs. Frames are built byte by byte here; no sockets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "fwd/data/forward.h"
#include "tests/unit/inaddr4.h"

#define VIP	"198.18.0.10"
#define T0	1000u
#define FRAME	128

static const uint8_t dir_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t cli_mac[6] = { 0x02, 0, 0, 0, 0, 0x42 };
static const uint8_t rs_mac[3][6] = {
	{ 0x02, 0, 0, 0, 0, 0x11 }, { 0x02, 0, 0, 0, 0, 0x12 },
	{ 0x02, 0, 0, 0, 0, 0x13 },
};

static uint32_t
ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Ethernet + IPv4 + TCP from client:cport to daddr:dport, given flags. */
static size_t
tcp_frame(uint8_t *f, const char *saddr, uint16_t cport, const char *daddr,
    uint16_t dport, uint8_t flags)
{
	uint32_t s = ip(saddr), d = ip(daddr), sum = 0;
	uint8_t *h = f + 14;
	int i;

	memset(f, 0, FRAME);
	memcpy(f, dir_mac, 6);
	memcpy(f + 6, cli_mac, 6);
	put16(f + 12, ETHERTYPE_IP);
	h[0] = 0x45;
	put16(h + 2, 40);
	h[8] = 64;
	h[9] = IPPROTO_TCP;
	memcpy(h + 12, &s, 4);
	memcpy(h + 16, &d, 4);
	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(h + 10, (uint16_t)~sum);
	put16(h + 20, cport);
	put16(h + 22, dport);
	h[32] = 5 << 4;
	h[33] = flags;
	return 14 + 40;
}

static size_t
arp_request(uint8_t *f, const char *spa, const char *tpa)
{
	uint32_t s = ip(spa), t = ip(tpa);

	memset(f, 0, FRAME);
	memset(f, 0xff, 6);
	memcpy(f + 6, cli_mac, 6);
	put16(f + 12, ETHERTYPE_ARP);
	put16(f + 14, ARPHRD_ETHER);
	put16(f + 16, ETHERTYPE_IP);
	f[18] = 6;
	f[19] = 4;
	put16(f + 20, ARPOP_REQUEST);
	memcpy(f + 22, cli_mac, 6);
	memcpy(f + 28, &s, 4);
	memcpy(f + 38, &t, 4);
	return 42;
}

struct lab {
	struct uvs_fwd	 fw;
	struct uvs_svc	*svc;
};

/* A director with TCP VIP:80 (rr, flags) over three dests with MACs. */
static void
lab_init(struct lab *l, uint32_t flags, uint32_t timeout)
{
	struct uvs_svc_conf sc = { .proto = IPPROTO_TCP, .af = AF_INET,
	    .addr = uvs_inaddr4(ip(VIP)), .port = htons(80), .sched = "rr",
	    .flags = flags,
	    .timeout = timeout, .netmask = 0xffffffff };
	int i;

	memset(l, 0, sizeof(*l));
	uvs_svc_table_init(&l->fw.svcs);
	assert_int_equal(uvs_conn_init(&l->fw.conns, 64, T0, 1), 0);
	memcpy(l->fw.mac, dir_mac, 6);
	memcpy(l->fw.arp_reply + 6, dir_mac, 6);	/* as the template */
	assert_int_equal(uvs_svc_add(&l->fw.svcs, &sc), 0);
	l->svc = svc_find4(&l->fw.svcs, IPPROTO_TCP, ip(VIP), htons(80));
	for (i = 2; i >= 0; i--) {
		char a[16];
		struct uvs_dest_conf dc = { .af = AF_INET, .port = htons(80),
		    .weight = 1 };

		snprintf(a, sizeof(a), "198.18.0.1%d", i + 1);
		dc.addr = uvs_inaddr4(ip(a));
		assert_int_equal(uvs_dest_add(l->svc, &dc), 0);
		memcpy(dest_find4(l->svc, dc.addr.ip, dc.port)->hwaddr,
		    rs_mac[i], 6);
	}
}

static void
lab_free(struct lab *l)
{
	uvs_fwd_flush_dest(&l->fw, NULL);
	uvs_conn_free(&l->fw.conns);
	uvs_frag_free(&l->fw.frags);
	uvs_svc_table_free(&l->fw.svcs);
}

/* Sends a TCP frame through; returns the index of the rs MAC it got. */
static int
through(struct lab *l, const char *src, uint16_t cport, uint8_t flags)
{
	uint8_t f[FRAME], orig[FRAME];
	size_t n = tcp_frame(f, src, cport, VIP, 80, flags);
	int i;

	memcpy(orig, f, FRAME);
	if (uvs_fwd_frame(&l->fw, f, n, T0) != UVS_FORWARD)
		return -1;
	/* only the Ethernet addresses changed */
	assert_memory_equal(f + 6, dir_mac, 6);
	assert_memory_equal(f + 12, orig + 12, n - 12);
	for (i = 0; i < 3; i++)
		if (memcmp(f, rs_mac[i], 6) == 0)
			return i;
	fail_msg("rewritten to an unknown MAC");
	return -1;
}

static void
test_arp_answered_for_vip_only(void **state)
{
	struct lab l;
	uint8_t f[FRAME];
	size_t n;

	(void)state;
	lab_init(&l, 0, 0);
	n = arp_request(f, "198.18.0.100", VIP);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_REPLY);
	assert_memory_equal(l.fw.arp_reply, cli_mac, 6);	/* to asker */
	/* ARP at 14: sha 22, spa 28, tha 32, tpa 38 */
	assert_memory_equal(l.fw.arp_reply + 28, &(uint32_t){ ip(VIP) }, 4);
	assert_memory_equal(l.fw.arp_reply + 32, cli_mac, 6);
	assert_memory_equal(l.fw.arp_reply + 38,
	    &(uint32_t){ ip("198.18.0.100") }, 4);
	n = arp_request(f, "198.18.0.100", "198.18.0.50");
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_IGNORE);
	assert_int_equal(l.fw.stats.arp_replies, 1);
	assert_int_equal(l.fw.stats.arp_ignored, 1);
	lab_free(&l);
}

/*
 * A gratuitous request for the VIP (sender = target = VIP: another
 * director announcing it) is no question and gets no answer; an RFC 5227
 * probe (sender 0.0.0.0) still does, as the kernel answers one.
 */
static void
test_arp_gratuitous_not_answered(void **state)
{
	struct lab l;
	uint8_t f[FRAME];
	size_t n;

	(void)state;
	lab_init(&l, 0, 0);
	n = arp_request(f, VIP, VIP);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_IGNORE);
	assert_int_equal(l.fw.stats.arp_replies, 0);
	assert_int_equal(l.fw.stats.arp_ignored, 1);
	n = arp_request(f, "0.0.0.0", VIP);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_REPLY);
	assert_int_equal(l.fw.stats.arp_replies, 1);
	lab_free(&l);
}

/* Dests were added rs3, rs2, rs1; the list (newest first, as IPVS keeps
 * it) is rs1 rs2 rs3, and rr walks it in that order. */
static void
test_rr_and_rewrite(void **state)
{
	struct lab l;

	(void)state;
	lab_init(&l, 0, 0);
	assert_int_equal(through(&l, "198.18.0.100", 1001, TH_SYN), 0);
	assert_int_equal(through(&l, "198.18.0.100", 1002, TH_SYN), 1);
	assert_int_equal(through(&l, "198.18.0.100", 1003, TH_SYN), 2);
	/* the same flow's next packets follow it */
	assert_int_equal(through(&l, "198.18.0.100", 1002, TH_ACK), 1);
	assert_int_equal(l.fw.stats.conns_new, 3);
	assert_int_equal(l.svc->dests[1]->activeconns, 1);
	lab_free(&l);
}

static void
test_drop_reasons(void **state)
{
	struct lab l;
	uint8_t f[FRAME];
	size_t n;

	(void)state;
	lab_init(&l, 0, 0);
	n = tcp_frame(f, "198.18.0.100", 1001, VIP, 8080, TH_SYN);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_DROP);
	assert_int_equal(l.fw.stats.drops[UVS_DROP_NO_SVC], 1);
	n = tcp_frame(f, "198.18.0.100", 1001, "198.18.0.99", 80, TH_SYN);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_DROP);
	assert_int_equal(l.fw.stats.drops[UVS_DROP_NOT_VIP], 1);
	/* a flow must start with a bare SYN */
	assert_int_equal(through(&l, "198.18.0.100", 1001, TH_ACK), -1);
	assert_int_equal(through(&l, "198.18.0.100", 1001, TH_SYN | TH_ACK),
	    -1);
	assert_int_equal(l.fw.stats.drops[UVS_DROP_TCP_NOSYN], 2);
	/* a dest whose MAC is unknown: its flow's packets are dropped */
	assert_int_equal(through(&l, "198.18.0.100", 1001, TH_SYN), 0);
	l.svc->dests[0]->flags |= UVS_DEST_F_NOHWADDR;
	assert_int_equal(through(&l, "198.18.0.100", 1001, TH_ACK), -1);
	assert_int_equal(l.fw.stats.drops[UVS_DROP_DEST_NOHW], 1);
	/* counted against that dest, and no other */
	assert_int_equal(l.svc->dests[0]->nomac_drops, 1);
	assert_int_equal(l.svc->dests[1]->nomac_drops, 0);
	/* and new flows skip it */
	uvs_svc_changed(l.svc);
	assert_int_equal(through(&l, "198.18.0.100", 1002, TH_SYN), 1);
	assert_int_equal(through(&l, "198.18.0.100", 1003, TH_SYN), 2);
	assert_int_equal(through(&l, "198.18.0.100", 1004, TH_SYN), 1);
	lab_free(&l);
}

/* A SYN on a closing flow is a new flow, scheduled at once. */
static void
test_port_reuse(void **state)
{
	struct lab l;

	(void)state;
	lab_init(&l, 0, 0);
	assert_int_equal(through(&l, "198.18.0.100", 1001, TH_SYN), 0);
	assert_int_equal(through(&l, "198.18.0.100", 1001, TH_ACK), 0);
	assert_int_equal(through(&l, "198.18.0.100", 1001, TH_FIN | TH_ACK), 0);
	/* a retransmitted SYN of a live flow is not a reuse */
	assert_int_equal(through(&l, "198.18.0.100", 1002, TH_SYN), 1);
	assert_int_equal(through(&l, "198.18.0.100", 1002, TH_SYN), 1);
	/* FIN_WAIT + SYN: rescheduled (rr moves on to rs3) */
	assert_int_equal(through(&l, "198.18.0.100", 1001, TH_SYN), 2);
	assert_int_equal(l.fw.stats.conns_reused, 1);
	assert_int_equal(l.fw.conns.count, 2);
	lab_free(&l);
}

/* -p: one client keeps its dest; another client is scheduled anew. */
static void
test_persistence(void **state)
{
	struct lab l;
	struct uvs_dest *d;
	int first, i;

	(void)state;
	lab_init(&l, UVS_SVC_F_PERSISTENT, 300);
	first = through(&l, "198.18.0.100", 1001, TH_SYN);
	for (i = 0; i < 5; i++)
		assert_int_equal(through(&l, "198.18.0.100",
		    (uint16_t)(2000 + i), TH_SYN), first);
	assert_int_not_equal(through(&l, "198.18.0.101", 1001, TH_SYN),
	    first);
	d = l.svc->dests[first];
	assert_int_equal(d->persistconns, 1);
	assert_int_equal(d->inactconns + d->activeconns, 6);
	/* quiescent (weight 0): IPVS keeps sending the client there */
	d->weight = 0;
	uvs_svc_changed(l.svc);
	assert_int_equal(through(&l, "198.18.0.100", 3001, TH_SYN), first);
	/* the template outlives its 300 s while a flow it placed lives */
	assert_int_equal(through(&l, "198.18.0.100", 3001, TH_ACK), first);
	uvs_conn_expire(&l.fw.conns, T0 + 301);
	assert_int_equal(d->persistconns, 1);
	assert_int_equal(d->activeconns, 1);	/* the established one */
	/* and goes once that flow is gone (900 s) and its time is up */
	uvs_conn_expire(&l.fw.conns, T0 + 1300);
	assert_int_equal(d->persistconns, 0);
	assert_int_equal(l.fw.conns.count, 0);
	lab_free(&l);
}

/* -p: a dest health checks took out gives its clients up at once. */
static void
test_persistence_out(void **state)
{
	struct lab l;
	struct uvs_dest *d;
	int first, next;

	(void)state;
	lab_init(&l, UVS_SVC_F_PERSISTENT, 300);
	first = through(&l, "198.18.0.100", 1001, TH_SYN);
	d = l.svc->dests[first];
	uvs_dest_set_out(l.svc, d, 1);
	next = through(&l, "198.18.0.100", 1002, TH_SYN);
	assert_int_not_equal(next, first);
	/* the template moved with the client */
	assert_int_equal(d->persistconns, 0);
	assert_int_equal(l.svc->dests[next]->persistconns, 1);
	assert_int_equal(through(&l, "198.18.0.100", 1003, TH_SYN), next);
	lab_free(&l);
}

/*
 * sloppy_tcp: a flow met mid-stream (its SYN went by before a restart)
 * is scheduled and counted established; an RST starts nothing.
 */
static void
test_sloppy_tcp(void **state)
{
	struct lab l;

	(void)state;
	lab_init(&l, 0, 0);
	l.fw.sloppy_tcp = 1;
	assert_int_equal(through(&l, "198.18.0.100", 1001, TH_RST), -1);
	assert_int_equal(l.fw.stats.drops[UVS_DROP_TCP_NOSYN], 1);
	assert_int_equal(through(&l, "198.18.0.100", 1001, TH_ACK | TH_PUSH),
	    0);
	assert_int_equal(through(&l, "198.18.0.100", 1001, TH_ACK), 0);
	assert_int_equal(through(&l, "198.18.0.100", 1002, TH_FIN | TH_ACK),
	    1);
	assert_int_equal(l.fw.stats.conns_new, 2);
	assert_int_equal(l.svc->dests[0]->activeconns, 1);
	assert_int_equal(l.svc->dests[1]->inactconns, 1);
	lab_free(&l);
}

/* Fixes the IPv4 header checksum of a frame built here. */
static void
ip_sum(uint8_t *f)
{
	uint8_t *h = f + 14;
	uint32_t sum = 0;
	int i, hl = (h[0] & 0x0f) * 4;

	put16(h + 10, 0);
	for (i = 0; i < hl; i += 2)
		sum += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(h + 10, (uint16_t)~sum);
}

/*
 * A fragment of UDP datagram id from saddr:cport to VIP:9000 whose whole
 * payload is total bytes: off and len in bytes of the IP payload (the
 * UDP header is in the first one).
 */
static size_t
udp_frag(uint8_t *f, const char *saddr, uint16_t cport, uint16_t id,
    uint16_t off, uint16_t len, uint16_t total)
{
	uint32_t s = ip(saddr), d = ip(VIP);
	uint8_t *h = f + 14;

	memset(f, 0, FRAME);
	memcpy(f, dir_mac, 6);
	memcpy(f + 6, cli_mac, 6);
	put16(f + 12, ETHERTYPE_IP);
	h[0] = 0x45;
	put16(h + 2, (uint16_t)(20 + len));
	put16(h + 4, id);
	put16(h + 6, (uint16_t)((off / 8) | (off + len < total ? 0x2000 : 0)));
	h[8] = 64;
	h[9] = IPPROTO_UDP;
	memcpy(h + 12, &s, 4);
	memcpy(h + 16, &d, 4);
	if (off == 0) {
		put16(h + 20, cport);
		put16(h + 22, 9000);
		put16(h + 24, total);
	}
	ip_sum(f);
	return 14 + 20 + len;
}

/* A UDP VIP:9000 rr service (flags) beside the lab's TCP one. */
static struct uvs_svc *
udp_service(struct lab *l, uint32_t flags)
{
	struct uvs_svc_conf sc = { .proto = IPPROTO_UDP, .af = AF_INET,
	    .addr = uvs_inaddr4(ip(VIP)), .port = htons(9000), .sched = "rr",
	    .flags = flags,
	    .netmask = 0xffffffff };
	struct uvs_svc *svc;
	int i;

	assert_int_equal(uvs_svc_add(&l->fw.svcs, &sc), 0);
	svc = svc_find4(&l->fw.svcs, IPPROTO_UDP, ip(VIP), htons(9000));
	for (i = 2; i >= 0; i--) {
		char a[16];
		struct uvs_dest_conf dc = { .af = AF_INET,
		    .port = htons(9000), .weight = 1 };

		snprintf(a, sizeof(a), "198.18.0.1%d", i + 1);
		dc.addr = uvs_inaddr4(ip(a));
		assert_int_equal(uvs_dest_add(svc, &dc), 0);
		memcpy(dest_find4(svc, dc.addr.ip, dc.port)->hwaddr, rs_mac[i],
		    6);
	}
	return svc;
}

static int
mac_index(const uint8_t *f)
{
	int i;

	for (i = 0; i < 3; i++)
		if (memcmp(f, rs_mac[i], 6) == 0)
			return i;
	return -1;
}

/* Every fragment follows the first; InPkts counts the datagram once. */
static void
test_fragments_follow_first(void **state)
{
	struct lab l;
	struct uvs_svc *svc;
	uint8_t f[FRAME];
	size_t n;
	int first, k;

	(void)state;
	lab_init(&l, 0, 0);
	svc = udp_service(&l, 0);
	assert_int_equal(uvs_fwd_frag_init(&l.fw, 16, 4, 0, 1), 0);
	/* two other flows move rr on, so the datagram's pick is not rs1 */
	for (k = 0; k < 2; k++) {
		n = udp_frag(f, "198.18.0.100", (uint16_t)(2000 + k), 1, 0, 16,
		    16);
		assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_FORWARD);
	}
	n = udp_frag(f, "198.18.0.100", 3000, 77, 0, 48, 120);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_FORWARD);
	first = mac_index(f);
	assert_int_equal(first, 2);
	n = udp_frag(f, "198.18.0.100", 3000, 77, 48, 48, 120);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_FORWARD);
	assert_int_equal(mac_index(f), first);
	/* another datagram's id: not this one's */
	n = udp_frag(f, "198.18.0.100", 3000, 78, 48, 48, 120);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_HOLD);
	n = udp_frag(f, "198.18.0.100", 3000, 77, 96, 24, 120);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_FORWARD);
	assert_int_equal(mac_index(f), first);
	assert_int_equal(l.fw.stats.frags_fwd, 3);
	assert_int_equal(svc->dests[2]->inpkts, 1);
	assert_int_equal(svc->dests[2]->inbytes, 20 + 120);
	/* complete: its entry is gone, a stray copy would be held */
	n = udp_frag(f, "198.18.0.100", 3000, 77, 96, 24, 120);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_HOLD);
	lab_free(&l);
}

/* Fragments before their first are held, then sent right behind it. */
static void
test_fragments_before_first(void **state)
{
	struct lab l;
	uint8_t f[FRAME], *buf;
	size_t n, len;
	uint16_t tci;
	int first, k = 0;

	(void)state;
	lab_init(&l, 0, 0);
	udp_service(&l, 0);
	assert_int_equal(uvs_fwd_frag_init(&l.fw, 16, 4, 10, 1), 0);
	n = udp_frag(f, "198.18.0.100", 3000, 5, 96, 24, 120);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_HOLD);
	n = udp_frag(f, "198.18.0.100", 3000, 5, 48, 48, 120);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_HOLD);
	assert_null(uvs_fwd_next_held(&l.fw, &len, &tci));
	n = udp_frag(f, "198.18.0.100", 3000, 5, 0, 48, 120);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_FORWARD);
	first = mac_index(f);
	while ((buf = uvs_fwd_next_held(&l.fw, &len, &tci))) {
		assert_int_equal(mac_index(buf + 10), first);
		assert_memory_equal(buf + 10 + 6, dir_mac, 6);
		assert_int_equal(len, 10 + 14 + 20 + (k ? 48 : 24));
		k++;
	}
	assert_int_equal(k, 2);
	assert_int_equal(l.fw.stats.frags_held, 2);
	assert_int_equal(l.fw.stats.frags_fwd, 3);
	assert_int_equal(l.fw.stats.fwd_frames, 3);
	uvs_fwd_burst_done(&l.fw);
	lab_free(&l);
}

/* A dropped first takes its fragments with it, for the same reason;
 * fragments never followed by a first expire. */
static void
test_fragments_dropped_and_expired(void **state)
{
	struct lab l;
	uint8_t f[FRAME];
	size_t n;

	(void)state;
	lab_init(&l, 0, 0);
	assert_int_equal(uvs_fwd_frag_init(&l.fw, 16, 4, 0, 1), 0);
	/* no UDP service: the first is no_service, so is the rest */
	n = udp_frag(f, "198.18.0.100", 3000, 9, 48, 48, 120);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_HOLD);
	n = udp_frag(f, "198.18.0.100", 3000, 9, 0, 48, 120);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_DROP);
	assert_int_equal(l.fw.stats.drops[UVS_DROP_NO_SVC], 2);
	n = udp_frag(f, "198.18.0.100", 3000, 9, 96, 24, 120);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_DROP);
	assert_int_equal(l.fw.stats.drops[UVS_DROP_NO_SVC], 3);
	/* a lone later fragment waits out Linux's ipfrag_time */
	n = udp_frag(f, "198.18.0.100", 3000, 10, 48, 48, 120);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_HOLD);
	n = arp_request(f, "198.18.0.100", VIP);
	(void)uvs_fwd_frame(&l.fw, f, n, T0 + UVS_FRAG_TIMEOUT - 1);
	assert_int_equal(l.fw.stats.drops[UVS_DROP_FRAG_EXPIRED], 0);
	(void)uvs_fwd_frame(&l.fw, f, n, T0 + UVS_FRAG_TIMEOUT);
	assert_int_equal(l.fw.stats.drops[UVS_DROP_FRAG_EXPIRED], 1);
	lab_free(&l);
	/* without a table a later fragment has nowhere to go */
	lab_init(&l, 0, 0);
	udp_service(&l, 0);
	n = udp_frag(f, "198.18.0.100", 3000, 11, 48, 48, 120);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_DROP);
	assert_int_equal(l.fw.stats.drops[UVS_DROP_FRAG_NOROOM], 1);
	n = udp_frag(f, "198.18.0.100", 3000, 11, 0, 48, 120);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_FORWARD);
	lab_free(&l);
}

/* Router's ICMP error to the VIP quoting rs reply VIP:80 -> client:cport. */
static size_t
icmp_error(uint8_t *f, const char *client, uint16_t cport)
{
	uint32_t r = ip("198.18.0.1"), v = ip(VIP), c = ip(client), sum = 0;
	uint8_t *h = f + 14, *ic = h + 20, *q = ic + 8;
	int i;

	memset(f, 0, FRAME);
	memcpy(f, dir_mac, 6);
	memcpy(f + 6, cli_mac, 6);
	put16(f + 12, ETHERTYPE_IP);
	h[0] = 0x45;
	put16(h + 2, 20 + 8 + 28);
	h[8] = 64;
	h[9] = IPPROTO_ICMP;
	memcpy(h + 12, &r, 4);
	memcpy(h + 16, &v, 4);
	ip_sum(f);
	ic[0] = 3;
	ic[1] = 4;
	put16(ic + 6, 1200);
	q[0] = 0x45;
	put16(q + 2, 1500);
	q[9] = IPPROTO_TCP;
	memcpy(q + 12, &v, 4);
	memcpy(q + 16, &c, 4);
	put16(q + 20, 80);
	put16(q + 22, cport);
	for (i = 0; i < 36; i += 2)
		sum += (uint32_t)(ic[i] << 8 | ic[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(ic + 2, (uint16_t)~sum);
	return 14 + 20 + 36;
}

static void
test_icmp_error_to_owner(void **state)
{
	struct lab l;
	uint8_t f[FRAME], orig[FRAME];
	size_t n;
	int owner;

	(void)state;
	lab_init(&l, 0, 0);
	assert_int_equal(through(&l, "198.18.0.100", 1001, TH_SYN), 0);
	owner = through(&l, "198.18.0.100", 1002, TH_SYN);
	n = icmp_error(f, "198.18.0.100", 1002);
	memcpy(orig, f, FRAME);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_FORWARD);
	assert_int_equal(mac_index(f), owner);
	assert_memory_equal(f + 12, orig + 12, n - 12);
	assert_int_equal(l.fw.stats.icmp_fwd, 1);
	assert_int_equal(l.fw.stats.conns_new, 2);	/* it made no flow */
	/* about a flow we do not hold: not ours */
	n = icmp_error(f, "198.18.0.100", 1003);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_DROP);
	assert_int_equal(l.fw.stats.drops[UVS_DROP_ICMP_NO_CONN], 1);
	lab_free(&l);
}

/* -o: each datagram of one socket is scheduled alone, no flow kept. */
static void
test_one_packet(void **state)
{
	struct lab l;
	struct uvs_svc *svc;
	uint8_t f[FRAME];
	int hits[3] = { 0 }, k;
	size_t n;

	(void)state;
	lab_init(&l, 0, 0);
	svc = udp_service(&l, UVS_SVC_F_ONEPACKET);
	for (k = 0; k < 9; k++) {
		n = udp_frag(f, "198.18.0.100", 4000, (uint16_t)k, 0, 16, 16);
		assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_FORWARD);
		hits[mac_index(f)]++;
	}
	for (k = 0; k < 3; k++) {
		assert_int_equal(hits[k], 3);
		assert_int_equal(svc->dests[k]->conns, 3);
		assert_int_equal(svc->dests[k]->inactconns, 0);
	}
	assert_int_equal(l.fw.conns.count, 0);
	assert_int_equal(l.fw.stats.ops_sched, 9);
	assert_int_equal(svc->conns, 9);
	/* -o is UDP's: the TCP service keeps its flows */
	assert_int_equal(through(&l, "198.18.0.100", 1001, TH_SYN), 0);
	assert_int_equal(l.fw.conns.count, 1);
	lab_free(&l);
}

/* Tagged frames are served only on VLANs named; an ARP too. */
static void
test_vlan(void **state)
{
	struct lab l;
	uint8_t f[FRAME];
	size_t n;

	(void)state;
	lab_init(&l, 0, 0);
	n = tcp_frame(f, "198.18.0.100", 1001, VIP, 80, TH_SYN);
	assert_int_equal(uvs_fwd_frame_vlan(&l.fw, f, n, UVS_FWD_TAGGED | 100,
	    T0), UVS_DROP);
	n = arp_request(f, "198.18.0.100", VIP);
	assert_int_equal(uvs_fwd_frame_vlan(&l.fw, f, n, UVS_FWD_TAGGED | 100,
	    T0), UVS_DROP);
	assert_int_equal(l.fw.stats.drops[UVS_DROP_VLAN], 2);
	/* priority-tagged (VLAN 0) is the untagged LAN */
	assert_int_equal(uvs_fwd_frame_vlan(&l.fw, f, n, UVS_FWD_TAGGED |
	    0x6000, T0), UVS_REPLY);
	uvs_fwd_serve_vlan(&l.fw, 100);
	assert_int_equal(uvs_fwd_frame_vlan(&l.fw, f, n, UVS_FWD_TAGGED |
	    0x2000 | 100, T0), UVS_REPLY);
	n = tcp_frame(f, "198.18.0.100", 1001, VIP, 80, TH_SYN);
	assert_int_equal(uvs_fwd_frame_vlan(&l.fw, f, n, UVS_FWD_TAGGED | 100,
	    T0), UVS_FORWARD);
	/* naming a VLAN leaves untagged out unless named too */
	n = tcp_frame(f, "198.18.0.100", 1002, VIP, 80, TH_SYN);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_DROP);
	uvs_fwd_serve_vlan(&l.fw, 0);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_FORWARD);
	assert_int_equal(l.fw.stats.drops[UVS_DROP_VLAN], 3);
	lab_free(&l);
}

/*
 * --follow-vip: a VIP the kernel does not hold is neither answered nor
 * forwarded, not even on a flow already known; held, it is both.
 */
static void
test_follow_vip(void **state)
{
	struct lab l;
	uint8_t f[FRAME];
	size_t n;

	(void)state;
	lab_init(&l, 0, 0);
	assert_int_equal(through(&l, "198.18.0.100", 1001, TH_SYN), 0);
	uvs_svc_follow(&l.fw.svcs, 1);
	n = arp_request(f, "198.18.0.100", VIP);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_IGNORE);
	assert_int_equal(l.fw.stats.arp_standby, 1);
	n = tcp_frame(f, "198.18.0.100", 1001, VIP, 80, TH_ACK);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_DROP);
	n = tcp_frame(f, "198.18.0.100", 1002, VIP, 80, TH_SYN);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_DROP);
	assert_int_equal(l.fw.stats.drops[UVS_DROP_VIP_STANDBY], 2);
	/* an address that is no VIP is counted as before */
	n = tcp_frame(f, "198.18.0.100", 1003, "198.18.0.50", 80, TH_SYN);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_DROP);
	assert_int_equal(l.fw.stats.drops[UVS_DROP_NOT_VIP], 1);
	/* another address held changes nothing for the VIP */
	assert_int_equal(svc_hold4(&l.fw.svcs, ip("198.18.0.2"), 1), 0);
	n = arp_request(f, "198.18.0.100", VIP);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_IGNORE);
	/* keepalived adds the VIP: served, the known flow carries on */
	assert_int_equal(svc_hold4(&l.fw.svcs, ip(VIP), 1), 0);
	assert_int_equal(uvs_fwd_frame(&l.fw, f, n, T0), UVS_REPLY);
	assert_int_equal(through(&l, "198.18.0.100", 1001, TH_ACK), 0);
	assert_int_equal(through(&l, "198.18.0.100", 1002, TH_SYN), 1);
	/* and removes it: silent again */
	assert_int_equal(svc_hold4(&l.fw.svcs, ip(VIP), 0), 0);
	assert_int_equal(through(&l, "198.18.0.100", 1001, TH_ACK), -1);
	assert_int_equal(l.fw.stats.drops[UVS_DROP_VIP_STANDBY], 3);
	/* follow off: every VIP is served, held or not */
	uvs_svc_follow(&l.fw.svcs, 0);
	assert_int_equal(through(&l, "198.18.0.100", 1001, TH_ACK), 0);
	lab_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arp_answered_for_vip_only),
		cmocka_unit_test(test_arp_gratuitous_not_answered),
		cmocka_unit_test(test_rr_and_rewrite),
		cmocka_unit_test(test_drop_reasons),
		cmocka_unit_test(test_port_reuse),
		cmocka_unit_test(test_persistence),
		cmocka_unit_test(test_persistence_out),
		cmocka_unit_test(test_sloppy_tcp),
		cmocka_unit_test(test_fragments_follow_first),
		cmocka_unit_test(test_fragments_before_first),
		cmocka_unit_test(test_fragments_dropped_and_expired),
		cmocka_unit_test(test_icmp_error_to_owner),
		cmocka_unit_test(test_one_packet),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_follow_vip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
