/*
 * The ring backends: TPACKET_V2 (uvsd's default, "ring") and TPACKET_V3
 * ("ring-v3"), read in place by ring.c. Sent frames skip the qdisc
 * layer: DR has no traffic shaping to do. V2's slots are sized for the
 * link's MTU, so a jumbo frame stays in place too. A V2 frame too big
 * for its slot (a GSO frame) leaves only a stub in the ring; the frame
 * itself waits, in order, in the socket's queue and is read from there
 * into the pool (pktsock.h), so the loop still sees it whole (counted
 * in rx_copied). V3's blocks hold a GSO frame in place.
 */
#include <errno.h>
#include <linux/if_packet.h>
#include <stdlib.h>

#include "arp/kernel/route.h"
#include "fwd/data/capture.h"
#include "fwd/data/capture_ops.h"
#include "fwd/data/pktsock.h"
#include "fwd/data/ring.h"

#ifndef PACKET_QDISC_BYPASS
#define PACKET_QDISC_BYPASS	20	/* Linux 3.14 */
#endif

static int
ring_open(struct uvs_capture *c, const struct uvs_capture_conf *conf,
    int version)
{
	struct uvs_ring *r;
	int one = 1, rc;

	uint32_t mtu = 1500;

	if (!(r = calloc(1, sizeof(*r))))
		return -ENOMEM;
	/* a link whose MTU cannot be read gets Ethernet's slots */
	(void)uvs_link_mtu(c->ifindex, &mtu);
	if ((rc = uvs_ring_open(r, c->fd, version, conf->block_size,
	    conf->nblocks, uvs_ring_v2_slot(mtu, conf->block_size),
	    c->vnet)) < 0) {
		free(r);
		return rc;
	}
	c->be = r;
	(void)setsockopt(c->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
	    sizeof(one));
	return 0;
}

static int
ring_v2_open(struct uvs_capture *c, const struct uvs_capture_conf *conf)
{
	return ring_open(c, conf, TPACKET_V2);
}

static int
ring_v3_open(struct uvs_capture *c, const struct uvs_capture_conf *conf)
{
	return ring_open(c, conf, TPACKET_V3);
}

static void
ring_close(struct uvs_capture *c)
{
	if (!c->be)
		return;
	uvs_ring_close(c->be);
	free(c->be);
	c->be = NULL;
}

/* The stub's frame, from the socket's queue into pool buffer k. */
static void
fetch_copied(struct uvs_capture *c, struct uvs_frame *f, unsigned k)
{
	struct uvs_frame q;

	if (uvs_pktsock_recv(c, k, &q) <= 0) {
		f->truncated = 1;	/* counted, and dropped */
		f->len = 0;
		return;
	}
	/* the ring's own view of the frame (pkttype) stays */
	f->buf = q.buf;
	f->len = q.len;
	f->truncated = q.truncated;
	f->vlan_valid = q.vlan_valid;
	f->vlan_tci = q.vlan_tci;
}

static int
ring_burst(struct uvs_capture *c, struct uvs_frame *f, int max)
{
	int i, n;
	unsigned k = 0;

	n = uvs_ring_burst(c->be, f, max, UVS_PKTSOCK_POOL_FRAMES);
	for (i = 0; i < n; i++)
		if (f[i].copied)
			fetch_copied(c, &f[i], k++);
	return n;
}

static void
ring_release(struct uvs_capture *c)
{
	uvs_ring_release(c->be);
}

static uint64_t
ring_drops(struct uvs_capture *c)
{
	return uvs_pktsock_drops(c, 1);
}

const struct uvs_capture_ops uvs_capture_ring_v2_ops = {
	.name = "ring",
	.open = ring_v2_open,
	.close = ring_close,
	.burst = ring_burst,
	.release = ring_release,
	.xmit = uvs_pktsock_xmit,
	.drops = ring_drops,
};

const struct uvs_capture_ops uvs_capture_ring_v3_ops = {
	.name = "ring-v3",
	.open = ring_v3_open,
	.close = ring_close,
	.burst = ring_burst,
	.release = ring_release,
	.xmit = uvs_pktsock_xmit,
	.drops = ring_drops,
};
