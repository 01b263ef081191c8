/*
 * RFC 1071 checksums for frames that left their sender unfinished
 * (csum.h). The sum runs 32 bits at a time into a 64-bit accumulator,
 * folded once at the end: a 1500-byte segment costs some 400 additions,
 * paid only by frames that arrived partial and are sent on.
 */
#include <endian.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "fwd/data/csum.h"

#define ETH_HLEN_	14
#define ETH_P_IP_	0x0800
#define IP_MF_OFF	0x3fff	/* more-fragments flag and offset */
#define TCP_CSUM_OFF	16	/* RFC 793 */
#define UDP_CSUM_OFF	6	/* RFC 768 */

static uint16_t
fold(uint64_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* Sums big-endian 16-bit words; an odd last byte is padded with zero. */
static uint64_t
sum_bytes(const uint8_t *p, size_t len, uint64_t s)
{
	uint32_t w;

	for (; len >= 4; p += 4, len -= 4) {
		memcpy(&w, p, 4);
		s += be32toh(w);
	}
	if (len >= 2) {
		s += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		s += (uint32_t)p[0] << 8;
	return s;
}

uint16_t
uvs_csum_fold_sum(const uint8_t *buf, size_t len, uint32_t seed)
{
	return fold(sum_bytes(buf, len, seed));
}

int
uvs_csum_partial(const uint8_t *frame, size_t len, struct virtio_net_hdr *vh)
{
	const uint8_t *ip = frame + ETH_HLEN_;
	size_t ihl, l4len, off;
	uint16_t tot, field;
	uint64_t s;

	if (len < ETH_HLEN_ + 20 ||
	    ((uint32_t)frame[12] << 8 | frame[13]) != ETH_P_IP_ ||
	    (ip[0] >> 4) != 4)
		return 0;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	tot = (uint16_t)(ip[2] << 8 | ip[3]);
	if (ihl < 20 || tot < ihl || ETH_HLEN_ + (size_t)tot > len ||
	    ((ip[6] << 8 | ip[7]) & IP_MF_OFF))
		return 0;
	l4len = tot - ihl;
	if (ip[9] == IPPROTO_TCP && l4len >= 20)
		off = TCP_CSUM_OFF;
	else if (ip[9] == IPPROTO_UDP && l4len >= 8)
		off = UDP_CSUM_OFF;
	else
		return 0;
	/* pseudo header: source, destination, zero, protocol, L4 length */
	s = sum_bytes(ip + 12, 8, 0) + ip[9] + l4len;
	field = (uint16_t)(ip[ihl + off] << 8 | ip[ihl + off + 1]);
	if (field != fold(s))
		return 0;
	memset(vh, 0, sizeof(*vh));
	vh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh->csum_start = htole16((uint16_t)(ETH_HLEN_ + ihl));
	vh->csum_offset = htole16((uint16_t)off);
	return 1;
}

int
uvs_csum_finish(uint8_t *frame, size_t len, const struct virtio_net_hdr *vh)
{
	size_t start = le16toh(vh->csum_start);
	size_t at = start + le16toh(vh->csum_offset);
	uint16_t c;

	if (!(vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
		return 0;
	if (start > len || at + 2 > len)
		return -EINVAL;
	/* the field holds the pseudo-header sum: it is summed with the rest */
	c = (uint16_t)~uvs_csum_fold_sum(frame + start, len - start, 0);
	/* 0 means "no checksum" to UDP; 0xffff is the same sum */
	if (c == 0)
		c = 0xffff;
	frame[at] = (uint8_t)(c >> 8);
	frame[at + 1] = (uint8_t)c;
	return 0;
}
