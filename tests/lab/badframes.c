/*
 * badframes: send bursts of malformed IPv4 frames at a VIP, for the uvs test
 * lab. Each kind of damage is sent COUNT times; every other field is
 * well-formed (IP header checksum correct except for ip_csum), so each frame
 * is wrong for exactly one reason. The reason names are uvsd's drop counters:
 * a test compares the line this program prints with `uvsadm`'s counters.
 *
 *   reason      kind         frame
 *   runt        runt         10-byte frame, no EtherType
 *   (ip_short)               ... but Linux refuses to send frames shorter than
 *                            14 bytes (dev_validate_header), so then: Ethernet
 *                            header, type IPv4, no IP byte. uvsd counts that
 *                            as ip_short, and so does the line printed here.
 *   ip_short    ip_trunc     type IPv4, first 10 bytes of an IP header
 *   ip_version  ver6         version 6 in an IPv4 frame, rest valid
 *   ip_ihl      ihl4         ihl = 4 (16-byte header)
 *   ip_options  opt_long     ihl = 6: NOP NOP, an option claiming 8 bytes
 *   ip_options  opt_lsrr     ihl = 6: a loose source route (Linux refuses)
 *   ip_len      totlen_big   tot_len 1000 bytes past the end of the frame
 *   ip_len      totlen_small tot_len 19, shorter than the header
 *   ip_csum     bad_csum     valid UDP, IP header checksum wrong
 *   ip_frag     frag_tiny    MF set, offset 0, 4 bytes: no room for ports
 *   ip_frag     frag_big     last fragment reaching past 65535 bytes
 *   ip_proto    proto253     protocol 253 (RFC 3692 experiment)
 *   ip_proto    proto_gre    protocol 47 (GRE)
 *   l4_short    tcp_short    TCP segment of 12 bytes (< 20)
 *   l4_short    udp_short    UDP segment of 4 bytes (< 8)
 *   tcp_doff    doff4        TCP SYN, doff = 4
 *   tcp_doff    doff15       TCP SYN, doff = 15 (60 bytes) in a 20-byte segment
 *   udp_len     ulen_small   UDP length 4 (< 8)
 *   udp_len     ulen_big     UDP length 100 bytes past the segment
 *
 * Every field not named above is valid: TCP SYN / UDP to VIP:PORT from SRCIP,
 * TCP checksum correct, UDP checksum 0 ("none"). A sub-kind is sent COUNT
 * times, so a reason with two sub-kinds is counted 2 * COUNT times.
 *
 * Usage: badframes -i IFACE -d DSTMAC -s SRCIP -t VIP -p PORT -n COUNT
 * Prints "sent N frames: runt=C ip_short=C ..." summed per reason, i.e. what
 * uvsd's drop counters should grow by.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/ethernet.h>
#include <netinet/ether.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <libnet.h>

#define IP_BUF		256
#define COUNT_MAX	1000000UL
/* Bytes of a runt: a destination MAC and part of the source, no type. */
#define RUNT_LEN	10
/* How far tot_len / UDP length claim past what the frame carries. */
#define OVERCLAIM	1000
#define UDP_DATA	"uvs-badframes"
#define IPPROTO_EXPERIMENT	253	/* RFC 3692 */
#define USAGE "usage: badframes -i IFACE -d DSTMAC -s SRCIP -t VIP -p PORT " \
	      "-n COUNT_PER_KIND"

enum reason {
	R_RUNT,
	R_IP_SHORT,
	R_IP_VERSION,
	R_IP_IHL,
	R_IP_OPTIONS,
	R_IP_LEN,
	R_IP_CSUM,
	R_IP_FRAG,
	R_IP_PROTO,
	R_L4_SHORT,
	R_TCP_DOFF,
	R_UDP_LEN,
	R_COUNT
};

static const char *const reason_name[R_COUNT] = {
	[R_RUNT] = "runt",
	[R_IP_SHORT] = "ip_short",
	[R_IP_VERSION] = "ip_version",
	[R_IP_IHL] = "ip_ihl",
	[R_IP_OPTIONS] = "ip_options",
	[R_IP_LEN] = "ip_len",
	[R_IP_CSUM] = "ip_csum",
	[R_IP_FRAG] = "ip_frag",
	[R_IP_PROTO] = "ip_proto",
	[R_L4_SHORT] = "l4_short",
	[R_TCP_DOFF] = "tcp_doff",
	[R_UDP_LEN] = "udp_len",
};

struct target {
	const char *ifname;
	uint8_t dst_mac[ETH_ALEN];
	struct in_addr src;
	struct in_addr vip;
	uint16_t port;
	unsigned long count;
};

struct sender {
	libnet_t *l;
	const struct target *t;
	uint8_t src_mac[ETH_ALEN];
	bool runt_refused;	/* kernel wants at least 14 bytes */
	uint16_t seq;		/* IP id and source port spread */
	unsigned long sent[R_COUNT];
};

/* Fills ip (IP_BUF bytes) with the bytes after the Ethernet header;
 * returns how many. */
typedef size_t (*craft_fn)(const struct target *t, uint16_t seq, uint8_t *ip);

struct kind {
	enum reason reason;
	const char *name;
	craft_fn craft;
};

static uint16_t
csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t
csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

/* IP header checksum over ihl words (at least 5, as the bytes are there). */
static void
ip_seal(struct iphdr *ip)
{
	size_t hlen = ip->ihl < 5 ? 20 : (size_t)ip->ihl * 4;

	ip->check = 0;
	ip->check = htons(csum_fold(csum_add(0, (uint8_t *)ip, hlen)));
}

/* TCP/UDP checksum with the IPv4 pseudo-header, over len bytes of l4. */
static uint16_t
l4_csum(const struct iphdr *ip, const uint8_t *l4, size_t len)
{
	uint32_t sum = 0;

	sum = csum_add(sum, (const uint8_t *)&ip->saddr, 4);
	sum = csum_add(sum, (const uint8_t *)&ip->daddr, 4);
	sum += ip->protocol;
	sum += (uint32_t)len;
	return htons(csum_fold(csum_add(sum, l4, len)));
}

/* A plain 20-byte IPv4 header to the VIP carrying l4_len bytes. */
static struct iphdr *
ip_fill(const struct target *t, uint16_t seq, uint8_t *buf, uint8_t proto,
	size_t l4_len)
{
	struct iphdr *ip = (struct iphdr *)buf;

	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons((uint16_t)(sizeof(*ip) + l4_len));
	ip->id = htons(seq);
	ip->ttl = 64;
	ip->protocol = proto;
	ip->saddr = t->src.s_addr;
	ip->daddr = t->vip.s_addr;
	return ip;
}

/* A UDP datagram to the VIP's port with UDP_DATA; returns its length. */
static size_t
udp_fill(const struct target *t, uint16_t seq, uint8_t *l4)
{
	struct udphdr *uh = (struct udphdr *)l4;
	size_t len = sizeof(*uh) + sizeof(UDP_DATA) - 1;

	uh->source = htons(40000 + seq % 20000);
	uh->dest = htons(t->port);
	uh->len = htons((uint16_t)len);
	uh->check = 0;	/* "no checksum", valid for IPv4 */
	memcpy(l4 + sizeof(*uh), UDP_DATA, sizeof(UDP_DATA) - 1);
	return len;
}

/* A 20-byte TCP SYN to the VIP's port; returns its length. */
static size_t
tcp_fill(const struct target *t, uint16_t seq, uint8_t *l4)
{
	struct tcphdr *th = (struct tcphdr *)l4;

	memset(th, 0, sizeof(*th));
	th->source = htons(40000 + seq % 20000);
	th->dest = htons(t->port);
	th->seq = htonl(0x75767300u + seq);
	th->doff = 5;
	th->syn = 1;
	th->window = htons(65535);
	return sizeof(*th);
}

/* A valid IPv4 + UDP packet, the base of most kinds; returns its length. */
static size_t
udp_packet(const struct target *t, uint16_t seq, uint8_t *buf)
{
	size_t l4_len = udp_fill(t, seq, buf + sizeof(struct iphdr));

	ip_seal(ip_fill(t, seq, buf, IPPROTO_UDP, l4_len));
	return sizeof(struct iphdr) + l4_len;
}

/* A TCP segment whose header says doff; checksummed as it stands. */
static size_t
tcp_packet(const struct target *t, uint16_t seq, uint8_t *buf, size_t l4_len,
	   unsigned int doff)
{
	struct iphdr *ip = ip_fill(t, seq, buf, IPPROTO_TCP, l4_len);
	uint8_t *l4 = buf + sizeof(*ip);
	struct tcphdr *th = (struct tcphdr *)l4;

	tcp_fill(t, seq, l4);
	th->doff = doff & 0xf;
	th->check = 0;
	th->check = l4_csum(ip, l4, l4_len);
	ip_seal(ip);
	return sizeof(*ip) + l4_len;
}

/* Fallback runt: the Ethernet header alone says IPv4, no IP byte follows. */
static size_t
craft_runt(const struct target *t, uint16_t seq, uint8_t *buf)
{
	(void)t;
	(void)seq;
	(void)buf;
	return 0;
}

static size_t
craft_ip_trunc(const struct target *t, uint16_t seq, uint8_t *buf)
{
	udp_packet(t, seq, buf);
	return 10;
}

static size_t
craft_ver6(const struct target *t, uint16_t seq, uint8_t *buf)
{
	size_t len = udp_packet(t, seq, buf);
	struct iphdr *ip = (struct iphdr *)buf;

	ip->version = 6;
	ip_seal(ip);
	return len;
}

static size_t
craft_ihl4(const struct target *t, uint16_t seq, uint8_t *buf)
{
	size_t len = udp_packet(t, seq, buf);
	struct iphdr *ip = (struct iphdr *)buf;

	ip->ihl = 4;
	ip_seal(ip);
	return len;
}

/* A 24-byte IP header whose options are opts (valid ones pass uvsd). */
static size_t
opt_packet(const struct target *t, uint16_t seq, uint8_t *buf,
	   const uint8_t opts[4])
{
	size_t hlen = sizeof(struct iphdr) + 4;
	size_t l4_len = udp_fill(t, seq, buf + hlen);
	struct iphdr *ip = ip_fill(t, seq, buf, IPPROTO_UDP, l4_len);

	ip->ihl = hlen / 4;
	ip->tot_len = htons((uint16_t)(hlen + l4_len));
	memcpy(buf + sizeof(*ip), opts, 4);
	ip_seal(ip);
	return hlen + l4_len;
}

static size_t
craft_opt_long(const struct target *t, uint16_t seq, uint8_t *buf)
{
	static const uint8_t opts[4] = { IPOPT_NOP, IPOPT_NOP, 148, 8 };

	return opt_packet(t, seq, buf, opts);
}

static size_t
craft_opt_lsrr(const struct target *t, uint16_t seq, uint8_t *buf)
{
	static const uint8_t opts[4] = { 131, 3, 4, IPOPT_EOL };

	return opt_packet(t, seq, buf, opts);
}

static size_t
craft_totlen_big(const struct target *t, uint16_t seq, uint8_t *buf)
{
	size_t len = udp_packet(t, seq, buf);
	struct iphdr *ip = (struct iphdr *)buf;

	ip->tot_len = htons((uint16_t)(len + OVERCLAIM));
	ip_seal(ip);
	return len;
}

static size_t
craft_totlen_small(const struct target *t, uint16_t seq, uint8_t *buf)
{
	size_t len = udp_packet(t, seq, buf);
	struct iphdr *ip = (struct iphdr *)buf;

	ip->tot_len = htons(sizeof(*ip) - 1);
	ip_seal(ip);
	return len;
}

static size_t
craft_bad_csum(const struct target *t, uint16_t seq, uint8_t *buf)
{
	size_t len = udp_packet(t, seq, buf);
	struct iphdr *ip = (struct iphdr *)buf;

	/* Not 0xffff: ~0 and 0 would be the same one's complement sum. */
	ip->check ^= htons(0x00ff);
	return len;
}

static size_t
craft_frag_tiny(const struct target *t, uint16_t seq, uint8_t *buf)
{
	size_t len = udp_packet(t, seq, buf);
	struct iphdr *ip = (struct iphdr *)buf;

	len = sizeof(*ip) + 4;	/* the UDP ports, not its length */
	ip->tot_len = htons((uint16_t)len);
	ip->frag_off = htons(IP_MF);
	ip_seal(ip);
	return len;
}

static size_t
craft_frag_big(const struct target *t, uint16_t seq, uint8_t *buf)
{
	size_t len = udp_packet(t, seq, buf);
	struct iphdr *ip = (struct iphdr *)buf;

	ip->frag_off = htons(IP_OFFMASK);	/* 65528 + the payload */
	ip_seal(ip);
	return len;
}

static size_t
craft_proto(const struct target *t, uint16_t seq, uint8_t *buf, uint8_t proto)
{
	size_t len = udp_packet(t, seq, buf);
	struct iphdr *ip = (struct iphdr *)buf;

	ip->protocol = proto;
	ip_seal(ip);
	return len;
}

static size_t
craft_proto253(const struct target *t, uint16_t seq, uint8_t *buf)
{
	return craft_proto(t, seq, buf, IPPROTO_EXPERIMENT);
}

static size_t
craft_proto_gre(const struct target *t, uint16_t seq, uint8_t *buf)
{
	return craft_proto(t, seq, buf, IPPROTO_GRE);
}

static size_t
craft_tcp_short(const struct target *t, uint16_t seq, uint8_t *buf)
{
	return tcp_packet(t, seq, buf, 12, 5);
}

static size_t
craft_udp_short(const struct target *t, uint16_t seq, uint8_t *buf)
{
	size_t l4_len = 4;	/* the ports, no length field */
	struct iphdr *ip = ip_fill(t, seq, buf, IPPROTO_UDP, l4_len);

	udp_fill(t, seq, buf + sizeof(*ip));
	ip_seal(ip);
	return sizeof(*ip) + l4_len;
}

static size_t
craft_doff4(const struct target *t, uint16_t seq, uint8_t *buf)
{
	return tcp_packet(t, seq, buf, sizeof(struct tcphdr), 4);
}

static size_t
craft_doff15(const struct target *t, uint16_t seq, uint8_t *buf)
{
	return tcp_packet(t, seq, buf, sizeof(struct tcphdr), 15);
}

static size_t
craft_udp_len(const struct target *t, uint16_t seq, uint8_t *buf, size_t ulen)
{
	size_t len = udp_packet(t, seq, buf);
	struct udphdr *uh = (struct udphdr *)(buf + sizeof(struct iphdr));

	uh->len = htons((uint16_t)ulen);
	return len;
}

static size_t
craft_ulen_small(const struct target *t, uint16_t seq, uint8_t *buf)
{
	return craft_udp_len(t, seq, buf, 4);
}

static size_t
craft_ulen_big(const struct target *t, uint16_t seq, uint8_t *buf)
{
	size_t seg = sizeof(struct udphdr) + sizeof(UDP_DATA) - 1;

	return craft_udp_len(t, seq, buf, seg + 100);
}

static const struct kind kinds[] = {
	{ R_RUNT,	"runt",		craft_runt },
	{ R_IP_SHORT,	"ip_trunc",	craft_ip_trunc },
	{ R_IP_VERSION,	"ver6",		craft_ver6 },
	{ R_IP_IHL,	"ihl4",		craft_ihl4 },
	{ R_IP_OPTIONS,	"opt_long",	craft_opt_long },
	{ R_IP_OPTIONS,	"opt_lsrr",	craft_opt_lsrr },
	{ R_IP_LEN,	"totlen_big",	craft_totlen_big },
	{ R_IP_LEN,	"totlen_small",	craft_totlen_small },
	{ R_IP_CSUM,	"bad_csum",	craft_bad_csum },
	{ R_IP_FRAG,	"frag_tiny",	craft_frag_tiny },
	{ R_IP_FRAG,	"frag_big",	craft_frag_big },
	{ R_IP_PROTO,	"proto253",	craft_proto253 },
	{ R_IP_PROTO,	"proto_gre",	craft_proto_gre },
	{ R_L4_SHORT,	"tcp_short",	craft_tcp_short },
	{ R_L4_SHORT,	"udp_short",	craft_udp_short },
	{ R_TCP_DOFF,	"doff4",	craft_doff4 },
	{ R_TCP_DOFF,	"doff15",	craft_doff15 },
	{ R_UDP_LEN,	"ulen_small",	craft_ulen_small },
	{ R_UDP_LEN,	"ulen_big",	craft_ulen_big },
};

/* Ethernet header from libnet, the crafted bytes as its payload. */
static int
send_ip(struct sender *s, const uint8_t *ip, size_t len)
{
	if (libnet_build_ethernet(s->t->dst_mac, s->src_mac, ETHERTYPE_IP,
				  len ? ip : NULL, (uint32_t)len, s->l, 0) == -1)
		return -1;
	if (libnet_write(s->l) == -1) {
		libnet_clear_packet(s->l);
		return -1;
	}
	libnet_clear_packet(s->l);
	return 0;
}

/* A frame shorter than an Ethernet header, if the kernel lets it out. */
static bool
send_short_frame(struct sender *s)
{
	uint8_t frame[RUNT_LEN];

	if (s->runt_refused)
		return false;
	memcpy(frame, s->t->dst_mac, ETH_ALEN);
	memcpy(frame + ETH_ALEN, s->src_mac, RUNT_LEN - ETH_ALEN);
	if (libnet_adv_write_link(s->l, frame, sizeof(frame)) == RUNT_LEN)
		return true;
	s->runt_refused = true;
	return false;
}

static int
send_kind(struct sender *s, const struct kind *k)
{
	uint8_t ip[IP_BUF] __attribute__((aligned(4)));
	unsigned long i;
	size_t len;

	for (i = 0; i < s->t->count; i++) {
		s->seq++;
		if (k->reason == R_RUNT && send_short_frame(s)) {
			s->sent[k->reason]++;
			continue;
		}
		memset(ip, 0, sizeof(ip));
		len = k->craft(s->t, s->seq, ip);
		if (send_ip(s, ip, len) == -1) {
			fprintf(stderr, "badframes: %s: send: %s\n", k->name,
				libnet_geterror(s->l));
			return -1;
		}
		/* The runt fallback has an Ethernet header: uvsd says ip_short. */
		s->sent[k->reason == R_RUNT ? R_IP_SHORT : k->reason]++;
	}
	return 0;
}

static void
print_counts(const struct sender *s)
{
	unsigned long total = 0;
	int r;

	for (r = 0; r < R_COUNT; r++)
		total += s->sent[r];
	printf("sent %lu frames:", total);
	for (r = 0; r < R_COUNT; r++)
		printf(" %s=%lu", reason_name[r], s->sent[r]);
	printf("\n");
}

static int
sender_open(struct sender *s, const struct target *t)
{
	char errbuf[LIBNET_ERRBUF_SIZE];
	struct libnet_ether_addr *mac;

	memset(s, 0, sizeof(*s));
	s->t = t;
	/* ADV mode: libnet_adv_write_link() can try a sub-header runt. */
	s->l = libnet_init(LIBNET_LINK_ADV, t->ifname, errbuf);
	if (s->l == NULL) {
		fprintf(stderr, "badframes: %s: %s\n", t->ifname, errbuf);
		return -1;
	}
	mac = libnet_get_hwaddr(s->l);
	if (mac == NULL) {
		fprintf(stderr, "badframes: %s: no MAC address: %s\n",
			t->ifname, libnet_geterror(s->l));
		libnet_destroy(s->l);
		return -1;
	}
	memcpy(s->src_mac, mac->ether_addr_octet, ETH_ALEN);
	return 0;
}

static int
usage_error(const char *what, const char *arg)
{
	if (arg)
		fprintf(stderr, "badframes: %s: '%s'\n", what, arg);
	else
		fprintf(stderr, "badframes: %s\n", what);
	return -1;
}

static int
parse_ulong(const char *arg, unsigned long min, unsigned long max,
	    unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || *out < min ||
	    *out > max)
		return -1;
	return 0;
}

static int
parse_opt(struct target *t, int opt, const char *arg)
{
	struct ether_addr mac;
	unsigned long v;

	switch (opt) {
	case 'i':
		t->ifname = arg;
		return 0;
	case 'd':
		if (ether_aton_r(arg, &mac) == NULL)
			return usage_error("-d: not a MAC address", arg);
		memcpy(t->dst_mac, mac.ether_addr_octet, ETH_ALEN);
		return 0;
	case 's':
		if (inet_pton(AF_INET, arg, &t->src) != 1)
			return usage_error("-s: not an IPv4 address", arg);
		return 0;
	case 't':
		if (inet_pton(AF_INET, arg, &t->vip) != 1)
			return usage_error("-t: not an IPv4 address", arg);
		return 0;
	case 'p':
		if (parse_ulong(arg, 1, 65535, &v) == -1)
			return usage_error("-p: port must be 1..65535", arg);
		t->port = (uint16_t)v;
		return 0;
	case 'n':
		if (parse_ulong(arg, 1, COUNT_MAX, &t->count) == -1)
			return usage_error("-n: count must be 1..1000000", arg);
		return 0;
	default:
		return usage_error(USAGE, NULL);
	}
}

static int
parse_args(struct target *t, int argc, char **argv)
{
	unsigned int seen = 0;
	int opt;

	memset(t, 0, sizeof(*t));
	opterr = 0;
	while ((opt = getopt(argc, argv, "i:d:s:t:p:n:")) != -1) {
		if (parse_opt(t, opt, optarg) == -1)
			return -1;
		seen |= 1u << (strchr("idstpn", opt) - "idstpn");
	}
	if (optind != argc)
		return usage_error("unexpected argument", argv[optind]);
	if (seen != 0x3f)
		return usage_error("missing options; " USAGE, NULL);
	return 0;
}

int
main(int argc, char **argv)
{
	struct target t;
	struct sender s;
	size_t i;
	int rc = 0;

	if (parse_args(&t, argc, argv) == -1)
		return 2;
	if (sender_open(&s, &t) == -1)
		return 1;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && rc == 0; i++)
		rc = send_kind(&s, &kinds[i]);
	libnet_destroy(s.l);
	if (rc == -1)
		return 1;
	print_counts(&s);
	return 0;
}
