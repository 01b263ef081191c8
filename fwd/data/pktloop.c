/*
 * One burst through the director. Every frame taken is counted, whatever
 * its fate; frames that did not fit the buffer, and frames the link
 * delivered for another host, are dropped before parsing. Frames that
 * could not be sent (device queue full) are counted as send drops.
 */
#include <linux/if_packet.h>
#include <string.h>

#include "fwd/data/pktloop.h"

static void
send_arp_reply(struct uvs_pktloop *l)
{
	uint8_t buf[UVS_VNET_HLEN + UVS_ARP_FRAME_LEN] = { 0 };

	memcpy(buf + UVS_VNET_HLEN, l->fw->arp_reply, UVS_ARP_FRAME_LEN);
	if (uvs_capture_send(l->cap, buf, sizeof(buf)) < 0)
		l->fw->stats.drops[UVS_DROP_SEND]++;
	else if (l->on_arp_reply)
		l->on_arp_reply(l->arg, l->fw);
}

static void
handle_frame(struct uvs_pktloop *l, const struct uvs_frame *f, uint32_t now)
{
	struct uvs_fwd *fw = l->fw;

	uvs_capture_seen(l->cap, f);
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
	switch (uvs_fwd_frame(fw, f->buf + UVS_VNET_HLEN,
	    f->len - UVS_VNET_HLEN, now)) {
	case UVS_FORWARD:
		uvs_capture_queue(l->cap, f->buf, f->len);
		break;
	case UVS_REPLY:
		send_arp_reply(l);
		break;
	default:
		break;
	}
}

int
uvs_pktloop_burst(struct uvs_pktloop *l, uint32_t now)
{
	struct uvs_frame f[UVS_BURST];
	int i, n;

	if ((n = uvs_capture_burst(l->cap, f, UVS_BURST)) <= 0)
		return n;
	for (i = 0; i < n; i++)
		handle_frame(l, &f[i], now);
	l->fw->stats.drops[UVS_DROP_SEND] += uvs_capture_flush(l->cap);
	uvs_capture_release(l->cap);
	return n;
}
