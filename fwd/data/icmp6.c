/*
 * ICMPv6 Packet Too Big (RFC 4443 3.2): type 2, code 0, the MTU in the
 * four bytes after the checksum, then the start of the packet that did
 * not fit. The checksum covers a pseudo-header (RFC 8200 8.1).
 */
#include <net/ethernet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <string.h>

#include "fwd/data/csum.h"
#include "fwd/data/icmp6.h"

#define IP6_HLEN	40
#define ICMP6_HLEN	8
#define PTB_HOPLIMIT	64	/* Linux's default for its own ICMPv6 */

static void
wr16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

int
uvs_icmp6_fits(const uint8_t *frame, size_t len, uint32_t mtu, int gso)
{
	const uint8_t *ip = frame + ETH_HLEN;

	if (!mtu || gso || len < ETH_HLEN + IP6_HLEN)
		return 1;
	return IP6_HLEN + (uint32_t)(ip[4] << 8 | ip[5]) <= mtu;
}

size_t
uvs_icmp6_too_big(uint8_t *out, size_t max, const uint8_t *frame,
    size_t len, uint32_t mtu)
{
	const uint8_t *ip = frame + ETH_HLEN;
	uint8_t *oip = out + ETH_HLEN, *m = oip + IP6_HLEN;
	size_t quote = len - ETH_HLEN, room = max - ETH_HLEN - IP6_HLEN -
	    ICMP6_HLEN, mlen;
	uint16_t sum;

	if (quote > room)
		quote = room;
	if (mtu < UVS_IPV6_MIN_MTU)
		mtu = UVS_IPV6_MIN_MTU;
	mlen = ICMP6_HLEN + quote;
	memcpy(out, frame + 6, 6);
	memcpy(out + 6, frame, 6);
	wr16(out + 12, ETHERTYPE_IPV6);
	memset(oip, 0, IP6_HLEN + ICMP6_HLEN);
	oip[0] = 0x60;
	wr16(oip + 4, (uint32_t)mlen);
	oip[6] = IPPROTO_ICMPV6;
	oip[7] = PTB_HOPLIMIT;
	memcpy(oip + 8, ip + 24, 16);	/* from the VIP */
	memcpy(oip + 24, ip + 8, 16);	/* to the client */
	m[0] = ICMP6_PACKET_TOO_BIG;
	m[4] = (uint8_t)(mtu >> 24);
	m[5] = (uint8_t)(mtu >> 16);
	wr16(m + 6, mtu);
	memcpy(m + ICMP6_HLEN, ip, quote);
	sum = uvs_csum_fold_sum(oip + 8, 32, (uint32_t)mlen + IPPROTO_ICMPV6);
	wr16(m + 2, (uint16_t)~uvs_csum_fold_sum(m, mlen, sum));
	return ETH_HLEN + IP6_HLEN + mlen;
}
