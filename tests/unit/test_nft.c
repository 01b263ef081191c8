/*
 * Unit tests for the nf_tables batch builder (arp/kernel/nft.c), without a
 * kernel: every batch is built in a buffer and read back attribute by
 * attribute, as the kernel's nfnetlink would, and every rule goes round
 * trip through uvs_nft_rule_parse. Failures must stick: a batch that ran
 * out of room or was misused never reaches a socket.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter_arp.h>
#include <libmnl/libmnl.h>
#include <cmocka.h>

#include "arp/kernel/nft.h"

#define MSG(t)	((NFNL_SUBSYS_NFTABLES << 8) | (t))

/* The n-th message of a finished batch (0 is BATCH_BEGIN). */
static const struct nlmsghdr *
nth_msg(const struct uvs_nft_batch *b, int n)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)b->buf;
	int left = (int)b->len;

	while (mnl_nlmsg_ok(nlh, left)) {
		if (n-- == 0)
			return nlh;
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	return NULL;
}

static int
count_msgs(const struct uvs_nft_batch *b)
{
	int n = 0;

	while (nth_msg(b, n))
		n++;
	return n;
}

/* The first attribute of type inside nest (or the message when NULL). */
static const struct nlattr *
find_attr(const struct nlmsghdr *nlh, const struct nlattr *nest, uint16_t type)
{
	const struct nlattr *a;

	if (nest) {
		mnl_attr_for_each_nested(a, nest)
			if (mnl_attr_get_type(a) == type)
				return a;
		return NULL;
	}
	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
		if (mnl_attr_get_type(a) == type)
			return a;
	return NULL;
}

static uint32_t
be32_of(const struct nlattr *a)
{
	assert_non_null(a);
	assert_int_equal(mnl_attr_get_payload_len(a), 4);
	return ntohl(mnl_attr_get_u32(a));
}

static void
test_batch_markers(void **state)
{
	char buf[256];
	struct uvs_nft_batch b;
	const struct nfgenmsg *nfg;
	const struct nlmsghdr *nlh;

	(void)state;
	uvs_nft_batch_init(&b, buf, sizeof(buf));
	assert_int_equal(uvs_nft_batch_end(&b), 0);
	assert_int_equal(uvs_nft_batch_end(&b), 0);	/* once only */
	assert_int_equal(count_msgs(&b), 2);
	nlh = nth_msg(&b, 0);
	assert_int_equal(nlh->nlmsg_type, NFNL_MSG_BATCH_BEGIN);
	nfg = mnl_nlmsg_get_payload(nlh);
	/* the batch names its subsystem in res_id, big-endian */
	assert_int_equal(ntohs(nfg->res_id), NFNL_SUBSYS_NFTABLES);
	assert_int_equal(nfg->nfgen_family, AF_UNSPEC);
	assert_int_equal(nth_msg(&b, 1)->nlmsg_type, NFNL_MSG_BATCH_END);
	assert_false(nlh->nlmsg_flags & NLM_F_ACK);
}

static void
test_table_and_owner(void **state)
{
	char buf[512];
	struct uvs_nft_batch b;
	const struct nlmsghdr *nlh;
	const struct nfgenmsg *nfg;

	(void)state;
	uvs_nft_batch_init(&b, buf, sizeof(buf));
	uvs_nft_table_add(&b, NFPROTO_NETDEV, "uvsd-3", NFT_TABLE_F_OWNER);
	uvs_nft_table_del(&b, NFPROTO_ARP, "uvs-rs");
	assert_int_equal(uvs_nft_batch_end(&b), 0);
	assert_int_equal(count_msgs(&b), 4);

	nlh = nth_msg(&b, 1);
	assert_int_equal(nlh->nlmsg_type, MSG(NFT_MSG_NEWTABLE));
	assert_true(nlh->nlmsg_flags & NLM_F_ACK);
	assert_true(nlh->nlmsg_flags & NLM_F_CREATE);
	assert_false(nlh->nlmsg_flags & NLM_F_EXCL);
	nfg = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(nfg->nfgen_family, NFPROTO_NETDEV);
	assert_int_equal(nfg->res_id, 0);
	assert_string_equal(mnl_attr_get_str(find_attr(nlh, NULL,
	    NFTA_TABLE_NAME)), "uvsd-3");
	assert_int_equal(be32_of(find_attr(nlh, NULL, NFTA_TABLE_FLAGS)),
	    NFT_TABLE_F_OWNER);

	nlh = nth_msg(&b, 2);
	assert_int_equal(nlh->nlmsg_type, MSG(NFT_MSG_DELTABLE));
	assert_true(nlh->nlmsg_flags & NLM_F_ACK);
	assert_string_equal(mnl_attr_get_str(find_attr(nlh, NULL,
	    NFTA_TABLE_NAME)), "uvs-rs");
}

static void
test_chain_hook(void **state)
{
	const struct uvs_nft_hook ingress = { .hooknum = NF_NETDEV_INGRESS,
	    .priority = -500, .dev = "eth0" };
	const struct uvs_nft_hook arp_out = { .hooknum = NF_ARP_OUT };
	char buf[1024];
	struct uvs_nft_batch b;
	const struct nlmsghdr *nlh;
	const struct nlattr *hook;

	(void)state;
	uvs_nft_batch_init(&b, buf, sizeof(buf));
	uvs_nft_chain_add(&b, NFPROTO_NETDEV, "t", "ingress", &ingress);
	uvs_nft_chain_add(&b, NFPROTO_ARP, "t", "output", &arp_out);
	uvs_nft_chain_flush(&b, NFPROTO_NETDEV, "t", "ingress");
	assert_int_equal(uvs_nft_batch_end(&b), 0);

	nlh = nth_msg(&b, 1);
	assert_int_equal(nlh->nlmsg_type, MSG(NFT_MSG_NEWCHAIN));
	assert_string_equal(mnl_attr_get_str(find_attr(nlh, NULL,
	    NFTA_CHAIN_TABLE)), "t");
	assert_string_equal(mnl_attr_get_str(find_attr(nlh, NULL,
	    NFTA_CHAIN_NAME)), "ingress");
	assert_string_equal(mnl_attr_get_str(find_attr(nlh, NULL,
	    NFTA_CHAIN_TYPE)), "filter");
	assert_int_equal(be32_of(find_attr(nlh, NULL, NFTA_CHAIN_POLICY)),
	    NF_ACCEPT);
	hook = find_attr(nlh, NULL, NFTA_CHAIN_HOOK);
	assert_non_null(hook);
	assert_int_equal(be32_of(find_attr(nlh, hook, NFTA_HOOK_HOOKNUM)),
	    NF_NETDEV_INGRESS);
	/* a negative priority travels as its two's complement */
	assert_int_equal((int32_t)be32_of(find_attr(nlh, hook,
	    NFTA_HOOK_PRIORITY)), -500);
	assert_string_equal(mnl_attr_get_str(find_attr(nlh, hook,
	    NFTA_HOOK_DEV)), "eth0");

	nlh = nth_msg(&b, 2);
	hook = find_attr(nlh, NULL, NFTA_CHAIN_HOOK);
	assert_int_equal(be32_of(find_attr(nlh, hook, NFTA_HOOK_HOOKNUM)),
	    NF_ARP_OUT);
	assert_null(find_attr(nlh, hook, NFTA_HOOK_DEV));

	/* a flush is a DELRULE naming the chain and no handle */
	nlh = nth_msg(&b, 3);
	assert_int_equal(nlh->nlmsg_type, MSG(NFT_MSG_DELRULE));
	assert_string_equal(mnl_attr_get_str(find_attr(nlh, NULL,
	    NFTA_RULE_CHAIN)), "ingress");
	assert_null(find_attr(nlh, NULL, NFTA_RULE_HANDLE));
}

/* The guard's shape: ip daddr VIP tcp dport 80 counter drop. */
static void
test_rule_round_trip(void **state)
{
	char buf[2048];
	struct uvs_nft_batch b;
	struct uvs_nft_rule r;
	const struct nlmsghdr *nlh;
	uint16_t proto = htons(0x0800), port = htons(80);
	uint32_t vip = htonl(0xc612000a);
	uint8_t tcp = 6;

	(void)state;
	uvs_nft_batch_init(&b, buf, sizeof(buf));
	uvs_nft_rule_begin(&b, NFPROTO_NETDEV, "t", "ingress");
	uvs_nft_meta(&b, NFT_META_PROTOCOL, NFT_REG_1);
	uvs_nft_cmp_eq(&b, NFT_REG_1, &proto, sizeof(proto));
	uvs_nft_payload(&b, NFT_PAYLOAD_NETWORK_HEADER, 16, 4, NFT_REG_1);
	uvs_nft_cmp_eq(&b, NFT_REG_1, &vip, sizeof(vip));
	uvs_nft_meta(&b, NFT_META_L4PROTO, NFT_REG_1);
	uvs_nft_cmp_eq(&b, NFT_REG_1, &tcp, sizeof(tcp));
	uvs_nft_payload(&b, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, NFT_REG_1);
	uvs_nft_cmp_eq(&b, NFT_REG_1, &port, sizeof(port));
	uvs_nft_counter(&b);
	uvs_nft_verdict(&b, NF_DROP);
	uvs_nft_rule_end(&b);
	assert_int_equal(uvs_nft_batch_end(&b), 0);

	nlh = nth_msg(&b, 1);
	assert_int_equal(nlh->nlmsg_type, MSG(NFT_MSG_NEWRULE));
	assert_true(nlh->nlmsg_flags & NLM_F_APPEND);
	assert_true(nlh->nlmsg_flags & NLM_F_ACK);
	assert_int_equal(uvs_nft_rule_parse(nlh, &r), 0);
	assert_int_equal(r.nexpr, 10);
	assert_false(r.truncated);

	assert_string_equal(r.expr[0].name, "meta");
	assert_int_equal(r.expr[0].key, NFT_META_PROTOCOL);
	assert_int_equal(r.expr[0].dreg, NFT_REG_1);
	assert_string_equal(r.expr[1].name, "cmp");
	assert_int_equal(r.expr[1].op, NFT_CMP_EQ);
	assert_int_equal(r.expr[1].sreg, NFT_REG_1);
	assert_int_equal(r.expr[1].dlen, 2);
	assert_memory_equal(r.expr[1].data, &proto, 2);
	assert_string_equal(r.expr[2].name, "payload");
	assert_int_equal(r.expr[2].base, NFT_PAYLOAD_NETWORK_HEADER);
	assert_int_equal(r.expr[2].offset, 16);
	assert_int_equal(r.expr[2].len, 4);
	assert_int_equal(r.expr[2].sreg, -1);
	assert_memory_equal(r.expr[3].data, &vip, 4);
	assert_int_equal(r.expr[4].key, NFT_META_L4PROTO);
	assert_int_equal(r.expr[5].dlen, 1);
	assert_int_equal(r.expr[6].base, NFT_PAYLOAD_TRANSPORT_HEADER);
	assert_memory_equal(r.expr[7].data, &port, 2);
	assert_string_equal(r.expr[8].name, "counter");
	assert_string_equal(r.expr[9].name, "immediate");
	assert_true(r.expr[9].is_verdict);
	assert_int_equal(r.expr[9].verdict, NF_DROP);
	assert_int_equal(r.expr[9].dreg, NFT_REG_VERDICT);
}

/* uvs-rs's output rule: a value loaded, then written into the packet. */
static void
test_payload_write(void **state)
{
	char buf[1024];
	struct uvs_nft_batch b;
	struct uvs_nft_rule r;
	const struct nlmsghdr *nlh;
	const struct nlattr *exprs, *elem, *last, *data;
	uint32_t rip = htonl(0xc612000b);

	(void)state;
	uvs_nft_batch_init(&b, buf, sizeof(buf));
	uvs_nft_rule_begin(&b, NFPROTO_ARP, "uvs-rs", "output");
	uvs_nft_immediate(&b, NFT_REG_1, &rip, sizeof(rip));
	uvs_nft_payload_set(&b, NFT_PAYLOAD_NETWORK_HEADER, 14, 4, NFT_REG_1);
	uvs_nft_rule_end(&b);
	assert_int_equal(uvs_nft_batch_end(&b), 0);
	nlh = nth_msg(&b, 1);
	assert_int_equal(uvs_nft_rule_parse(nlh, &r), 0);
	assert_int_equal(r.nexpr, 2);
	assert_false(r.expr[0].is_verdict);
	assert_int_equal(r.expr[0].dreg, NFT_REG_1);
	assert_memory_equal(r.expr[0].data, &rip, 4);
	assert_string_equal(r.expr[1].name, "payload");
	assert_int_equal(r.expr[1].sreg, NFT_REG_1);
	assert_int_equal(r.expr[1].dreg, -1);
	assert_int_equal(r.expr[1].offset, 14);

	/* a write names no checksum to fix: ARP has none */
	exprs = find_attr(nlh, NULL, NFTA_RULE_EXPRESSIONS);
	last = NULL;
	mnl_attr_for_each_nested(elem, exprs)
		last = elem;
	data = find_attr(nlh, last, NFTA_EXPR_DATA);
	assert_non_null(data);
	assert_int_equal(be32_of(find_attr(nlh, data, NFTA_PAYLOAD_CSUM_TYPE)),
	    NFT_PAYLOAD_CSUM_NONE);
}

static void
test_no_room_sticks(void **state)
{
	char buf[96];
	struct uvs_nft_batch b;
	size_t len;

	(void)state;
	uvs_nft_batch_init(&b, buf, sizeof(buf));
	len = b.len;
	uvs_nft_rule_begin(&b, NFPROTO_NETDEV, "a-table-name", "a-chain");
	uvs_nft_counter(&b);
	uvs_nft_counter(&b);
	uvs_nft_counter(&b);
	uvs_nft_rule_end(&b);
	/* once failed, later calls neither write nor clear the error */
	uvs_nft_table_del(&b, NFPROTO_NETDEV, "x");
	assert_int_equal(uvs_nft_batch_end(&b), -ENOSPC);
	assert_int_equal(b.len, len);
	assert_int_equal(uvs_nft_batch_send(NULL, &b), -ENOSPC);
}

static void
test_misuse(void **state)
{
	char buf[1024], name[NFT_NAME_MAXLEN + 1];
	struct uvs_nft_batch b;
	uint8_t big[UVS_NFT_DATA_MAX + 1] = { 0 };

	(void)state;
	uvs_nft_batch_init(&b, buf, sizeof(buf));
	uvs_nft_counter(&b);	/* outside a rule */
	assert_int_equal(uvs_nft_batch_end(&b), -EINVAL);

	uvs_nft_batch_init(&b, buf, sizeof(buf));
	uvs_nft_rule_begin(&b, NFPROTO_NETDEV, "t", "c");
	uvs_nft_counter(&b);	/* and never ended */
	assert_int_equal(uvs_nft_batch_end(&b), -EINVAL);

	uvs_nft_batch_init(&b, buf, sizeof(buf));
	uvs_nft_rule_begin(&b, NFPROTO_NETDEV, "t", "c");
	uvs_nft_cmp_eq(&b, NFT_REG_1, big, sizeof(big));
	uvs_nft_rule_end(&b);
	assert_int_equal(uvs_nft_batch_end(&b), -EINVAL);

	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	uvs_nft_batch_init(&b, buf, sizeof(buf));
	uvs_nft_table_add(&b, NFPROTO_NETDEV, name, 0);
	assert_int_equal(uvs_nft_batch_end(&b), -ENAMETOOLONG);

	uvs_nft_batch_init(&b, buf, sizeof(buf));
	assert_int_equal(uvs_nft_batch_end(&b), 0);
	uvs_nft_table_del(&b, NFPROTO_NETDEV, "late");	/* after END */
	assert_int_equal(b.err, -EINVAL);
}

static void
test_parse_rejects_short(void **state)
{
	char buf[64];
	struct nlmsghdr *nlh;
	struct uvs_nft_rule r;

	(void)state;
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = MSG(NFT_MSG_NEWRULE);
	assert_int_equal(uvs_nft_rule_parse(nlh, &r), -EPROTO);
}

/* A set's key type and length, and its elements in messages of 256. */
static void
test_set_and_elements(void **state)
{
	static char buf[65536];
	static uint8_t keys[600][12];
	const struct nlmsghdr *nlh;
	const struct nlattr *list, *a;
	struct uvs_nft_batch b;
	uint32_t type = UVS_NFT_CONCAT(UVS_NFT_CONCAT(UVS_NFT_TYPE_IPADDR,
	    UVS_NFT_TYPE_INET_PROTO), UVS_NFT_TYPE_INET_SERVICE);
	int i, n, total = 0;

	(void)state;
	for (i = 0; i < 600; i++)
		memcpy(keys[i], &i, sizeof(i));
	uvs_nft_batch_init(&b, buf, sizeof(buf));
	uvs_nft_set_add(&b, NFPROTO_NETDEV, "t", "services", 1, type, 12);
	uvs_nft_set_elems(&b, 0, NFPROTO_NETDEV, "t", "services", keys, 600,
	    12);
	uvs_nft_set_elems(&b, 1, NFPROTO_NETDEV, "t", "services", keys, 1, 12);
	assert_int_equal(uvs_nft_batch_end(&b), 0);
	/* begin, set, 3 adds (256 + 256 + 88), 1 delete, end */
	assert_int_equal(count_msgs(&b), 7);
	nlh = nth_msg(&b, 1);
	assert_int_equal(nlh->nlmsg_type, MSG(NFT_MSG_NEWSET));
	assert_string_equal(mnl_attr_get_str(find_attr(nlh, NULL,
	    NFTA_SET_NAME)), "services");
	/* ipv4_addr . inet_proto . inet_service, as nft encodes it */
	assert_int_equal(be32_of(find_attr(nlh, NULL, NFTA_SET_KEY_TYPE)),
	    (7u << 12) | (12u << 6) | 13u);
	assert_int_equal(be32_of(find_attr(nlh, NULL, NFTA_SET_KEY_LEN)), 12);
	for (i = 2; i <= 5; i++) {
		nlh = nth_msg(&b, i);
		assert_int_equal(nlh->nlmsg_type, MSG(i < 5 ?
		    NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM));
		list = find_attr(nlh, NULL, NFTA_SET_ELEM_LIST_ELEMENTS);
		assert_non_null(list);
		n = 0;
		mnl_attr_for_each_nested(a, list)
			n++;
		assert_int_equal(n, i == 2 || i == 3 ? 256 : i == 4 ? 88 : 1);
		total += i < 5 ? n : 0;
	}
	assert_int_equal(total, 600);
	/* a key too long for nf_tables fails the batch */
	uvs_nft_batch_init(&b, buf, sizeof(buf));
	uvs_nft_set_elems(&b, 0, NFPROTO_NETDEV, "t", "s", keys, 1, 65);
	assert_int_equal(uvs_nft_batch_end(&b), -EINVAL);
}

/* A lookup reads its source register back. */
static void
test_lookup_round_trip(void **state)
{
	char buf[2048];
	struct uvs_nft_batch b;
	struct uvs_nft_rule r;

	(void)state;
	uvs_nft_batch_init(&b, buf, sizeof(buf));
	uvs_nft_rule_begin(&b, NFPROTO_NETDEV, "t", "ingress");
	uvs_nft_payload(&b, NFT_PAYLOAD_NETWORK_HEADER, 16, 4, NFT_REG32_00);
	uvs_nft_lookup(&b, NFT_REG32_00, "services", 1);
	uvs_nft_verdict(&b, NF_DROP);
	uvs_nft_rule_end(&b);
	assert_int_equal(uvs_nft_batch_end(&b), 0);
	assert_int_equal(uvs_nft_rule_parse(nth_msg(&b, 1), &r), 0);
	assert_int_equal(r.nexpr, 3);
	assert_string_equal(r.expr[1].name, "lookup");
	assert_int_equal(r.expr[1].sreg, NFT_REG32_00);
	assert_int_equal(r.expr[0].dreg, NFT_REG32_00);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch_markers),
		cmocka_unit_test(test_table_and_owner),
		cmocka_unit_test(test_chain_hook),
		cmocka_unit_test(test_rule_round_trip),
		cmocka_unit_test(test_payload_write),
		cmocka_unit_test(test_no_room_sticks),
		cmocka_unit_test(test_misuse),
		cmocka_unit_test(test_parse_rejects_short),
		cmocka_unit_test(test_set_and_elements),
		cmocka_unit_test(test_lookup_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
