/*
 * One burst through the director. Every frame taken is counted once:
 * in rx_frames when it gets as far as the buffer check or parsing
 * (forward.c counts those), or only in its drop reason when it is a runt
 * without a vnet header or a frame the link delivered for another host,
 * both dropped before parsing. Frames that could not be sent (device
 * queue full) are counted as send drops.
 */
#include <linux/if_packet.h>
#include <string.h>

#include "arp/ndp.h"
#include "fwd/data/pktloop.h"

/*
 * The answer leaves on the link the question came from: with the tag the
 * kernel took off the request put back after the MAC addresses.
 */
static void
send_arp_reply(struct uvs_pktloop *l, const struct uvs_frame *f)
{
	uint8_t buf[UVS_VNET_HLEN + UVS_VLAN_HLEN + UVS_ARP_FRAME_LEN] = { 0 };
	uint8_t *a = buf + UVS_VNET_HLEN;
	size_t len = UVS_VNET_HLEN + UVS_ARP_FRAME_LEN;

	if (f->vlan_valid) {
		memcpy(a, l->fw->arp_reply, 12);
		a[12] = UVS_ETH_P_8021Q >> 8;
		a[13] = UVS_ETH_P_8021Q & 0xff;
		a[14] = (uint8_t)(f->vlan_tci >> 8);
		a[15] = (uint8_t)f->vlan_tci;
		memcpy(a + 16, l->fw->arp_reply + 12, UVS_ARP_FRAME_LEN - 12);
		len += UVS_VLAN_HLEN;
	} else {
		memcpy(a, l->fw->arp_reply, UVS_ARP_FRAME_LEN);
	}
	if (l->mac) {	/* the VIP is-at this link's MAC, from this link */
		memcpy(a + 6, l->mac, 6);
		memcpy(a + UVS_ARP_OFF + 8 + (f->vlan_valid ? UVS_VLAN_HLEN :
		    0), l->mac, 6);
	}
	if (uvs_capture_send(l->cap, buf, len) < 0)
		l->fw->stats.drops[UVS_DROP_SEND]++;
	else if (l->on_arp_reply)
		l->on_arp_reply(l->arg, l->fw);
}

/*
 * The NA for fw->ns, from this link's MAC, on the link (and VLAN) the
 * NS came from. Built here, not in forward.c: the MAC is in the NA's
 * option and under its checksum.
 */
static void
send_na(struct uvs_pktloop *l, const struct uvs_frame *f)
{
	uint8_t na[UVS_NA_FRAME_LEN];
	uint8_t buf[UVS_VNET_HLEN + UVS_VLAN_HLEN + UVS_NA_FRAME_LEN] = { 0 };
	uint8_t *a = buf + UVS_VNET_HLEN;
	size_t len = UVS_VNET_HLEN + UVS_NA_FRAME_LEN;
	const struct uvs_fwd_ns *ns = &l->fw->ns;

	uvs_ndp_na_answer(na, l->mac ? l->mac : l->fw->mac, &ns->target,
	    &ns->src, ns->mac);
	if (f->vlan_valid) {
		memcpy(a, na, 12);
		a[12] = UVS_ETH_P_8021Q >> 8;
		a[13] = UVS_ETH_P_8021Q & 0xff;
		a[14] = (uint8_t)(f->vlan_tci >> 8);
		a[15] = (uint8_t)f->vlan_tci;
		memcpy(a + 16, na + 12, UVS_NA_FRAME_LEN - 12);
		len += UVS_VLAN_HLEN;
	} else {
		memcpy(a, na, UVS_NA_FRAME_LEN);
	}
	if (uvs_capture_send(l->cap, buf, len) < 0)
		l->fw->stats.drops[UVS_DROP_SEND]++;
}

/* An ICMP error for the frame's sender goes back out of this link now. */
static void
send_icmp(struct uvs_pktloop *l)
{
	uint8_t buf[UVS_VNET_HLEN + UVS_TUN_ICMP_MAX] = { 0 };

	memcpy(buf + UVS_VNET_HLEN, l->fw->icmp, l->fw->icmp_len);
	if (uvs_capture_send(l->cap, buf, UVS_VNET_HLEN + l->fw->icmp_len) < 0)
		l->fw->stats.drops[UVS_DROP_SEND]++;
}

/* Tunnel mode: wrap the frame (each of its segments, if GSO) and queue. */
static void
forward_tunnel(struct uvs_pktloop *l, const struct uvs_frame *f)
{
	const struct virtio_net_hdr *vh = (const void *)f->buf;
	struct uvs_fwd_stats *st = &l->fw->stats;
	unsigned n = uvs_tun_npkts(vh, f->buf + UVS_VNET_HLEN,
	    f->len - UVS_VNET_HLEN);

	st->tun_gso_frames += vh->gso_type != VIRTIO_NET_HDR_GSO_NONE;
	st->tun_packets += n;
	st->drops[UVS_DROP_SEND] += uvs_tunq_frame(&l->tunq, l->cap,
	    l->fw->out_dest, f->buf, f->len);
}

/* Early fragments the frame just forwarded released follow it. */
static void
queue_held(struct uvs_pktloop *l, const struct uvs_frame *f)
{
	uint8_t *buf;
	size_t len;
	uint16_t tci;

	while ((buf = uvs_fwd_next_held(l->fw, &len, &tci)))
		uvs_capture_queue_vlan(l->cap, buf, len, f->vlan_valid, tci);
}

/*
 * Is f a frame to parse? Truncated ones, runts without a vnet header
 * and frames the link delivered for another host are not (handle_frame
 * counts them).
 */
static int
frame_ours(const struct uvs_frame *f)
{
	return !f->truncated && f->len >= UVS_VNET_HLEN &&
	    f->pkttype != PACKET_OTHERHOST;
}

static void
handle_frame(struct uvs_pktloop *l, const struct uvs_frame *f,
    const struct uvs_fwd_pre *pre, uint32_t now)
{
	struct uvs_fwd *fw = l->fw;

	uvs_capture_seen(l->cap, f);
	fw->stats.rx_copied += f->copied;
	if (f->truncated) {
		fw->stats.rx_frames++;
		fw->stats.drops[UVS_DROP_TRUNC]++;
		return;
	}
	if (f->len < UVS_VNET_HLEN) {
		fw->stats.drops[UVS_DROP_RUNT]++;
		return;
	}
	/* only frames sent to us (or ARP broadcasts) are ours to handle */
	if (f->pkttype == PACKET_OTHERHOST) {
		fw->stats.drops[UVS_DROP_NOT_HOST]++;
		return;
	}
	fw->rx_vnet = (const struct virtio_net_hdr *)f->buf;
	switch (uvs_fwd_decide(fw, f->buf + UVS_VNET_HLEN,
	    f->len - UVS_VNET_HLEN, f->vlan_valid ? UVS_FWD_TAGGED |
	    f->vlan_tci : 0, pre, now)) {
	case UVS_FORWARD:
		if (fw->out_dest->fwd == UVS_FWD_TUNNEL)
			forward_tunnel(l, f);
		else
			uvs_capture_queue_on(l->cap, f->buf, f->len,
			    fw->out_ifindex, f->vlan_valid, f->vlan_tci);
		queue_held(l, f);
		break;
	case UVS_ICMP:
		send_icmp(l);
		break;
	case UVS_REPLY:
		send_arp_reply(l, f);
		break;
	case UVS_REPLY_NA:
		send_na(l, f);
		break;
	default:
		break;
	}
}

/*
 * The burst is decided in stages (forward.h): all frames parsed and
 * their buckets fetched, then their entries, then each decided in
 * order, so the table's cache misses overlap instead of queueing.
 */
int
uvs_pktloop_burst(struct uvs_pktloop *l, uint32_t now)
{
	struct uvs_frame f[UVS_BURST];
	struct uvs_fwd_pre pre[UVS_BURST];
	int i, n;

	if ((n = uvs_capture_burst(l->cap, f, UVS_BURST)) <= 0)
		return n;
	for (i = 0; i < n; i++)
		if (frame_ours(&f[i]))
			uvs_fwd_prepare(l->fw, f[i].buf + UVS_VNET_HLEN,
			    f[i].len - UVS_VNET_HLEN, now, &pre[i]);
	for (i = 0; i < n; i++)
		if (frame_ours(&f[i]))
			uvs_fwd_prefetch(l->fw, &pre[i]);
	for (i = 0; i < n; i++)
		handle_frame(l, &f[i], &pre[i], now);
	l->fw->stats.drops[UVS_DROP_SEND] += uvs_capture_flush(l->cap) +
	    uvs_tunq_flush(&l->tunq, l->cap);
	uvs_fwd_burst_done(l->fw);
	uvs_capture_release(l->cap);
	return n;
}
