/*
 * The director's kernel guard. uvsd reads frames with AF_PACKET, which
 * sees them before the netdev ingress hook; a drop there hides a frame
 * from the kernel's IP and ARP stacks only. So one ingress chain on uvsd's
 * interface, run before anything else (priority -500), drops
 *   - IPv4 to each service's VIP, protocol and port (any port for a
 *     port-0 service): the kernel neither answers (RST, ICMP) nor forwards
 *     it, whatever ip_forward says or wherever the VIP is configured;
 *   - ARP requests whose target is a VIP: only uvsd answers them.
 * The table belongs to uvsd's netlink socket (NFT_TABLE_F_OWNER): the
 * kernel deletes it when uvsd exits, also by SIGKILL, so it never outlives
 * the process it protects. A rule set is replaced whole, flush and adds in
 * one batch, so the kernel never sees half of one. Every rule has a
 * counter: `nft list ruleset` in the director's namespace shows the drops.
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
#define GUARD_PRIORITY	(-500)	/* before any filter a user may add (0) */
#define RULE_BYTES	640	/* a built rule is under 500 bytes */
#define BATCH_EXTRA	1024	/* batch markers, flush */

/* IPv4 header field offsets (RFC 791) and the ports' (RFC 793/768). */
#define IP_OFF_DADDR	16
#define L4_OFF_DPORT	2
/* ARP fields from the network header on (RFC 826), as arp.h lays out */
#define ARP_OFF_TPA	(UVS_ARP_OFF_TPA - UVS_ARP_OFF)

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
	char buf[1024];
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

/* meta protocol == ethertype: the rules below read the right header. */
static void
match_ethertype(struct uvs_nft_batch *b, uint16_t type)
{
	uint16_t v = htons(type);

	uvs_nft_meta(b, NFT_META_PROTOCOL, NFT_REG_1);
	uvs_nft_cmp_eq(b, NFT_REG_1, &v, sizeof(v));
}

static void
drop_counted(struct uvs_nft_batch *b)
{
	uvs_nft_counter(b);
	uvs_nft_verdict(b, NF_DROP);
	uvs_nft_rule_end(b);
}

/* ip daddr VIP meta l4proto PROTO [th dport PORT] counter drop */
static void
add_service_rule(struct uvs_nft_batch *b, const char *table,
    const struct uvs_guard_rule *r)
{
	uvs_nft_rule_begin(b, NFPROTO_NETDEV, table, GUARD_CHAIN);
	match_ethertype(b, ETHERTYPE_IP);
	uvs_nft_payload(b, NFT_PAYLOAD_NETWORK_HEADER, IP_OFF_DADDR,
	    sizeof(r->vip), NFT_REG_1);
	uvs_nft_cmp_eq(b, NFT_REG_1, &r->vip, sizeof(r->vip));
	uvs_nft_meta(b, NFT_META_L4PROTO, NFT_REG_1);
	uvs_nft_cmp_eq(b, NFT_REG_1, &r->proto, sizeof(r->proto));
	if (r->port != 0) {
		uvs_nft_payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, L4_OFF_DPORT,
		    sizeof(r->port), NFT_REG_1);
		uvs_nft_cmp_eq(b, NFT_REG_1, &r->port, sizeof(r->port));
	}
	drop_counted(b);
}

/* arp htype 1 ptype ip hlen 6 plen 4 operation request, tpa VIP: drop */
static void
add_arp_rule(struct uvs_nft_batch *b, const char *table, uint32_t vip)
{
	const struct arphdr req = {
		.ar_hrd = htons(ARPHRD_ETHER),
		.ar_pro = htons(ETHERTYPE_IP),
		.ar_hln = ETH_ALEN,
		.ar_pln = sizeof(vip),
		.ar_op = htons(ARPOP_REQUEST),
	};

	uvs_nft_rule_begin(b, NFPROTO_NETDEV, table, GUARD_CHAIN);
	match_ethertype(b, ETHERTYPE_ARP);
	/* the fixed header first: only then is the target IP at 24 */
	uvs_nft_payload(b, NFT_PAYLOAD_NETWORK_HEADER, 0, sizeof(req),
	    NFT_REG_1);
	uvs_nft_cmp_eq(b, NFT_REG_1, &req, sizeof(req));
	uvs_nft_payload(b, NFT_PAYLOAD_NETWORK_HEADER, ARP_OFF_TPA, sizeof(vip),
	    NFT_REG_1);
	uvs_nft_cmp_eq(b, NFT_REG_1, &vip, sizeof(vip));
	drop_counted(b);
}

/* 1 when rules[0..i) already has rules[i]'s VIP: one ARP rule per VIP. */
static int
vip_seen(const struct uvs_guard_rule *rules, size_t i)
{
	size_t k;

	for (k = 0; k < i; k++)
		if (rules[k].vip == rules[i].vip)
			return 1;
	return 0;
}

int
uvs_guard_set(struct uvs_guard *g, const struct uvs_guard_rule *rules,
    size_t n, char *err, size_t errlen)
{
	struct uvs_nft_batch b;
	size_t i, size = BATCH_EXTRA + 2 * n * RULE_BYTES;
	char *buf;
	int rc;

	if (!g->on) {
		snprintf(err, errlen, "guard: not open");
		return -EBADF;
	}
	if (!(buf = malloc(size))) {
		snprintf(err, errlen, "guard: out of memory");
		return -ENOMEM;
	}
	uvs_nft_batch_init(&b, buf, size);
	uvs_nft_chain_flush(&b, NFPROTO_NETDEV, g->table, GUARD_CHAIN);
	for (i = 0; i < n; i++) {
		add_service_rule(&b, g->table, &rules[i]);
		if (!vip_seen(rules, i))
			add_arp_rule(&b, g->table, rules[i].vip);
	}
	rc = uvs_nft_batch_send(&g->nft, &b);
	free(buf);
	if (rc < 0)
		snprintf(err, errlen, "guard rules for %zu service%s (table "
		    "netdev %s): %s", n, n == 1 ? "" : "s", g->table,
		    strerror(-rc));
	return rc;
}

void
uvs_guard_close(struct uvs_guard *g)
{
	/* the kernel removes an owned table with its socket */
	uvs_nft_close(&g->nft);
	g->on = 0;
}
