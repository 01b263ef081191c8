/*
 * Encapsulation for tunnel mode (tunnel.h), following IPVS's
 * ip_vs_tunnel_xmit, ipvs_gue_encap and ipvs_gre_encap: outer IPv4 from
 * the route's source to the real server, TOS and TTL of the inner packet
 * (ECN as INET_ECN_encapsulate), DF copied from it (IPVS's pmtu_disc,
 * on by default); GUE in UDP to the dest's port from a source port that
 * hashes the inner flow (udp_flow_src_port), with a UDP checksum only
 * when asked (--tun-csum, or --tun-remcsum, whose option IPVS adds only
 * to packets whose checksum is still partial, which ours never are);
 * GRE version 0 carrying 0x0800, with its checksum when asked.
 *
 * All multi-byte fields are written byte by byte in network order; sums
 * are RFC 1071 one's complement sums over big-endian 16-bit words.
 */
#include <net/ethernet.h>
#include <netinet/in.h>
#include <string.h>

#include "fwd/data/tunnel.h"

#define ETH_HLEN	14
#define IP_HLEN		20
#define UDP_HLEN	8
#define GUE_HLEN	4
#define GRE_HLEN	4
#define GRE_CSUM_LEN	4
#define GRE_F_CSUM	0x8000
#define IP_DF_BIT	0x4000
#define TH_FIN_BIT	0x01
#define TH_PSH_BIT	0x08
#define TH_CWR_BIT	0x80
#define ECN_MASK	0x03
#define ECN_CE		0x03
#define ECN_ECT0	0x02
/* Linux's default ip_local_port_range, which udp_flow_src_port spreads
   GUE source ports over */
#define SPORT_MIN	32768
#define SPORT_MAX	60999
/* Linux's icmp_send: errors carry the IP precedence of network control */
#define ICMP_TOS	0xc0
#define ICMP_TTL	64

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint64_t
sum_words(const uint8_t *p, size_t len, uint64_t sum)
{
	while (len > 1) {
		sum += (uint32_t)(p[0] << 8 | p[1]);
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t
fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint16_t
uvs_tun_csum(const void *p, size_t len, uint32_t sum)
{
	return fold(sum_words(p, len, sum));
}

/* The pseudo-header of RFC 793/768: addresses, protocol, length. */
static uint64_t
pseudo(const uint8_t *src, const uint8_t *dst, uint8_t proto, size_t len)
{
	uint64_t sum = sum_words(src, 4, 0);

	sum = sum_words(dst, 4, sum);
	return sum + proto + (uint32_t)len;
}

static unsigned
tun_hlen(const struct uvs_dest *d)
{
	switch (d->tun_type) {
	case UVS_TUN_GUE:
		return UDP_HLEN + GUE_HLEN;
	case UVS_TUN_GRE:
		return GRE_HLEN + (d->tun_flags & UVS_TUN_F_CSUM ?
		    GRE_CSUM_LEN : 0);
	}
	return 0;
}

unsigned
uvs_tun_overhead(const struct uvs_dest *d)
{
	return IP_HLEN + tun_hlen(d);
}

/* The inner packet's layout, as parse.c already checked it. */
struct inner {
	const uint8_t	*ip;
	size_t		 ip_len;	/* of the packet (GSO: all of it) */
	size_t		 hdrs;		/* IP + TCP headers (GSO only) */
	size_t		 payload;	/* bytes after them (GSO only) */
	int		 gso;
};

static int
is_tcp_gso(const struct virtio_net_hdr *vh)
{
	return (vh->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) ==
	    VIRTIO_NET_HDR_GSO_TCPV4 && vh->gso_size;
}

static void
inner_of(const struct virtio_net_hdr *vh, const uint8_t *frame, size_t len,
    struct inner *in)
{
	const uint8_t *ip = frame + ETH_HLEN;
	size_t avail = len - ETH_HLEN, ihl = (size_t)(ip[0] & 15) * 4;

	memset(in, 0, sizeof(*in));
	in->ip = ip;
	in->ip_len = get16(ip + 2);
	if (in->ip_len > avail)
		in->ip_len = avail;
	if (!is_tcp_gso(vh))
		return;
	in->gso = 1;
	in->ip_len = avail;	/* a GSO frame's total length may be stale */
	in->hdrs = ihl + (size_t)(ip[ihl + 12] >> 4) * 4;
	in->payload = in->hdrs < avail ? avail - in->hdrs : 0;
}

/* Payload bytes per outer fragment: the MTU less IPv4, in 8-byte units. */
static size_t
frag_room(const struct uvs_dest *d)
{
	return d->mtu > IP_HLEN ? ((d->mtu - IP_HLEN) / 8) * 8 : 0;
}

enum uvs_tun_fit
uvs_tun_fit(const struct uvs_dest *d, const struct virtio_net_hdr *vh,
    const uint8_t *frame, size_t len, uint16_t *mtu)
{
	struct inner in;
	unsigned over = uvs_tun_overhead(d);
	size_t need;
	int df;

	*mtu = d->mtu > over ? (uint16_t)(d->mtu - over) : 0;
	if (vh->gso_type != VIRTIO_NET_HDR_GSO_NONE && !is_tcp_gso(vh))
		return UVS_TUN_BAD_GSO;
	inner_of(vh, frame, len, &in);
	need = in.gso ? in.hdrs + vh->gso_size : in.ip_len;
	if (!d->mtu || need <= *mtu)
		return UVS_TUN_FITS;
	df = get16(in.ip + 6) & IP_DF_BIT;
	if (df)
		return UVS_TUN_TOOBIG;
	/* the first fragment carries the tunnel and inner headers whole */
	return frag_room(d) > tun_hlen(d) + (in.gso ? in.hdrs : 0) ?
	    UVS_TUN_FITS : UVS_TUN_NEEDS_FRAG;
}

void
uvs_tun_csum_finish(uint8_t *frame, size_t len,
    const struct virtio_net_hdr *vh)
{
	size_t start = vh->csum_start, at = start + vh->csum_offset, end;
	struct inner in;
	uint16_t c;

	if (!(vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) || is_tcp_gso(vh))
		return;
	inner_of(vh, frame, len, &in);
	end = ETH_HLEN + in.ip_len;
	if (start >= end || at + 2 > end)
		return;		/* nonsense offsets: leave the bytes alone */
	/* the field holds the pseudo-header's sum: it is summed with the rest */
	c = (uint16_t)~uvs_tun_csum(frame + start, end - start, 0);
	if (c == 0 && in.ip[9] == IPPROTO_UDP)
		c = 0xffff;	/* 0 would mean "no checksum" */
	put16(frame + at, c);
}

unsigned
uvs_tun_npkts(const struct virtio_net_hdr *vh, const uint8_t *frame,
    size_t len)
{
	struct inner in;

	inner_of(vh, frame, len, &in);
	if (!in.gso || in.payload == 0)
		return 1;
	return (unsigned)((in.payload + vh->gso_size - 1) / vh->gso_size);
}

/*
 * Segment k of a TCP GSO frame: its IP and TCP headers into out, as the
 * kernel's tcp_gso_segment makes them (sequence advanced, IP id counted
 * up, FIN and PSH on the last segment only, CWR on the first only).
 * Returns the headers' length; *body and *blen get the segment's
 * payload.
 */
static size_t
segment(const struct virtio_net_hdr *vh, const struct inner *in, unsigned k,
    uint8_t *out, const uint8_t **body, size_t *blen)
{
	size_t ihl = (size_t)(in->ip[0] & 15) * 4, off = (size_t)k *
	    vh->gso_size;
	size_t n = in->payload - off < vh->gso_size ? in->payload - off :
	    vh->gso_size;
	int last = off + n == in->payload;
	uint8_t *ip = out, *tcp = out + ihl;
	uint32_t seq;
	uint64_t sum;

	memcpy(out, in->ip, in->hdrs);
	put16(ip + 2, (uint16_t)(in->hdrs + n));
	put16(ip + 4, (uint16_t)(get16(in->ip + 4) + k));
	put16(ip + 10, 0);
	put16(ip + 10, (uint16_t)~uvs_tun_csum(ip, ihl, 0));
	seq = (uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 |
	    (uint32_t)tcp[6] << 8 | tcp[7];
	seq += (uint32_t)off;
	tcp[4] = (uint8_t)(seq >> 24);
	tcp[5] = (uint8_t)(seq >> 16);
	tcp[6] = (uint8_t)(seq >> 8);
	tcp[7] = (uint8_t)seq;
	if (!last)
		tcp[13] &= (uint8_t)~(TH_FIN_BIT | TH_PSH_BIT);
	if (k)
		tcp[13] &= (uint8_t)~TH_CWR_BIT;
	put16(tcp + 16, 0);
	*body = in->ip + in->hdrs + off;
	*blen = n;
	sum = pseudo(ip + 12, ip + 16, IPPROTO_TCP, in->hdrs - ihl + n);
	sum = sum_words(tcp, in->hdrs - ihl, sum);
	sum = sum_words(*body, n, sum);
	put16(tcp + 16, (uint16_t)~fold(sum));
	return in->hdrs;
}

/* udp_flow_src_port's idea: a hash of the inner flow, in the port range. */
static uint16_t
gue_sport(const uint8_t *ip)
{
	size_t ihl = (size_t)(ip[0] & 15) * 4;
	uint32_t h = (uint32_t)get16(ip + 12) << 16 | get16(ip + 14);

	h ^= ((uint32_t)get16(ip + 16) << 16 | get16(ip + 18)) * 0x9e3779b1u;
	h ^= ((uint32_t)get16(ip + ihl) << 16 | get16(ip + ihl + 2)) +
	    ip[9];
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return (uint16_t)((((uint64_t)h * (SPORT_MAX - SPORT_MIN)) >> 32) +
	    SPORT_MIN);
}

/*
 * The tunnel header at t for an inner packet of ilen bytes (its first
 * ihead bytes in inner_head, the rest in body). Returns the outer
 * protocol.
 */
static uint8_t
tun_header(const struct uvs_dest *d, uint8_t *t, const uint8_t *outer_ip,
    const uint8_t *inner_head, size_t ihead, const uint8_t *body,
    size_t blen)
{
	size_t hl = tun_hlen(d), ilen = ihead + blen;
	int csum = d->tun_flags & (UVS_TUN_F_CSUM | UVS_TUN_F_REMCSUM);
	uint64_t sum;
	uint16_t c;

	if (d->tun_type == UVS_TUN_GUE) {
		const uint8_t *ip = ihead ? inner_head : body;

		put16(t, gue_sport(ip));
		memcpy(t + 2, &d->tun_port, 2);		/* network order */
		put16(t + 4, (uint16_t)(hl + ilen));
		put16(t + 6, 0);
		t[8] = 0;	/* version 0, no control, no options */
		t[9] = IPPROTO_IPIP;
		put16(t + 10, 0);
		if (csum) {
			sum = pseudo(outer_ip + 12, outer_ip + 16, IPPROTO_UDP,
			    hl + ilen);
			sum = sum_words(t, hl, sum);
			sum = sum_words(inner_head, ihead, sum);
			sum = sum_words(body, blen, sum);
			c = (uint16_t)~fold(sum);
			put16(t + 6, c ? c : 0xffff);	/* 0: "none" */
		}
		return IPPROTO_UDP;
	}
	if (d->tun_type == UVS_TUN_GRE) {
		put16(t, csum ? GRE_F_CSUM : 0);
		put16(t + 2, ETHERTYPE_IP);
		if (csum) {
			put16(t + 4, 0);
			put16(t + 6, 0);
			sum = sum_words(t, hl, 0);
			sum = sum_words(inner_head, ihead, sum);
			sum = sum_words(body, blen, sum);
			put16(t + 4, (uint16_t)~fold(sum));
		}
		return IPPROTO_GRE;
	}
	return IPPROTO_IPIP;
}

void
uvs_tun_build(const struct uvs_dest *d, const struct virtio_net_hdr *vh,
    const uint8_t *frame, size_t len, unsigned k, uint16_t id, uint8_t *head,
    struct uvs_tun_pkt *out)
{
	struct inner in;
	uint8_t *oip = head + ETH_HLEN, *t = oip + IP_HLEN;
	uint8_t *ihead = t + tun_hlen(d);
	size_t ih = 0, ilen;
	uint8_t tos;

	inner_of(vh, frame, len, &in);
	memcpy(head, d->hwaddr, 6);
	memcpy(head + 6, d->srcmac, 6);
	put16(head + 12, ETHERTYPE_IP);
	if (in.gso)
		ih = segment(vh, &in, k, ihead, &out->body, &out->body_len);
	else {
		out->body = in.ip;
		out->body_len = in.ip_len;
	}
	ilen = ih + out->body_len;
	/* outer IPv4; the addresses first, the tunnel's checksum needs them */
	tos = in.ip[1];
	oip[0] = 0x45;
	oip[1] = (uint8_t)((tos & ~ECN_MASK) | ((tos & ECN_MASK) == ECN_CE ?
	    ECN_ECT0 : (tos & ECN_MASK)));
	put16(oip + 2, (uint16_t)(IP_HLEN + tun_hlen(d) + ilen));
	put16(oip + 4, id);
	put16(oip + 6, get16(in.ip + 6) & IP_DF_BIT);
	oip[8] = in.ip[8];
	memcpy(oip + 12, &d->tun_src, 4);
	memcpy(oip + 16, &d->addr, 4);
	oip[9] = tun_header(d, t, oip, ihead, ih, out->body, out->body_len);
	put16(oip + 10, 0);
	put16(oip + 10, (uint16_t)~uvs_tun_csum(oip, IP_HLEN, 0));
	out->head = head;
	out->head_len = ETH_HLEN + IP_HLEN + tun_hlen(d) + ih;
}

enum uvs_tun_fit
uvs_dr_fit(const struct uvs_dest *d, const struct virtio_net_hdr *vh,
    const uint8_t *frame, size_t len, uint16_t *mtu)
{
	struct inner in;

	*mtu = (uint16_t)(d->mtu > 0xffff ? 0xffff : d->mtu);
	if (!d->mtu || vh->gso_type != VIRTIO_NET_HDR_GSO_NONE)
		return UVS_TUN_FITS;
	inner_of(vh, frame, len, &in);
	return in.ip_len > d->mtu && (get16(in.ip + 6) & IP_DF_BIT) ?
	    UVS_TUN_TOOBIG : UVS_TUN_FITS;
}

unsigned
uvs_tun_nfrags(const struct uvs_dest *d, const struct uvs_tun_pkt *p)
{
	size_t total = p->head_len - ETH_HLEN + p->body_len, room;

	if (!d->mtu || total <= d->mtu || !(room = frag_room(d)))
		return 1;
	total -= IP_HLEN;
	return (unsigned)((total + room - 1) / room);
}

void
uvs_tun_fragment(const struct uvs_dest *d, const struct uvs_tun_pkt *p,
    unsigned j, uint8_t *fhead, struct uvs_tun_pkt *out)
{
	size_t room = frag_room(d), inhead = p->head_len - ETH_HLEN - IP_HLEN;
	size_t total = inhead + p->body_len, off = (size_t)j * room, n;
	uint8_t *oip = fhead + ETH_HLEN;
	uint16_t frag;

	if (uvs_tun_nfrags(d, p) == 1) {	/* it fits whole: as built */
		memcpy(fhead, p->head, p->head_len);
		*out = *p;
		out->head = fhead;
		return;
	}
	n = total - off < room ? total - off : room;
	/* Ethernet and the outer IPv4 header; the first keeps the rest of
	   the head (tunnel and inner headers), which fits in its room */
	memcpy(fhead, p->head, j ? ETH_HLEN + IP_HLEN : p->head_len);
	out->head = fhead;
	out->head_len = j ? ETH_HLEN + IP_HLEN : p->head_len;
	out->body = p->body + (j ? off - inhead : 0);
	out->body_len = j ? n : n - inhead;
	frag = (uint16_t)(off / 8);
	if (off + n < total)
		frag |= 0x2000;		/* more fragments */
	put16(oip + 2, (uint16_t)(IP_HLEN + n));
	put16(oip + 6, frag);
	put16(oip + 10, 0);
	put16(oip + 10, (uint16_t)~uvs_tun_csum(oip, IP_HLEN, 0));
}

size_t
uvs_tun_frag_needed(uint8_t *out, const uint8_t *frame, size_t len,
    uint16_t mtu)
{
	const uint8_t *ip = frame + ETH_HLEN;
	uint8_t *oip = out + ETH_HLEN, *icmp = oip + IP_HLEN;
	size_t quote = len - ETH_HLEN, max = UVS_TUN_ICMP_MAX - ETH_HLEN -
	    IP_HLEN - 8;

	if (quote > max)
		quote = max;
	memcpy(out, frame + 6, 6);
	memcpy(out + 6, frame, 6);
	put16(out + 12, ETHERTYPE_IP);
	memset(oip, 0, IP_HLEN + 8);
	oip[0] = 0x45;
	oip[1] = ICMP_TOS;
	put16(oip + 2, (uint16_t)(IP_HLEN + 8 + quote));
	oip[8] = ICMP_TTL;
	oip[9] = IPPROTO_ICMP;
	memcpy(oip + 12, ip + 16, 4);	/* from the VIP */
	memcpy(oip + 16, ip + 12, 4);	/* to the client */
	put16(oip + 10, (uint16_t)~uvs_tun_csum(oip, IP_HLEN, 0));
	icmp[0] = 3;	/* destination unreachable */
	icmp[1] = 4;	/* fragmentation needed and DF set (RFC 1191) */
	put16(icmp + 6, mtu);
	memcpy(icmp + 8, ip, quote);
	put16(icmp + 2, (uint16_t)~uvs_tun_csum(icmp, 8 + quote, 0));
	return ETH_HLEN + IP_HLEN + 8 + quote;
}
