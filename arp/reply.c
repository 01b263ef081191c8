/*
 * ARP frames the director sends: replies "VIP is-at <director MAC>" and
 * gratuitous announcements. libnet builds them (on the control path,
 * where its allocations are harmless); answering a request then only
 * patches a copy of the built frame, so the packet loop allocates nothing.
 */
#include <libnet.h>
#include <string.h>

#include "arp.h"


int
uvs_arp_build(const char *ifname, uint16_t op, const uint8_t eth_dst[6],
    const uint8_t sha[6], uint32_t spa, const uint8_t tha[6], uint32_t tpa,
    uint8_t out[UVS_ARP_FRAME_LEN], char *err, size_t errlen)
{
	char ebuf[LIBNET_ERRBUF_SIZE];
	libnet_t *l;
	uint8_t *pkt = NULL;
	uint32_t len = 0;
	int rc = -1;

	/* LINK_ADV is the mode in which libnet hands the frame back to us */
	if (!(l = libnet_init(LIBNET_LINK_ADV, ifname, ebuf))) {
		snprintf(err, errlen, "libnet: %s", ebuf);
		return -1;
	}
	if (libnet_build_arp(ARPHRD_ETHER, ETHERTYPE_IP, 6, 4, op, sha,
	    (uint8_t *)&spa, tha, (uint8_t *)&tpa, NULL, 0, l, 0) < 0 ||
	    libnet_build_ethernet(eth_dst, sha, ETHERTYPE_ARP, NULL, 0, l,
	    0) < 0 ||
	    libnet_adv_cull_packet(l, &pkt, &len) < 0) {
		snprintf(err, errlen, "libnet: %s", libnet_geterror(l));
		goto out;
	}
	if (len != UVS_ARP_FRAME_LEN) {
		snprintf(err, errlen, "libnet built %u bytes, want %d", len,
		    UVS_ARP_FRAME_LEN);
		goto out;
	}
	memcpy(out, pkt, len);
	rc = 0;
out:
	if (pkt)
		libnet_adv_free_packet(l, pkt);
	libnet_destroy(l);
	return rc;
}

void
uvs_arp_reply_fill(uint8_t frame[UVS_ARP_FRAME_LEN], uint32_t spa,
    const uint8_t tha[6], uint32_t tpa)
{
	memcpy(frame, tha, 6);	/* Ethernet destination */
	memcpy(frame + UVS_ARP_OFF_SPA, &spa, 4);
	memcpy(frame + UVS_ARP_OFF_THA, tha, 6);
	memcpy(frame + UVS_ARP_OFF_TPA, &tpa, 4);
}
