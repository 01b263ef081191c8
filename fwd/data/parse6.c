/*
 * The IPv6 half of the frame parser. After the fixed 40-byte header comes
 * a chain of extension headers, each naming the next, walked here up to
 * UVS_PARSE6_MAX_EXT of them: hop-by-hop (only first, RFC 8200 4.1) and
 * destination options (their TLVs must fit), a routing header (served
 * only with no segments left: one still to visit means the packet is
 * not ours alone, and Linux drops RH0 outright), a fragment header (the
 * first fragment carries the ports, later ones only the 32-bit id; an
 * atomic fragment, offset 0 and no more, is a whole packet, RFC 6946).
 * Then TCP or UDP as for IPv4, or ICMPv6: the errors ip_vs_in_icmp_v6
 * forwards (unreachable, packet too big, time exceeded, parameter
 * problem) about a reply VIP:vport -> client:cport, and Neighbor
 * Solicitations, checked as RFC 4861 7.1.1 asks a receiver to.
 * There is no IPv6 header checksum; ICMPv6's covers a pseudo-header.
 */
#include <net/ethernet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip6.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <string.h>

#include "fwd/data/csum.h"
#include "fwd/data/parse.h"
#include "fwd/data/parse_l4.h"

#define IP6_HLEN	40
#define EXT_MIN		8	/* every extension header: 8-byte units */
#define FRAG_HLEN	8
#define IP6_MAXPAYLOAD	65535	/* without a jumbo option */
#define ICMP6_HLEN	8	/* type, code, checksum, 4 bytes of rest */
#define QUOTED_L4	4	/* the quoted packet's ports, at least */
#define NS_LEN		24	/* header, reserved, 16-byte target */
#define NDP_HOPLIMIT	255	/* RFC 4861: proves the sender is on-link */
#define NDP_OPT_SLLA	1	/* source link-layer address option */
#define OPT_PAD1	0	/* the one option with no length byte */
#define FRAG_OFFMASK	0xfff8
#define FRAG_MORE	0x0001

/* Where the walk of a chain ended, and what it passed. */
struct chain {
	uint8_t		 proto;		/* upper-layer protocol */
	size_t		 off;		/* its header, from the IPv6 header */
	int		 frag;		/* a fragment header was seen */
	uint16_t	 frag_word;	/* its offset and M flag, host order */
	uint32_t	 frag_id;	/* network order */
};

/* Option TLVs of a hop-by-hop or destination options header must fit. */
static enum uvs_drop
check_tlvs(const uint8_t *o, size_t len)
{
	size_t i = 2;

	while (i < len) {
		if (o[i] == OPT_PAD1) {
			i++;
			continue;
		}
		if (i + 2 > len || (size_t)o[i + 1] + 2 > len - i)
			return UVS_DROP_IP6_EXT;
		i += (size_t)o[i + 1] + 2;
	}
	return UVS_DROP_NONE;
}

/*
 * Walks the extension headers from nh at off (within len bytes of the
 * packet) to the upper-layer header. A later fragment stops the walk
 * at its fragment header: what follows is not a header.
 */
static enum uvs_drop
walk_chain(const uint8_t *ip, size_t len, uint8_t nh, struct chain *c)
{
	size_t off = IP6_HLEN, hlen;
	unsigned n;
	enum uvs_drop why;

	c->frag = 0;
	for (n = 0; n <= UVS_PARSE6_MAX_EXT; n++) {
		switch (nh) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_DSTOPTS:
		case IPPROTO_ROUTING:
			if (nh == IPPROTO_HOPOPTS && off != IP6_HLEN)
				return UVS_DROP_IP6_EXT;
			if (len - off < EXT_MIN)
				return UVS_DROP_IP6_EXT;
			hlen = ((size_t)ip[off + 1] + 1) * 8;
			if (hlen > len - off)
				return UVS_DROP_IP6_EXT;
			if (nh == IPPROTO_ROUTING && ip[off + 3] != 0)
				return UVS_DROP_IP6_ROUTING;
			if (nh != IPPROTO_ROUTING &&
			    (why = check_tlvs(ip + off, hlen)) != UVS_DROP_NONE)
				return why;
			break;
		case IPPROTO_FRAGMENT:
			if (c->frag || len - off < FRAG_HLEN)
				return UVS_DROP_IP6_EXT;
			hlen = FRAG_HLEN;
			c->frag_word = uvs_rd16(ip + off + 2);
			memcpy(&c->frag_id, ip + off + 4, 4);
			/* an atomic fragment is a whole packet (RFC 6946) */
			c->frag = (c->frag_word & (FRAG_OFFMASK | FRAG_MORE)) != 0;
			if (c->frag && (c->frag_word & FRAG_OFFMASK)) {
				c->proto = ip[off];
				c->off = off + hlen;
				return UVS_DROP_NONE;
			}
			break;
		default:
			c->proto = nh;
			c->off = off;
			return UVS_DROP_NONE;
		}
		nh = ip[off];
		off += hlen;
	}
	return UVS_DROP_IP6_CHAIN;
}

/* The flow's addresses: client src, VIP dst (network order). */
static void
set_addrs(struct uvs_pkt *pkt, const uint8_t *src, const uint8_t *dst)
{
	pkt->flow.af = AF_INET6;
	memcpy(pkt->flow.caddr.b, src, 16);
	memcpy(pkt->flow.vaddr.b, dst, 16);
}

/* The ICMPv6 checksum over msg (len bytes) and its pseudo-header. */
static uint16_t
icmp6_sum(const uint8_t *ip, const uint8_t *msg, size_t len)
{
	uint32_t seed = (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) +
	    IPPROTO_ICMPV6;
	uint16_t addrs = uvs_csum_fold_sum(ip + 8, 32, seed);

	return (uint16_t)~uvs_csum_fold_sum(msg, len, addrs);
}

/*
 * Fragment fields, with IPv4's rules (parse.c): within the largest
 * datagram, a non-last piece a multiple of 8 bytes and not empty, no
 * TCP piece at offset 8 (RFC 1858).
 */
static enum uvs_drop
set_frag(const struct chain *c, size_t end, struct uvs_pkt *pkt)
{
	pkt->frag = (uint8_t)c->frag;
	pkt->frag_more = c->frag && (c->frag_word & FRAG_MORE);
	pkt->frag_off = c->frag ? (uint32_t)(c->frag_word & FRAG_OFFMASK) : 0;
	pkt->frag_len = (uint16_t)(end - c->off);
	pkt->ip6_id = c->frag ? c->frag_id : 0;
	if (!c->frag)
		return UVS_DROP_NONE;
	if (pkt->frag_off + (end - c->off) > IP6_MAXPAYLOAD)
		return UVS_DROP_IP_FRAG;
	if (pkt->frag_more && (pkt->frag_len == 0 || pkt->frag_len % 8))
		return UVS_DROP_IP_FRAG;
	if (c->proto == IPPROTO_TCP && pkt->frag_off == 8)
		return UVS_DROP_IP_FRAG;
	return UVS_DROP_NONE;
}

/*
 * Options of an NS: each a whole number of 8-byte units, none empty
 * (RFC 4861 7.1.1); a source link-layer address is kept, and must not
 * come from the unspecified address (a DAD probe has none to give).
 */
static enum uvs_drop
parse_ns_opts(const uint8_t *o, size_t len, int from_any,
    struct uvs_pkt *pkt)
{
	size_t olen;

	while (len > 0) {
		if (len < 2 || o[1] == 0 || (olen = (size_t)o[1] * 8) > len)
			return UVS_DROP_NDP_BAD;
		if (o[0] == NDP_OPT_SLLA) {
			if (from_any || olen < 2 + ETH_ALEN)
				return UVS_DROP_NDP_BAD;
			memcpy(pkt->ns_sll, o + 2, ETH_ALEN);
			pkt->ns_has_sll = 1;
		}
		o += olen;
		len -= olen;
	}
	return UVS_DROP_NONE;
}

/* Is a the solicited-node group ff02::1:ffXX:XXXX (RFC 4291 2.7.1)? */
static int
solicited_node(const uint8_t *a)
{
	static const uint8_t prefix[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 0x01, 0xff };

	return memcmp(a, prefix, sizeof(prefix)) == 0;
}

static enum uvs_drop
parse_ns(const uint8_t *ip, const uint8_t *ic, size_t len,
    struct uvs_pkt *pkt)
{
	static const uint8_t any[16];
	int from_any = memcmp(ip + 8, any, 16) == 0;

	pkt->ns_has_sll = 0;
	if (ip[7] != NDP_HOPLIMIT || ic[1] != 0 || len < NS_LEN ||
	    ic[8] == 0xff)
		return UVS_DROP_NDP_BAD;
	if (from_any && !solicited_node(ip + 24))
		return UVS_DROP_NDP_BAD;
	if (icmp6_sum(ip, ic, len) != 0)
		return UVS_DROP_NDP_BAD;
	if (parse_ns_opts(ic + NS_LEN, len - NS_LEN, from_any, pkt) !=
	    UVS_DROP_NONE)
		return UVS_DROP_NDP_BAD;
	memcpy(pkt->ns_target.b, ic + 8, 16);
	set_addrs(pkt, ip + 8, ip + 24);
	pkt->kind = UVS_PKT_NS;
	return UVS_DROP_NONE;
}

static int
icmp6_error_type(uint8_t t)
{
	return t == ICMP6_DST_UNREACH || t == ICMP6_PACKET_TOO_BIG ||
	    t == ICMP6_TIME_EXCEEDED || t == ICMP6_PARAM_PROB;
}

/*
 * An ICMPv6 error about a packet the real server sent for one of our
 * flows: the quoted packet reads VIP:vport -> client:cport (its own
 * chain walked too), so the flow's key is its reverse.
 */
static enum uvs_drop
parse_icmp6_err(const uint8_t *ip, const uint8_t *ic, size_t len,
    struct uvs_pkt *pkt)
{
	const uint8_t *q = ic + ICMP6_HLEN;
	size_t qlen = len - ICMP6_HLEN;
	struct chain c;

	if (qlen < IP6_HLEN || q[0] >> 4 != 6)
		return UVS_DROP_ICMP_QUOTE;
	if (walk_chain(q, qlen, q[6], &c) != UVS_DROP_NONE ||
	    (c.frag && (c.frag_word & FRAG_OFFMASK)) ||
	    (c.proto != IPPROTO_TCP && c.proto != IPPROTO_UDP) ||
	    qlen - c.off < QUOTED_L4)
		return UVS_DROP_ICMP_QUOTE;
	if (icmp6_sum(ip, ic, len) != 0)
		return UVS_DROP_ICMP_CSUM;
	pkt->kind = UVS_PKT_ICMP_ERR;
	pkt->icmp_type = ic[0];
	pkt->icmp_code = ic[1];
	pkt->flow.proto = c.proto;
	set_addrs(pkt, q + 24, q + 8);
	memcpy(&pkt->flow.vport, q + c.off, 2);
	memcpy(&pkt->flow.cport, q + c.off + 2, 2);
	pkt->tcp_flags = 0;
	return UVS_DROP_NONE;
}

static enum uvs_drop
parse_icmp6(const uint8_t *ip, const uint8_t *ic, size_t len,
    struct uvs_pkt *pkt)
{
	/* IPVS does not forward fragmented ICMPv6; NDP never is (RFC 6980) */
	if (pkt->frag)
		return UVS_DROP_IP_FRAG;
	if (len < ICMP6_HLEN)
		return UVS_DROP_L4_SHORT;
	if (ic[0] == ND_NEIGHBOR_SOLICIT)
		return parse_ns(ip, ic, len, pkt);
	if (!icmp6_error_type(ic[0]))
		return UVS_DROP_ICMP_TYPE;
	return parse_icmp6_err(ip, ic, len, pkt);
}

enum uvs_drop
uvs_parse_ipv6(const uint8_t *ip, size_t len, struct uvs_pkt *pkt)
{
	size_t end;
	struct chain c;
	enum uvs_drop why;

	if (len < IP6_HLEN || ip[0] >> 4 != 6)
		return UVS_DROP_IP6_BAD;
	end = IP6_HLEN + uvs_rd16(ip + 4);
	if (end == IP6_HLEN || end > len)
		return UVS_DROP_IP6_BAD;
	if ((why = walk_chain(ip, end, ip[6], &c)) != UVS_DROP_NONE)
		return why;
	if ((why = set_frag(&c, end, pkt)) != UVS_DROP_NONE)
		return why;

	pkt->kind = UVS_PKT_IP;
	pkt->ip_len = (uint32_t)end;
	pkt->ip_id = 0;
	pkt->flow.proto = c.proto;
	set_addrs(pkt, ip + 8, ip + 24);
	if (pkt->frag_off) {
		if (c.proto != IPPROTO_TCP && c.proto != IPPROTO_UDP)
			return UVS_DROP_IP_PROTO;
		pkt->kind = UVS_PKT_FRAG;
		pkt->tcp_flags = 0;
		return UVS_DROP_NONE;
	}
	switch (c.proto) {
	case IPPROTO_TCP:
		return uvs_parse_tcp(ip + c.off, end - c.off, pkt);
	case IPPROTO_UDP:
		return uvs_parse_udp(ip + c.off, end - c.off, pkt);
	case IPPROTO_ICMPV6:
		return parse_icmp6(ip, ip + c.off, end - c.off, pkt);
	default:
		return UVS_DROP_IP_PROTO;
	}
}
