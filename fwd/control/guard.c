/*
 * The director's kernel guard. uvsd reads frames with AF_PACKET, which
 * sees them before the netdev ingress hook; a drop there hides a frame
 * from the kernel's IP and ARP stacks only. So one ingress chain on uvsd's
 * interface, run before anything else (priority -500), drops
 *   - IPv4 to a service's VIP, protocol and port (any port for a port-0
 *     service): the kernel neither answers (RST, ICMP) nor forwards it,
 *     whatever ip_forward says or wherever the VIP is configured;
 *   - ARP requests whose target is a VIP: only uvsd answers them.
 * The chain is three fixed rules; what they drop is one hash set,
 * "services", keyed ipv4_addr . inet_proto . inet_service (12 bytes, each
 * field padded to 4), so 1 000 services cost one lookup, not 1 000 rules:
 *   VIP . proto . port   a service (port 0: every port of proto)
 *   VIP . 0 . 0          the VIP itself, for the ARP rule (IP protocol 0
 *                        is no transport, so no service can mean it)
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
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arp/arp.h"
#include "arp/kernel/nft.h"
#include "fwd/control/guard.h"

#define GUARD_CHAIN	"ingress"
#define GUARD_SET	"services"
#define GUARD_SET_ID	1
#define GUARD_PRIORITY	(-500)	/* before any filter a user may add (0) */
#define GUARD_KEY_TYPE	UVS_NFT_CONCAT(UVS_NFT_CONCAT(UVS_NFT_TYPE_IPADDR, \
			    UVS_NFT_TYPE_INET_PROTO), UVS_NFT_TYPE_INET_SERVICE)
#define OPEN_BATCH	4096	/* table, chain, set and three rules */
#define BATCH_EXTRA	1024	/* batch markers, message headers */
#define ELEM_BYTES	32	/* one element in a NEWSETELEM message */
#define MSG_BYTES	256	/* one set-element message's own headers */

/* IPv4 header field offsets (RFC 791) and the ports' (RFC 793/768). */
#define IP_OFF_DADDR	16
#define L4_OFF_DPORT	2
/* ARP fields from the network header on (RFC 826), as arp.h lays out */
#define ARP_OFF_TPA	(UVS_ARP_OFF_TPA - UVS_ARP_OFF)

/* The key's three fields, each in its own 32-bit register. */
#define REG_ADDR	NFT_REG32_00
#define REG_PROTO	NFT_REG32_01
#define REG_PORT	NFT_REG32_02

static void
key_make(uint8_t key[UVS_GUARD_KEY_LEN], uint32_t vip, uint8_t proto,
    uint16_t port)
{
	memset(key, 0, UVS_GUARD_KEY_LEN);
	memcpy(key, &vip, 4);
	key[4] = proto;
	memcpy(key + 8, &port, 2);
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
drop_if_listed(struct uvs_nft_batch *b)
{
	uvs_nft_lookup(b, REG_ADDR, GUARD_SET, GUARD_SET_ID);
	uvs_nft_counter(b);
	uvs_nft_verdict(b, NF_DROP);
	uvs_nft_rule_end(b);
}

/* ip daddr . meta l4proto . th dport @services counter drop */
static void
add_port_rule(struct uvs_nft_batch *b, const char *table)
{
	uvs_nft_rule_begin(b, NFPROTO_NETDEV, table, GUARD_CHAIN);
	match_ethertype(b, ETHERTYPE_IP);
	uvs_nft_payload(b, NFT_PAYLOAD_NETWORK_HEADER, IP_OFF_DADDR, 4,
	    REG_ADDR);
	uvs_nft_meta(b, NFT_META_L4PROTO, REG_PROTO);
	uvs_nft_payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, L4_OFF_DPORT, 2,
	    REG_PORT);
	drop_if_listed(b);
}

/* ip daddr . meta l4proto . 0 @services: port-0 services */
static void
add_anyport_rule(struct uvs_nft_batch *b, const char *table)
{
	const uint32_t zero = 0;

	uvs_nft_rule_begin(b, NFPROTO_NETDEV, table, GUARD_CHAIN);
	match_ethertype(b, ETHERTYPE_IP);
	uvs_nft_payload(b, NFT_PAYLOAD_NETWORK_HEADER, IP_OFF_DADDR, 4,
	    REG_ADDR);
	uvs_nft_meta(b, NFT_META_L4PROTO, REG_PROTO);
	uvs_nft_immediate(b, REG_PORT, &zero, sizeof(zero));
	drop_if_listed(b);
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
	uvs_nft_immediate(b, REG_PROTO, zero, sizeof(zero));
	drop_if_listed(b);
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
	uvs_nft_set_add(&b, NFPROTO_NETDEV, g->table, GUARD_SET, GUARD_SET_ID,
	    GUARD_KEY_TYPE, UVS_GUARD_KEY_LEN);
	add_port_rule(&b, g->table);
	add_anyport_rule(&b, g->table);
	add_arp_rule(&b, g->table);
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

static int
key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, UVS_GUARD_KEY_LEN);
}

/* The set's wanted keys, sorted and unique: *n of them in a new array. */
static uint8_t *
wanted_keys(const struct uvs_guard_rule *rules, size_t n, size_t *nkeys)
{
	uint8_t *k = malloc((2 * n + 1) * UVS_GUARD_KEY_LEN);
	size_t i, m = 0;

	if (!k)
		return NULL;
	for (i = 0; i < n; i++) {
		key_make(k + m++ * UVS_GUARD_KEY_LEN, rules[i].vip,
		    rules[i].proto, rules[i].port);
		key_make(k + m++ * UVS_GUARD_KEY_LEN, rules[i].vip, 0, 0);
	}
	qsort(k, m, UVS_GUARD_KEY_LEN, key_cmp);
	for (i = 0, *nkeys = 0; i < m; i++)
		if (*nkeys == 0 || key_cmp(k + i * UVS_GUARD_KEY_LEN,
		    k + (*nkeys - 1) * UVS_GUARD_KEY_LEN) != 0)
			memmove(k + (*nkeys)++ * UVS_GUARD_KEY_LEN,
			    k + i * UVS_GUARD_KEY_LEN, UVS_GUARD_KEY_LEN);
	return k;
}

/*
 * Merges two sorted key arrays: keys only in a go to *only_a, keys only
 * in b to *only_b (each array holds room for its source's count).
 */
static void
key_diff(const uint8_t *a, size_t na, const uint8_t *b, size_t nb,
    uint8_t *only_a, size_t *n_only_a, uint8_t *only_b, size_t *n_only_b)
{
	size_t i = 0, k = 0;
	int c;

	*n_only_a = *n_only_b = 0;
	while (i < na || k < nb) {
		c = i == na ? 1 : k == nb ? -1 :
		    key_cmp(a + i * UVS_GUARD_KEY_LEN, b + k * UVS_GUARD_KEY_LEN);
		if (c < 0)
			memcpy(only_a + (*n_only_a)++ * UVS_GUARD_KEY_LEN,
			    a + i++ * UVS_GUARD_KEY_LEN, UVS_GUARD_KEY_LEN);
		else if (c > 0)
			memcpy(only_b + (*n_only_b)++ * UVS_GUARD_KEY_LEN,
			    b + k++ * UVS_GUARD_KEY_LEN, UVS_GUARD_KEY_LEN);
		else
			i++, k++;
	}
}

/* One batch: the keys that went out deleted, the new ones added. */
static int
send_diff(struct uvs_guard *g, const uint8_t *del, size_t ndel,
    const uint8_t *add, size_t nadd)
{
	size_t n = ndel + nadd, size = BATCH_EXTRA + n * ELEM_BYTES +
	    (n / UVS_NFT_ELEMS_PER_MSG + 2) * MSG_BYTES;
	struct uvs_nft_batch b;
	char *buf;
	int rc;

	if (!(buf = malloc(size)))
		return -ENOMEM;
	uvs_nft_batch_init(&b, buf, size);
	uvs_nft_set_elems(&b, 1, NFPROTO_NETDEV, g->table, GUARD_SET, del,
	    ndel, UVS_GUARD_KEY_LEN);
	uvs_nft_set_elems(&b, 0, NFPROTO_NETDEV, g->table, GUARD_SET, add,
	    nadd, UVS_GUARD_KEY_LEN);
	rc = uvs_nft_batch_send(&g->nft, &b);
	free(buf);
	return rc;
}

int
uvs_guard_set(struct uvs_guard *g, const struct uvs_guard_rule *rules,
    size_t n, char *err, size_t errlen)
{
	uint8_t *want, *del = NULL, *add = NULL;
	size_t nwant, ndel, nadd;
	int rc = -ENOMEM;

	if (!g->on) {
		snprintf(err, errlen, "guard: not open");
		return -EBADF;
	}
	if (!(want = wanted_keys(rules, n, &nwant)) ||
	    !(del = malloc((g->nkeys + 1) * UVS_GUARD_KEY_LEN)) ||
	    !(add = malloc((nwant + 1) * UVS_GUARD_KEY_LEN))) {
		snprintf(err, errlen, "guard: out of memory");
		goto out;
	}
	key_diff(g->keys, g->nkeys, want, nwant, del, &ndel, add, &nadd);
	rc = ndel + nadd ? send_diff(g, del, ndel, add, nadd) : 0;
	if (rc < 0) {
		snprintf(err, errlen, "guard set for %zu service%s (table "
		    "netdev %s): %s", n, n == 1 ? "" : "s", g->table,
		    strerror(-rc));
		goto out;
	}
	free(g->keys);
	g->keys = want;
	g->nkeys = nwant;
	want = NULL;
out:
	free(want);
	free(del);
	free(add);
	return rc;
}

void
uvs_guard_close(struct uvs_guard *g)
{
	/* the kernel removes an owned table with its socket */
	uvs_nft_close(&g->nft);
	free(g->keys);
	g->keys = NULL;
	g->nkeys = 0;
	g->on = 0;
}
