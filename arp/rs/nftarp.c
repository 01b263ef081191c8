/*
 * ARP suppression by nftables: the arptables_jf pair as nft arp rules in
 * table arp uvs-rs. Input drops ARP whose target is a VIP; output
 * rewrites a VIP as sender of the host's own ARP to its real address.
 * The table is loaded whole from the state file's list, in one batch,
 * so the rules always match what the file says.
 */
#include <arpa/inet.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter_arp.h>
#include <net/ethernet.h>
#include <net/if_arp.h>

#include <errno.h>
#include <stdlib.h>

#include "arp/arp.h"
#include "arp/kernel/nft.h"
#include "arp/rs/rs.h"

/* ARP for IPv4 over Ethernet: only then are the addresses at ARP_OFF_*. */
static void
match_arp(struct uvs_nft_batch *b, uint32_t off, uint32_t addr)
{
	struct arphdr	h = {
		.ar_hrd = htons(ARPHRD_ETHER),
		.ar_pro = htons(ETHERTYPE_IP),
		.ar_hln = ETH_ALEN,
		.ar_pln = sizeof(addr),
	};

	/* the fixed fields up to, not with, the operation: any op */
	uvs_nft_payload(b, NFT_PAYLOAD_NETWORK_HEADER, 0,
	    offsetof(struct arphdr, ar_op), NFT_REG_1);
	uvs_nft_cmp_eq(b, NFT_REG_1, &h, offsetof(struct arphdr, ar_op));
	uvs_nft_payload(b, NFT_PAYLOAD_NETWORK_HEADER, off, sizeof(addr),
	    NFT_REG_1);
	uvs_nft_cmp_eq(b, NFT_REG_1, &addr, sizeof(addr));
}

/* arptables -A IN -d VIP -j DROP */
static void
nft_rule_in(struct uvs_nft_batch *b, uint32_t vip)
{
	uvs_nft_rule_begin(b, NFPROTO_ARP, NFT_TABLE, NFT_IN);
	match_arp(b, ARP_OFF_TPA, vip);
	uvs_nft_counter(b);
	uvs_nft_verdict(b, NF_DROP);
	uvs_nft_rule_end(b);
}

/* arptables -A OUT -s VIP -j mangle --mangle-ip-s RIP */
static void
nft_rule_out(struct uvs_nft_batch *b, uint32_t vip, uint32_t rip)
{
	uvs_nft_rule_begin(b, NFPROTO_ARP, NFT_TABLE, NFT_OUT);
	match_arp(b, ARP_OFF_SPA, vip);
	uvs_nft_counter(b);
	uvs_nft_immediate(b, NFT_REG_1, &rip, sizeof(rip));
	uvs_nft_payload_set(b, NFT_PAYLOAD_NETWORK_HEADER, ARP_OFF_SPA,
	    sizeof(rip), NFT_REG_1);
	uvs_nft_rule_end(b);
}

/*
 * Loads the rules for every VIP in st->nft as one batch, replacing what
 * the table had; with none left the table goes. 0 or -errno.
 */
int
nft_load(const struct rs_state *st)
{
	const struct uvs_nft_hook in = { .hooknum = NF_ARP_IN,
	    .priority = NFT_PRIORITY };
	const struct uvs_nft_hook out = { .hooknum = NF_ARP_OUT,
	    .priority = NFT_PRIORITY };
	struct uvs_nft_batch	 b;
	struct uvs_nft		 n;
	size_t			 i, size = NFT_RULE_BYTES * (st->nnft + 2);
	char			*buf;
	int			 rc;

	if ((buf = malloc(size)) == NULL)
		return -ENOMEM;
	if ((rc = uvs_nft_open(&n)) < 0) {
		free(buf);
		return rc;
	}
	uvs_nft_batch_init(&b, buf, size);
	if (st->nnft == 0)
		uvs_nft_table_del(&b, NFPROTO_ARP, NFT_TABLE);
	else {
		/* persistent, not owned: the rules outlive uvs-rs */
		uvs_nft_table_add(&b, NFPROTO_ARP, NFT_TABLE, 0);
		uvs_nft_chain_add(&b, NFPROTO_ARP, NFT_TABLE, NFT_IN, &in);
		uvs_nft_chain_add(&b, NFPROTO_ARP, NFT_TABLE, NFT_OUT, &out);
		uvs_nft_chain_flush(&b, NFPROTO_ARP, NFT_TABLE, NFT_IN);
		uvs_nft_chain_flush(&b, NFPROTO_ARP, NFT_TABLE, NFT_OUT);
	}
	for (i = 0; i < st->nnft; i++) {
		nft_rule_in(&b, st->nft[i].vip);
		nft_rule_out(&b, st->nft[i].vip, st->nft[i].rip);
	}
	rc = uvs_nft_batch_send(&n, &b);
	uvs_nft_close(&n);
	free(buf);
	/* no table to delete is what was wanted */
	return st->nnft == 0 && rc == -ENOENT ? 0 : rc;
}

