/*
 * Unit tests for the capture backends' common part (fwd/data/capture.c)
 * and the packet loop's use of it (fwd/data/pktloop.c), through a fake
 * backend: frames come from an array, sends are recorded. No socket is
 * opened, so this runs without root; it proves the loop reads and sends
 * only through the ops, whatever backend is behind them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <endian.h>
#include <errno.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "fwd/data/capture.h"
#include "fwd/data/capture_ops.h"
#include "fwd/data/pktloop.h"
#include "tests/unit/inaddr4.h"

#define VIP	"198.18.0.10"
#define T0	1000u
#define FRAME	(UVS_VNET_HLEN + 128)
#define NFRAMES	100

static const uint8_t dir_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t cli_mac[6] = { 0x02, 0, 0, 0, 0, 0x42 };
static const uint8_t rs_mac[6] = { 0x02, 0, 0, 0, 0, 0x11 };

/* The fake backend's state: frames to hand out, what was sent. */
struct fake {
	uint8_t		 frames[NFRAMES][FRAME];
	uint32_t	 len[NFRAMES];
	uint8_t		 pkttype[NFRAMES];
	uint8_t		 truncated[NFRAMES];
	unsigned	 n, next;	/* frames, next to hand out */
	unsigned	 bursts, releases, unreleased;
	unsigned	 xmits, sent, refuse;	/* refuse: fail this many */
	uint8_t		 sent_dst[NFRAMES][6];
	uint8_t		 wire[FRAME + 4];	/* the last frame sent, joined */
	size_t		 wire_len;
	unsigned	 wire_pieces;
	uint16_t	 wire_proto;
	uint64_t	 drops;
	int		 opened, closed;
};

static int
fake_open(struct uvs_capture *c, const struct uvs_capture_conf *conf)
{
	(void)conf;
	((struct fake *)c->be)->opened++;
	return 0;
}

static void
fake_close(struct uvs_capture *c)
{
	((struct fake *)c->be)->closed++;
}

static int
fake_burst(struct uvs_capture *c, struct uvs_frame *f, int max)
{
	struct fake *k = c->be;
	int n = 0;

	k->bursts++;
	/* like a ring: frames of an unreleased burst are still held */
	while (n < max && k->next < k->n) {
		f[n].buf = k->frames[k->next];
		f[n].len = k->len[k->next];
		f[n].pkttype = k->pkttype[k->next];
		f[n].truncated = k->truncated[k->next];
		f[n].copied = 0;
		f[n].vlan_valid = 0;
		f[n].vlan_tci = 0;
		k->next++;
		k->unreleased++;
		n++;
	}
	return n;
}

static void
fake_release(struct uvs_capture *c)
{
	struct fake *k = c->be;

	k->releases++;
	k->unreleased = 0;
}

static int
fake_xmit(struct uvs_capture *c, struct mmsghdr *m, unsigned n)
{
	struct fake *k = c->be;
	unsigned i;

	k->xmits++;
	if (k->refuse) {
		k->refuse--;
		return -ENOBUFS;
	}
	for (i = 0; i < n; i++) {
		const struct iovec *v = m[i].msg_hdr.msg_iov;
		const struct sockaddr_ll *to = m[i].msg_hdr.msg_name;

		size_t j;

		assert_int_equal(to->sll_ifindex, 7);
		k->wire_len = 0;
		k->wire_pieces = (unsigned)m[i].msg_hdr.msg_iovlen;
		k->wire_proto = ntohs(to->sll_protocol);
		for (j = 0; j < m[i].msg_hdr.msg_iovlen; j++) {
			assert_true(k->wire_len + v[j].iov_len <=
			    sizeof(k->wire));
			memcpy(k->wire + k->wire_len, v[j].iov_base,
			    v[j].iov_len);
			k->wire_len += v[j].iov_len;
		}
		/* the wire bytes start after the vnet header (vnet on) */
		assert_true(v->iov_len > ETH_HLEN);
		memcpy(k->sent_dst[k->sent++ % NFRAMES],
		    (uint8_t *)v->iov_base + UVS_VNET_HLEN, 6);
	}
	return (int)n;
}

static uint64_t
fake_drops(struct uvs_capture *c)
{
	return ((struct fake *)c->be)->drops;
}

static const struct uvs_capture_ops fake_ops = {
	.name = "fake",
	.open = fake_open,
	.close = fake_close,
	.burst = fake_burst,
	.release = fake_release,
	.xmit = fake_xmit,
	.drops = fake_drops,
};

static uint32_t
ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

/* A TCP SYN from client port cport to VIP:80, after a zero vnet header. */
static uint32_t
syn_frame(uint8_t *b, uint16_t cport)
{
	uint8_t *f = b + UVS_VNET_HLEN, *h = f + 14;
	uint32_t s = ip("198.18.1.5"), d = ip(VIP), sum = 0;
	int i;

	memset(b, 0, FRAME);
	memcpy(f, dir_mac, 6);
	memcpy(f + 6, cli_mac, 6);
	f[12] = 0x08;
	h[0] = 0x45;
	h[3] = 40;
	h[8] = 64;
	h[9] = IPPROTO_TCP;
	memcpy(h + 12, &s, 4);
	memcpy(h + 16, &d, 4);
	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	h[10] = (uint8_t)(~sum >> 8);
	h[11] = (uint8_t)~sum;
	h[20] = (uint8_t)(cport >> 8);
	h[21] = (uint8_t)cport;
	h[23] = 80;
	h[32] = 5 << 4;
	h[33] = 0x02;	/* SYN */
	return UVS_VNET_HLEN + 14 + 40;
}

struct lab {
	struct fake		 k;
	struct uvs_capture	 cap;
	struct uvs_fwd		 fw;
	struct uvs_pktloop	 loop;
};

/* A director with TCP VIP:80 over one dest, reading from the fake. */
static void
lab_init(struct lab *l)
{
	struct uvs_svc_conf sc = { .proto = IPPROTO_TCP, .af = AF_INET,
	    .addr = uvs_inaddr4(ip(VIP)), .port = htons(80), .sched = "rr",
	    .netmask = 0xffffffff };
	struct uvs_dest_conf dc = { .af = AF_INET,
	    .addr = uvs_inaddr4(ip("198.18.0.11")), .port = htons(80),
	    .weight = 1 };
	struct uvs_svc *svc;

	memset(l, 0, sizeof(*l));
	uvs_svc_table_init(&l->fw.svcs);
	assert_int_equal(uvs_conn_init(&l->fw.conns, 256, T0, 1), 0);
	memcpy(l->fw.mac, dir_mac, 6);
	assert_int_equal(uvs_svc_add(&l->fw.svcs, &sc), 0);
	svc = svc_find4(&l->fw.svcs, IPPROTO_TCP, ip(VIP), htons(80));
	assert_int_equal(uvs_dest_add(svc, &dc), 0);
	memcpy(dest_find4(svc, dc.addr.ip, dc.port)->hwaddr, rs_mac, 6);
	uvs_capture_init(&l->cap);
	l->cap.ifindex = 7;
	l->cap.ops = &fake_ops;
	l->cap.be = &l->k;
	l->loop = (struct uvs_pktloop){ .cap = &l->cap, .fw = &l->fw };
}

static void
lab_free(struct lab *l)
{
	uvs_capture_close(&l->cap);
	assert_int_equal(l->k.closed, 1);
	uvs_conn_flush_dest(&l->fw.conns, NULL);
	uvs_conn_free(&l->fw.conns);
	uvs_svc_table_free(&l->fw.svcs);
}

/* Every frame comes through the ops, is forwarded, and leaves by xmit. */
static void
test_loop_reads_and_sends_through_ops(void **state)
{
	static struct lab l;
	unsigned i, total = 0;
	int n;

	(void)state;
	lab_init(&l);
	for (i = 0; i < NFRAMES; i++)
		l.k.len[i] = syn_frame(l.k.frames[i], (uint16_t)(20000 + i));
	l.k.n = NFRAMES;
	l.k.pkttype[3] = PACKET_HOST;
	while ((n = uvs_pktloop_burst(&l.loop, T0)) > 0) {
		assert_true(n <= UVS_BURST);
		/* each burst was given back before the next was taken */
		assert_int_equal(l.k.unreleased, 0);
		total += (unsigned)n;
	}
	assert_int_equal(n, 0);
	assert_int_equal(total, NFRAMES);
	assert_int_equal(l.k.sent, NFRAMES);
	assert_int_equal(l.k.releases, 2);	/* 64 + 36 */
	for (i = 0; i < NFRAMES; i++)
		assert_memory_equal(l.k.sent_dst[i], rs_mac, 6);
	assert_int_equal(l.fw.stats.fwd_frames, NFRAMES);
	assert_int_equal(l.fw.stats.drops[UVS_DROP_SEND], 0);
	lab_free(&l);
}

/*
 * The frames a backend marks truncated or for another host are dropped
 * before parsing and never sent (the negative control of the test above).
 */
static void
test_loop_drops_what_the_backend_marks(void **state)
{
	static struct lab l;

	(void)state;
	lab_init(&l);
	l.k.len[0] = syn_frame(l.k.frames[0], 30000);
	l.k.len[1] = syn_frame(l.k.frames[1], 30001);
	l.k.truncated[1] = 1;
	l.k.len[2] = syn_frame(l.k.frames[2], 30002);
	l.k.pkttype[2] = PACKET_OTHERHOST;
	l.k.n = 3;
	assert_int_equal(uvs_pktloop_burst(&l.loop, T0), 3);
	assert_int_equal(l.k.sent, 1);
	assert_int_equal(l.fw.stats.drops[UVS_DROP_TRUNC], 1);
	assert_int_equal(l.fw.stats.drops[UVS_DROP_NOT_HOST], 1);
	lab_free(&l);
}

/* A refused send drops that one frame, counts it, and sends the rest. */
static void
test_flush_counts_refused_sends(void **state)
{
	static struct lab l;
	unsigned i;

	(void)state;
	lab_init(&l);
	for (i = 0; i < 10; i++)
		l.k.len[i] = syn_frame(l.k.frames[i], (uint16_t)(40000 + i));
	l.k.n = 10;
	l.k.refuse = 1;
	assert_int_equal(uvs_pktloop_burst(&l.loop, T0), 10);
	assert_int_equal(l.fw.stats.drops[UVS_DROP_SEND], 1);
	assert_int_equal(l.k.sent, 9);
	lab_free(&l);
}

/* Single sends, drops and release go to the backend too. */
static void
test_send_drops_release_dispatch(void **state)
{
	static struct lab l;
	uint8_t buf[FRAME];

	(void)state;
	lab_init(&l);
	l.k.drops = 5;
	assert_int_equal(uvs_capture_drops(&l.cap), 5);
	syn_frame(buf, 1);
	assert_int_equal(uvs_capture_send(&l.cap, buf, sizeof(buf)), 0);
	assert_int_equal(l.k.sent, 1);
	/* too short to hold an Ethernet header: refused before the backend */
	assert_int_equal(uvs_capture_send(&l.cap, buf, UVS_VNET_HLEN + 3),
	    -EINVAL);
	assert_int_equal(l.k.xmits, 1);
	l.k.refuse = 1;
	assert_true(uvs_capture_send(&l.cap, buf, sizeof(buf)) < 0);
	uvs_capture_release(&l.cap);
	assert_int_equal(l.k.releases, 1);
	assert_string_equal(uvs_capture_backend(&l.cap), "fake");
	assert_int_equal(uvs_capture_pollfd(&l.cap), -1);
	lab_free(&l);
}

/*
 * A tag the kernel took off goes back after the MACs, whichever backend
 * sends: the frame leaves in two pieces, typed 802.1Q, and a pending
 * checksum's start moves with the 4 bytes.
 */
static void
test_queue_puts_the_tag_back(void **state)
{
	static struct lab l;
	struct virtio_net_hdr vh = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
	    .csum_start = htole16(34), .csum_offset = htole16(16) };
	uint8_t buf[FRAME], orig[FRAME];
	uint32_t len;
	uint16_t start;

	(void)state;
	lab_init(&l);
	len = syn_frame(buf, 5000);
	memcpy(buf, &vh, sizeof(vh));
	memcpy(orig, buf, sizeof(buf));
	uvs_capture_queue_vlan(&l.cap, buf, len, 1, 0x2123);
	assert_int_equal(uvs_capture_flush(&l.cap), 0);
	assert_int_equal(l.k.wire_pieces, 2);
	assert_int_equal(l.k.wire_proto, 0x8100);
	assert_int_equal(l.k.wire_len, len + UVS_VLAN_HLEN);
	memcpy(&start, l.k.wire + offsetof(struct virtio_net_hdr,
	    csum_start), 2);
	assert_int_equal(le16toh(start), 34 + UVS_VLAN_HLEN);
	/* MACs, the tag, then the frame from its type on, unchanged */
	assert_memory_equal(l.k.wire + UVS_VNET_HLEN, orig + UVS_VNET_HLEN,
	    12);
	assert_memory_equal(l.k.wire + UVS_VNET_HLEN + 12,
	    ((uint8_t[]){ 0x81, 0x00, 0x21, 0x23 }), 4);
	assert_memory_equal(l.k.wire + UVS_VNET_HLEN + 16,
	    orig + UVS_VNET_HLEN + 12, len - UVS_VNET_HLEN - 12);
	/* the frame itself is not touched: the tag lives in the queue */
	assert_memory_equal(buf + UVS_VNET_HLEN, orig + UVS_VNET_HLEN,
	    len - UVS_VNET_HLEN);
	/* untagged (the control): one piece, its own type */
	uvs_capture_queue_vlan(&l.cap, buf, len, 0, 0x2123);
	assert_int_equal(uvs_capture_flush(&l.cap), 0);
	assert_int_equal(l.k.wire_pieces, 1);
	assert_int_equal(l.k.wire_proto, 0x0800);
	assert_int_equal(l.k.wire_len, len);
	lab_free(&l);
}

/* The registry knows the four backends by uvsd's names, nothing else. */
static void
test_registry_names(void **state)
{
	struct uvs_capture c = { .fd = -1, .ops = &uvs_capture_socket_ops };
	struct uvs_capture_conf conf = { 1 << 16, 4 };

	(void)state;
	assert_ptr_equal(uvs_capture_lookup("socket"),
	    &uvs_capture_socket_ops);
	assert_ptr_equal(uvs_capture_lookup("ring"),
	    &uvs_capture_ring_v2_ops);
	assert_ptr_equal(uvs_capture_lookup("ring-v3"),
	    &uvs_capture_ring_v3_ops);
	assert_ptr_equal(uvs_capture_lookup("xdp"), &uvs_capture_xdp_ops);
	assert_null(uvs_capture_lookup("ring-v1"));
	assert_null(uvs_capture_lookup(""));
	assert_int_equal(uvs_capture_use(&c, "afxdp", &conf), -ENOENT);
	/* no link (ifindex 0): xdp cannot attach, and the capture stays */
	assert_true(uvs_capture_use(&c, "xdp", &conf) < 0);
	assert_ptr_equal(c.ops, &uvs_capture_socket_ops);
	assert_null(c.be);
	assert_int_equal(uvs_capture_use(&c, "socket", &conf), 0);
	assert_int_equal(uvs_capture_use_ring(&c, 0, 1 << 16, 4), -EINVAL);
	/* no socket: the ring cannot be set up, and the capture stays */
	assert_true(uvs_capture_use(&c, "ring", &conf) < 0);
	assert_ptr_equal(c.ops, &uvs_capture_socket_ops);
	assert_null(c.be);
	/* a backend other than the socket one is not switched away from */
	c.ops = &uvs_capture_ring_v3_ops;
	assert_int_equal(uvs_capture_use(&c, "ring", &conf), -EBUSY);
}

/* Only the registry's names can be switched to, not any ops struct. */
static void
test_use_knows_only_the_registry(void **state)
{
	static struct lab l;

	(void)state;
	lab_init(&l);
	l.cap.ops = &uvs_capture_socket_ops;
	assert_int_equal(l.k.opened, 0);
	/* fake is not in the registry: only the registry's names are used */
	assert_int_equal(uvs_capture_use(&l.cap, "fake", NULL), -ENOENT);
	assert_int_equal(l.k.opened, 0);
	l.cap.ops = &fake_ops;
	lab_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loop_reads_and_sends_through_ops),
		cmocka_unit_test(test_loop_drops_what_the_backend_marks),
		cmocka_unit_test(test_flush_counts_refused_sends),
		cmocka_unit_test(test_send_drops_release_dispatch),
		cmocka_unit_test(test_queue_puts_the_tag_back),
		cmocka_unit_test(test_registry_names),
		cmocka_unit_test(test_use_knows_only_the_registry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
