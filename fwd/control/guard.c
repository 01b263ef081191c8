/*
 * The director's kernel guard. uvsd reads frames with AF_PACKET, which
 * sees them before the netdev ingress hook; a drop there hides a frame
 * from the kernel's IP, ARP and NDP stacks only. So one ingress chain on
 * uvsd's interface, run before anything else (priority -500), drops
 *   - IPv4 or IPv6 to a service's VIP, protocol and port (any port for a
 *     port-0 service): the kernel neither answers (RST, ICMP) nor forwards
 *     it, whatever ip_forward says or wherever the VIP is configured;
 *   - ARP requests, and IPv6 Neighbor Solicitations, whose target is a
 *     VIP: only uvsd answers them (an NS goes to the target's
 *     solicited-node group, so the address rules never see it).
 * The chain is six fixed rules, three per family; what they drop is one
 * hash set per family, "services" keyed ipv4_addr . inet_proto .
 * inet_service (12 bytes, each field padded to 4) and "services6" keyed
 * ipv6_addr . inet_proto . inet_service (24 bytes), so 1 000 services
 * cost one lookup, not 1 000 rules:
 *   VIP . proto . port   a service (port 0: every port of proto)
 *   VIP . 0 . 0          the VIP itself, for the ARP and NS rules (IP
 *                        protocol 0 is no transport, so no service can
 *                        mean it)
 * A change sends only the elements that differ from what the kernel holds
 * (kept sorted in struct uvs_guard), all in one batch.
 * The table belongs to uvsd's netlink socket (NFT_TABLE_F_OWNER): the
 * kernel deletes it when uvsd exits, also by SIGKILL, so it never outlives
 * the process it protects. Every rule has a counter: `nft list ruleset` in
 * the director's namespace shows the drops, `nft list set` the services.
 */
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arp/arp.h"
#include "arp/kernel/nft.h"
#include "fwd/control/guard.h"

#define GUARD_CHAIN	"ingress"
#define GUARD_PRIORITY	(-500)	/* before any filter a user may add (0) */
#define OPEN_BATCH	8192	/* table, chain, two sets and six rules */
#define BATCH_EXTRA	1024	/* batch markers, message headers */
#define ELEM_BYTES	48	/* one element in a NEWSETELEM message */
#define MSG_BYTES	256	/* one set-element message's own headers */

/* IPv4 and IPv6 header field offsets (RFC 791, 8200), the ports' (RFC
   793/768), an NS's target (RFC 4861 4.3) */
#define IP_OFF_DADDR	16
#define IP6_OFF_DADDR	24
#define L4_OFF_DPORT	2
#define NS_OFF_TARGET	8
/* ARP fields from the network header on (RFC 826), as arp.h lays out */
#define ARP_OFF_TPA	(UVS_ARP_OFF_TPA - UVS_ARP_OFF)

/* A key's address starts the registers; proto and port follow it. */
#define REG_ADDR	NFT_REG32_00

/* One family's part: its set, its key and where the key's fields go. */
struct guard_fam {
	int		 af;
	uint16_t	 ethertype;
	const char	*set;
	uint32_t	 set_id;
	uint32_t	 key_type;
	uint32_t	 alen;		/* the address: 4 or 16 bytes */
	uint32_t	 daddr_off;	/* in the network header */
	uint32_t	 reg_proto;	/* the register after the address */
	uint32_t	 reg_port;
};

static const struct guard_fam fam4 = {
	.af = AF_INET, .ethertype = ETHERTYPE_IP, .set = "services",
	.set_id = 1, .key_type = UVS_NFT_CONCAT(UVS_NFT_CONCAT(
	    UVS_NFT_TYPE_IPADDR, UVS_NFT_TYPE_INET_PROTO),
	    UVS_NFT_TYPE_INET_SERVICE),
	.alen = 4, .daddr_off = IP_OFF_DADDR,
	.reg_proto = NFT_REG32_01, .reg_port = NFT_REG32_02,
};

static const struct guard_fam fam6 = {
	.af = AF_INET6, .ethertype = ETHERTYPE_IPV6, .set = "services6",
	.set_id = 2, .key_type = UVS_NFT_CONCAT(UVS_NFT_CONCAT(
	    UVS_NFT_TYPE_IP6ADDR, UVS_NFT_TYPE_INET_PROTO),
	    UVS_NFT_TYPE_INET_SERVICE),
	.alen = 16, .daddr_off = IP6_OFF_DADDR,
	.reg_proto = NFT_REG32_04, .reg_port = NFT_REG32_05,
};

static uint32_t
key_len(const struct guard_fam *f)
{
	return f->alen + 8;
}

static void
key_make(const struct guard_fam *f, uint8_t *key,
    const union uvs_inaddr *vip, uint8_t proto, uint16_t port)
{
	memset(key, 0, key_len(f));
	memcpy(key, vip->b, f->alen);
	key[f->alen] = proto;
	memcpy(key + f->alen + 4, &port, 2);
}

/* meta protocol == ethertype: the rules below read the right header. */
static void
match_ethertype(struct uvs_nft_batch *b, uint16_t type)
{
	uint16_t v = htons(type);

	uvs_nft_meta(b, NFT_META_PROTOCOL, NFT_REG_1);
	uvs_nft_cmp_eq(b, NFT_REG_1, &v, sizeof(v));
}

/* The key from REG_ADDR on is in the set: count and drop. */
static void
drop_if_listed(struct uvs_nft_batch *b, const struct guard_fam *f)
{
	uvs_nft_lookup(b, REG_ADDR, f->set, f->set_id);
	uvs_nft_counter(b);
	uvs_nft_verdict(b, NF_DROP);
	uvs_nft_rule_end(b);
}

/* ip[6] daddr . meta l4proto . th dport @services[6] counter drop */
static void
add_port_rule(struct uvs_nft_batch *b, const char *table,
    const struct guard_fam *f)
{
	uvs_nft_rule_begin(b, NFPROTO_NETDEV, table, GUARD_CHAIN);
	match_ethertype(b, f->ethertype);
	uvs_nft_payload(b, NFT_PAYLOAD_NETWORK_HEADER, f->daddr_off, f->alen,
	    REG_ADDR);
	uvs_nft_meta(b, NFT_META_L4PROTO, f->reg_proto);
	uvs_nft_payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, L4_OFF_DPORT, 2,
	    f->reg_port);
	drop_if_listed(b, f);
}

/* ip[6] daddr . meta l4proto . 0 @services[6]: port-0 services */
static void
add_anyport_rule(struct uvs_nft_batch *b, const char *table,
    const struct guard_fam *f)
{
	const uint32_t zero = 0;

	uvs_nft_rule_begin(b, NFPROTO_NETDEV, table, GUARD_CHAIN);
	match_ethertype(b, f->ethertype);
	uvs_nft_payload(b, NFT_PAYLOAD_NETWORK_HEADER, f->daddr_off, f->alen,
	    REG_ADDR);
	uvs_nft_meta(b, NFT_META_L4PROTO, f->reg_proto);
	uvs_nft_immediate(b, f->reg_port, &zero, sizeof(zero));
	drop_if_listed(b, f);
}

/* arp htype 1 ptype ip hlen 6 plen 4 operation request, tpa . 0 . 0 */
static void
add_arp_rule(struct uvs_nft_batch *b, const char *table)
{
	const struct arphdr req = {
		.ar_hrd = htons(ARPHRD_ETHER),
		.ar_pro = htons(ETHERTYPE_IP),
		.ar_hln = ETH_ALEN,
		.ar_pln = 4,
		.ar_op = htons(ARPOP_REQUEST),
	};
	const uint32_t zero[2] = { 0, 0 };

	uvs_nft_rule_begin(b, NFPROTO_NETDEV, table, GUARD_CHAIN);
	match_ethertype(b, ETHERTYPE_ARP);
	/* the fixed header first: only then is the target IP at 24 */
	uvs_nft_payload(b, NFT_PAYLOAD_NETWORK_HEADER, 0, sizeof(req),
	    NFT_REG_1);
	uvs_nft_cmp_eq(b, NFT_REG_1, &req, sizeof(req));
	uvs_nft_payload(b, NFT_PAYLOAD_NETWORK_HEADER, ARP_OFF_TPA, 4,
	    REG_ADDR);
	uvs_nft_immediate(b, fam4.reg_proto, zero, sizeof(zero));
	drop_if_listed(b, &fam4);
}

/*
 * icmpv6 type nd-neighbor-solicit, its target . 0 . 0 @services6. The
 * transport header is found past any extension headers by the netdev
 * family's own IPv6 parsing (nft_set_pktinfo_ipv6_validate).
 */
static void
add_ns_rule(struct uvs_nft_batch *b, const char *table)
{
	const uint8_t icmp6 = IPPROTO_ICMPV6, ns = ND_NEIGHBOR_SOLICIT;
	const uint32_t zero[2] = { 0, 0 };

	uvs_nft_rule_begin(b, NFPROTO_NETDEV, table, GUARD_CHAIN);
	match_ethertype(b, ETHERTYPE_IPV6);
	uvs_nft_meta(b, NFT_META_L4PROTO, NFT_REG_1);
	uvs_nft_cmp_eq(b, NFT_REG_1, &icmp6, sizeof(icmp6));
	uvs_nft_payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1, NFT_REG_1);
	uvs_nft_cmp_eq(b, NFT_REG_1, &ns, sizeof(ns));
	uvs_nft_payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, NS_OFF_TARGET, 16,
	    REG_ADDR);
	uvs_nft_immediate(b, fam6.reg_proto, zero, sizeof(zero));
	drop_if_listed(b, &fam6);
}

int
uvs_guard_open(struct uvs_guard *g, const char *ifname, char *err,
    size_t errlen)
{
	struct uvs_nft_hook hook = {
		.hooknum = NF_NETDEV_INGRESS,
		.priority = GUARD_PRIORITY,
		.dev = ifname,
	};
	struct uvs_nft_batch b;
	char buf[OPEN_BATCH];
	unsigned ifindex = if_nametoindex(ifname);
	int rc;

	memset(g, 0, sizeof(*g));
	if (ifindex == 0) {
		rc = -errno;
		snprintf(err, errlen, "interface %s: %s", ifname, strerror(-rc));
		return rc;
	}
	snprintf(g->table, sizeof(g->table), "uvsd-%u", ifindex);
	if ((rc = uvs_nft_open(&g->nft)) < 0) {
		snprintf(err, errlen, "nf_tables netlink socket: %s",
		    strerror(-rc));
		return rc;
	}
	uvs_nft_batch_init(&b, buf, sizeof(buf));
	uvs_nft_table_add(&b, NFPROTO_NETDEV, g->table, NFT_TABLE_F_OWNER);
	uvs_nft_chain_add(&b, NFPROTO_NETDEV, g->table, GUARD_CHAIN, &hook);
	uvs_nft_set_add(&b, NFPROTO_NETDEV, g->table, fam4.set, fam4.set_id,
	    fam4.key_type, key_len(&fam4));
	uvs_nft_set_add(&b, NFPROTO_NETDEV, g->table, fam6.set, fam6.set_id,
	    fam6.key_type, key_len(&fam6));
	add_port_rule(&b, g->table, &fam4);
	add_anyport_rule(&b, g->table, &fam4);
	add_arp_rule(&b, g->table);
	add_port_rule(&b, g->table, &fam6);
	add_anyport_rule(&b, g->table, &fam6);
	add_ns_rule(&b, g->table);
	if ((rc = uvs_nft_batch_send(&g->nft, &b)) < 0) {
		/* an owned table of that name is another process's */
		snprintf(err, errlen, "table netdev %s on %s: %s%s", g->table,
		    ifname, strerror(-rc), rc == -EPERM || rc == -EOPNOTSUPP ?
		    " (another uvsd on this interface, or a table of that "
		    "name made by hand?)" : "");
		uvs_nft_close(&g->nft);
		return rc;
	}
	g->on = 1;
	return 0;
}

/* Sorts and de-duplicates n keys of klen bytes in place; the new count. */
static size_t
keys_unique(uint8_t *k, size_t n, size_t klen,
    int (*cmp)(const void *, const void *))
{
	size_t i, m = 0;

	qsort(k, n, klen, cmp);
	for (i = 0; i < n; i++)
		if (m == 0 || memcmp(k + i * klen, k + (m - 1) * klen,
		    klen) != 0)
			memmove(k + m++ * klen, k + i * klen, klen);
	return m;
}

static int
key4_cmp(const void *a, const void *b)
{
	return memcmp(a, b, UVS_GUARD_KEY_LEN);
}

static int
key6_cmp(const void *a, const void *b)
{
	return memcmp(a, b, UVS_GUARD_KEY6_LEN);
}

/* f's wanted keys, sorted and unique: *nkeys of them in a new array. */
static uint8_t *
wanted_keys(const struct guard_fam *f, const struct uvs_guard_rule *rules,
    size_t n, size_t *nkeys)
{
	size_t i, m = 0, klen = key_len(f);
	uint8_t *k = malloc((2 * n + 1) * klen);

	if (!k)
		return NULL;
	for (i = 0; i < n; i++) {
		if (rules[i].af != f->af)
			continue;
		key_make(f, k + m++ * klen, &rules[i].vip, rules[i].proto,
		    rules[i].port);
		key_make(f, k + m++ * klen, &rules[i].vip, 0, 0);
	}
	*nkeys = keys_unique(k, m, klen, f->af == AF_INET6 ? key6_cmp :
	    key4_cmp);
	return k;
}

/*
 * Merges two sorted key arrays: keys only in a go to *only_a, keys only
 * in b to *only_b (each array holds room for its source's count).
 */
static void
key_diff(size_t klen, const uint8_t *a, size_t na, const uint8_t *b,
    size_t nb, uint8_t *only_a, size_t *n_only_a, uint8_t *only_b,
    size_t *n_only_b)
{
	size_t i = 0, k = 0;
	int c;

	*n_only_a = *n_only_b = 0;
	while (i < na || k < nb) {
		c = i == na ? 1 : k == nb ? -1 :
		    memcmp(a + i * klen, b + k * klen, klen);
		if (c < 0)
			memcpy(only_a + (*n_only_a)++ * klen, a + i++ * klen,
			    klen);
		else if (c > 0)
			memcpy(only_b + (*n_only_b)++ * klen, b + k++ * klen,
			    klen);
		else
			i++, k++;
	}
}

/* One family's change: what the set should hold, and what differs. */
struct guard_change {
	const struct guard_fam	*f;
	uint8_t			*want, *del, *add;
	size_t			 nwant, ndel, nadd;
};

static int
change_plan(struct guard_change *c, const struct guard_fam *f,
    const struct uvs_guard_keys *have, const struct uvs_guard_rule *rules,
    size_t n)
{
	size_t klen = key_len(f);

	memset(c, 0, sizeof(*c));
	c->f = f;
	if (!(c->want = wanted_keys(f, rules, n, &c->nwant)) ||
	    !(c->del = malloc((have->nkeys + 1) * klen)) ||
	    !(c->add = malloc((c->nwant + 1) * klen)))
		return -ENOMEM;
	key_diff(klen, have->keys, have->nkeys, c->want, c->nwant, c->del,
	    &c->ndel, c->add, &c->nadd);
	return 0;
}

static void
change_free(struct guard_change *c)
{
	free(c->want);
	free(c->del);
	free(c->add);
}

/* One batch for both families: what went out deleted, the new added. */
static int
send_diff(struct uvs_guard *g, const struct guard_change *c, size_t nc)
{
	size_t i, n = 0, size;
	struct uvs_nft_batch b;
	char *buf;
	int rc;

	for (i = 0; i < nc; i++)
		n += c[i].ndel + c[i].nadd;
	if (n == 0)
		return 0;
	size = BATCH_EXTRA + n * ELEM_BYTES +
	    (n / UVS_NFT_ELEMS_PER_MSG + 2 * nc + 2) * MSG_BYTES;
	if (!(buf = malloc(size)))
		return -ENOMEM;
	uvs_nft_batch_init(&b, buf, size);
	for (i = 0; i < nc; i++) {
		uvs_nft_set_elems(&b, 1, NFPROTO_NETDEV, g->table, c[i].f->set,
		    c[i].del, c[i].ndel, key_len(c[i].f));
		uvs_nft_set_elems(&b, 0, NFPROTO_NETDEV, g->table, c[i].f->set,
		    c[i].add, c[i].nadd, key_len(c[i].f));
	}
	rc = uvs_nft_batch_send(&g->nft, &b);
	free(buf);
	return rc;
}

/* The set now holds what c wanted: keep it as what the kernel has. */
static void
keys_take(struct uvs_guard_keys *have, struct guard_change *c)
{
	free(have->keys);
	have->keys = c->want;
	have->nkeys = c->nwant;
	c->want = NULL;
}

int
uvs_guard_set(struct uvs_guard *g, const struct uvs_guard_rule *rules,
    size_t n, char *err, size_t errlen)
{
	struct guard_change c[2];
	size_t i;
	int rc;

	if (!g->on) {
		snprintf(err, errlen, "guard: not open");
		return -EBADF;
	}
	for (i = 0; i < n; i++)
		if (rules[i].af != AF_INET && rules[i].af != AF_INET6) {
			snprintf(err, errlen, "guard: address family %u",
			    rules[i].af);
			return -EAFNOSUPPORT;
		}
	rc = change_plan(&c[0], &fam4, &g->v4, rules, n);
	if (change_plan(&c[1], &fam6, &g->v6, rules, n) < 0)
		rc = -ENOMEM;
	if (rc < 0)
		snprintf(err, errlen, "guard: out of memory");
	else if ((rc = send_diff(g, c, 2)) < 0)
		snprintf(err, errlen, "guard set for %zu service%s (table "
		    "netdev %s): %s", n, n == 1 ? "" : "s", g->table,
		    strerror(-rc));
	if (rc == 0) {
		keys_take(&g->v4, &c[0]);
		keys_take(&g->v6, &c[1]);
	}
	change_free(&c[0]);
	change_free(&c[1]);
	return rc;
}

void
uvs_guard_close(struct uvs_guard *g)
{
	/* the kernel removes an owned table with its socket */
	uvs_nft_close(&g->nft);
	free(g->v4.keys);
	free(g->v6.keys);
	g->v4 = (struct uvs_guard_keys){ NULL, 0 };
	g->v6 = (struct uvs_guard_keys){ NULL, 0 };
	g->on = 0;
}
