/*
 * Belt and braces for IPv6 VIPs (up --arp nft): table ip6 uvs-rs, whose
 * input chain drops Neighbor Solicitations whose target is a VIP, and
 * whose output chain drops this host's own NS sent from one. For a VIP on
 * lo the kernel already does both (vip6.c); the rules keep it so if the
 * VIP ever lands on another interface too, as the arp rules do for IPv4.
 * The table is loaded whole from the state file's vip6 lines marked nft,
 * in one batch; check reads the rules back and knows only its own shape.
 */
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arp/kernel/nft.h"
#include "arp/rs/rs.h"

#define IP6_OFF_SADDR	8	/* RFC 8200 */
#define NS_OFF_TARGET	8	/* RFC 4861 4.3, from the ICMPv6 header */

/* meta l4proto ipv6-icmp, icmpv6 type nd-neighbor-solicit */
static void
match_ns(struct uvs_nft_batch *b)
{
	const uint8_t icmp6 = IPPROTO_ICMPV6, ns = ND_NEIGHBOR_SOLICIT;

	uvs_nft_meta(b, NFT_META_L4PROTO, NFT_REG_1);
	uvs_nft_cmp_eq(b, NFT_REG_1, &icmp6, sizeof(icmp6));
	uvs_nft_payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1, NFT_REG_1);
	uvs_nft_cmp_eq(b, NFT_REG_1, &ns, sizeof(ns));
}

/* base header's field at off (16 bytes) == vip, counter drop */
static void
nft6_rule(struct uvs_nft_batch *b, const char *chain, uint32_t base,
    uint32_t off, const struct in6_addr *vip)
{
	uvs_nft_rule_begin(b, NFPROTO_IPV6, NFT_TABLE, chain);
	match_ns(b);
	uvs_nft_payload(b, base, off, sizeof(*vip), NFT_REG_1);
	uvs_nft_cmp_eq(b, NFT_REG_1, vip, sizeof(*vip));
	uvs_nft_counter(b);
	uvs_nft_verdict(b, NF_DROP);
	uvs_nft_rule_end(b);
}

int
nft6_load(const struct rs_state *st)
{
	const struct uvs_nft_hook in = { .hooknum = NF_INET_LOCAL_IN,
	    .priority = NFT_PRIORITY };
	const struct uvs_nft_hook out = { .hooknum = NF_INET_LOCAL_OUT,
	    .priority = NFT_PRIORITY };
	struct uvs_nft_batch	 b;
	struct uvs_nft		 n;
	size_t			 i, nnft = 0, size;
	char			*buf;
	int			 rc;

	for (i = 0; i < st->nvip6; i++)
		nnft += st->vip6[i].nft;
	size = NFT_RULE_BYTES * (nnft + 2);
	if ((buf = malloc(size)) == NULL)
		return -ENOMEM;
	if ((rc = uvs_nft_open(&n)) < 0) {
		free(buf);
		return rc;
	}
	uvs_nft_batch_init(&b, buf, size);
	if (nnft == 0)
		uvs_nft_table_del(&b, NFPROTO_IPV6, NFT_TABLE);
	else {
		uvs_nft_table_add(&b, NFPROTO_IPV6, NFT_TABLE, 0);
		uvs_nft_chain_add(&b, NFPROTO_IPV6, NFT_TABLE, NFT_IN, &in);
		uvs_nft_chain_add(&b, NFPROTO_IPV6, NFT_TABLE, NFT_OUT, &out);
		uvs_nft_chain_flush(&b, NFPROTO_IPV6, NFT_TABLE, NFT_IN);
		uvs_nft_chain_flush(&b, NFPROTO_IPV6, NFT_TABLE, NFT_OUT);
	}
	for (i = 0; i < st->nvip6; i++) {
		if (!st->vip6[i].nft)
			continue;
		nft6_rule(&b, NFT_IN, NFT_PAYLOAD_TRANSPORT_HEADER,
		    NS_OFF_TARGET, &st->vip6[i].addr);
		nft6_rule(&b, NFT_OUT, NFT_PAYLOAD_NETWORK_HEADER,
		    IP6_OFF_SADDR, &st->vip6[i].addr);
	}
	rc = uvs_nft_batch_send(&n, &b);
	uvs_nft_close(&n);
	free(buf);
	/* no table to delete is what was wanted */
	return nnft == 0 && rc == -ENOENT ? 0 : rc;
}

/* What check looks for in one chain: the rule's base and offset. */
struct nft6_seen {
	uint32_t		 base, off;
	const struct in6_addr	*vip;
	size_t			 nvip;
	int			*found;		/* by VIP */
};

/*
 * The VIP a rule of ours drops NS for: an NS match, a 16-byte load from
 * base/off compared equal to the VIP, a drop. Anything else: not ours.
 */
static int
nft6_rule_vip(const struct uvs_nft_rule *r, const struct nft6_seen *s,
    struct in6_addr *vip)
{
	const struct uvs_nft_expr	*e;
	int				 loaded = 0, ns = 0, have = 0, drop = 0;
	size_t				 i;

	for (i = 0; i < r->nexpr && !r->truncated; i++) {
		e = &r->expr[i];
		if (strcmp(e->name, "payload") == 0)
			loaded = e->base == s->base && e->offset == s->off &&
			    e->len == sizeof(*vip) ? 2 : e->base ==
			    NFT_PAYLOAD_TRANSPORT_HEADER && e->offset == 0 &&
			    e->len == 1 ? 1 : 0;
		else if (strcmp(e->name, "cmp") == 0 && e->op == NFT_CMP_EQ) {
			if (loaded == 1 && e->dlen == 1 &&
			    e->data[0] == ND_NEIGHBOR_SOLICIT)
				ns = 1;
			if (loaded == 2 && e->dlen == sizeof(*vip)) {
				memcpy(vip, e->data, sizeof(*vip));
				have = 1;
			}
		} else if (e->is_verdict && e->verdict == NF_DROP)
			drop = 1;
	}
	return ns && have && drop ? 0 : -1;
}

static int
nft6_found(const struct uvs_nft_rule *r, void *arg)
{
	struct nft6_seen	*s = arg;
	struct in6_addr		 vip;
	size_t			 i;

	if (nft6_rule_vip(r, s, &vip) < 0)
		return 0;
	for (i = 0; i < s->nvip; i++)
		if (memcmp(&s->vip[i], &vip, sizeof(vip)) == 0)
			s->found[i] = 1;
	return 0;
}

int
nft6_check(const struct in6_addr *vip, size_t nvip, int *in, int *out)
{
	struct nft6_seen	 s = { .vip = vip, .nvip = nvip };
	struct uvs_nft		 n;
	int			 rc;

	memset(in, 0, nvip * sizeof(*in));
	memset(out, 0, nvip * sizeof(*out));
	if ((rc = uvs_nft_open(&n)) < 0)
		return rc == -EPROTONOSUPPORT ? 0 : rc;
	s.base = NFT_PAYLOAD_TRANSPORT_HEADER;
	s.off = NS_OFF_TARGET;
	s.found = in;
	rc = uvs_nft_rules_each(&n, NFPROTO_IPV6, NFT_TABLE, NFT_IN,
	    nft6_found, &s);
	s.base = NFT_PAYLOAD_NETWORK_HEADER;
	s.off = IP6_OFF_SADDR;
	s.found = out;
	if (rc == 0)
		rc = uvs_nft_rules_each(&n, NFPROTO_IPV6, NFT_TABLE, NFT_OUT,
		    nft6_found, &s);
	uvs_nft_close(&n);
	return rc;
}
