/*
 * nf_tables over netlink with libmnl, enough for uvs's two users: uvsd's
 * netdev guard (a few rules and one set) and uvs-rs's arp rules. A change is one batch: BATCH_BEGIN,
 * the messages, BATCH_END; the kernel checks them all and commits them as
 * one transaction or none. Every message asks for an ACK, and the kernel
 * handles a batch inside our sendto(), so by the time sendto returns every
 * answer is already queued on the socket: reading them never blocks.
 * nf_tables wants its integers big-endian; a rule is a list of expressions
 * (NFTA_LIST_ELEM { NFTA_EXPR_NAME, NFTA_EXPR_DATA { ... } }) that work on
 * registers: NFT_REG_1.. hold data, NFT_REG_VERDICT the verdict.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "arp/kernel/nft.h"

/*
 * Room the kernel needs per queued ACK: a small skb's truesize is below
 * this (nlmsg_new of an nlmsgerr), so acks for a whole batch fit.
 */
#define ACK_TRUESIZE	1024
#define SOCKBUF_DEFAULT	212992	/* net.core.[rw]mem_default on most hosts */
#define QUERY_BUF	32768	/* the kernel's largest dump skb (netlink.c) */

static uint16_t
nft_type(int msg)
{
	return (uint16_t)((NFNL_SUBSYS_NFTABLES << 8) | msg);
}

int
uvs_nft_open(struct uvs_nft *n)
{
	int one = 1;

	memset(n, 0, sizeof(*n));
	if ((n->nl = mnl_socket_open(NETLINK_NETFILTER)) == NULL)
		return -errno;
	if (mnl_socket_bind(n->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int rc = -errno;

		uvs_nft_close(n);
		return rc;
	}
	/* errors need not echo our whole message back */
	(void)mnl_socket_setsockopt(n->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	n->portid = mnl_socket_get_portid(n->nl);
	return 0;
}

void
uvs_nft_close(struct uvs_nft *n)
{
	if (n->nl)
		mnl_socket_close(n->nl);
	n->nl = NULL;
}

/* ---- building ------------------------------------------------------- */

static void
fail(struct uvs_nft_batch *b, int err)
{
	if (b->err == 0)
		b->err = err;
}

static size_t
room(const struct uvs_nft_batch *b)
{
	return b->size - b->len;
}

/* Starts a message after the finished ones; NULL once the batch failed. */
static struct nlmsghdr *
msg_begin(struct uvs_nft_batch *b, uint16_t type, uint16_t flags,
    uint8_t family, uint16_t res_id)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;

	if (b->msg || b->ended)
		fail(b, -EINVAL);	/* a rule left open, or after END */
	if (b->err)
		return NULL;
	if (room(b) < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*nfg))) {
		fail(b, -ENOSPC);
		return NULL;
	}
	nlh = mnl_nlmsg_put_header(b->buf + b->len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(res_id);
	return b->msg = nlh;
}

/* Keeps the message; a failed batch keeps nothing, so drop it then. */
static void
msg_end(struct uvs_nft_batch *b)
{
	if (b->msg && b->err == 0)
		b->len += MNL_ALIGN(b->msg->nlmsg_len);
	b->msg = NULL;
}

static void
put(struct uvs_nft_batch *b, uint16_t type, size_t len, const void *data)
{
	if (b->err)
		return;
	if (!b->msg)
		fail(b, -EINVAL);
	else if (!mnl_attr_put_check(b->msg, room(b), type, len, data))
		fail(b, -ENOSPC);
}

static void
put_be32(struct uvs_nft_batch *b, uint16_t type, uint32_t v)
{
	v = htonl(v);
	put(b, type, sizeof(v), &v);
}

/* Table, chain and set names have a kernel limit; so do device names. */
static void
put_name(struct uvs_nft_batch *b, uint16_t type, const char *s)
{
	size_t len = strlen(s);

	if (len == 0)
		fail(b, -EINVAL);
	else if (len >= NFT_NAME_MAXLEN)
		fail(b, -ENAMETOOLONG);
	else
		put(b, type, len + 1, s);
}

static struct nlattr *
nest(struct uvs_nft_batch *b, uint16_t type)
{
	struct nlattr *a;

	if (b->err)
		return NULL;
	if (!b->msg) {
		fail(b, -EINVAL);
		return NULL;
	}
	if (!(a = mnl_attr_nest_start_check(b->msg, room(b), type)))
		fail(b, -ENOSPC);
	return a;
}

static void
nest_end(struct uvs_nft_batch *b, struct nlattr *a)
{
	if (a && b->err == 0)
		mnl_attr_nest_end(b->msg, a);
}

/* NFTA_DATA_VALUE inside a nest, as cmp and immediate carry values. */
static void
put_value(struct uvs_nft_batch *b, uint16_t type, const void *data,
    uint32_t len)
{
	struct nlattr *a;

	if (len == 0 || len > UVS_NFT_DATA_MAX) {
		fail(b, -EINVAL);
		return;
	}
	a = nest(b, type);
	put(b, NFTA_DATA_VALUE, len, data);
	nest_end(b, a);
}

static void
batch_marker(struct uvs_nft_batch *b, uint16_t type)
{
	/* the batch header names nf_tables in res_id, family unspecified */
	msg_begin(b, type, 0, AF_UNSPEC, NFNL_SUBSYS_NFTABLES);
	msg_end(b);
}

void
uvs_nft_batch_init(struct uvs_nft_batch *b, void *buf, size_t size)
{
	memset(b, 0, sizeof(*b));
	b->buf = buf;
	b->size = size;
	batch_marker(b, NFNL_MSG_BATCH_BEGIN);
}

int
uvs_nft_batch_end(struct uvs_nft_batch *b)
{
	if (!b->ended) {
		batch_marker(b, NFNL_MSG_BATCH_END);
		b->ended = 1;
	}
	return b->err;
}

void
uvs_nft_table_add(struct uvs_nft_batch *b, uint8_t family, const char *name,
    uint32_t flags)
{
	/* no EXCL: a table already there is kept (and its flags checked) */
	if (!msg_begin(b, nft_type(NFT_MSG_NEWTABLE), NLM_F_CREATE | NLM_F_ACK,
	    family, 0))
		return;
	put_name(b, NFTA_TABLE_NAME, name);
	put_be32(b, NFTA_TABLE_FLAGS, flags);
	msg_end(b);
}

void
uvs_nft_table_del(struct uvs_nft_batch *b, uint8_t family, const char *name)
{
	if (!msg_begin(b, nft_type(NFT_MSG_DELTABLE), NLM_F_ACK, family, 0))
		return;
	put_name(b, NFTA_TABLE_NAME, name);
	msg_end(b);
}

void
uvs_nft_chain_add(struct uvs_nft_batch *b, uint8_t family, const char *table,
    const char *chain, const struct uvs_nft_hook *hook)
{
	struct nlattr *h;

	if (!msg_begin(b, nft_type(NFT_MSG_NEWCHAIN), NLM_F_CREATE | NLM_F_ACK,
	    family, 0))
		return;
	put_name(b, NFTA_CHAIN_TABLE, table);
	put_name(b, NFTA_CHAIN_NAME, chain);
	h = nest(b, NFTA_CHAIN_HOOK);
	put_be32(b, NFTA_HOOK_HOOKNUM, hook->hooknum);
	put_be32(b, NFTA_HOOK_PRIORITY, (uint32_t)hook->priority);
	if (hook->dev)
		put_name(b, NFTA_HOOK_DEV, hook->dev);
	nest_end(b, h);
	put_be32(b, NFTA_CHAIN_POLICY, NF_ACCEPT);
	put_name(b, NFTA_CHAIN_TYPE, "filter");
	msg_end(b);
}

void
uvs_nft_chain_flush(struct uvs_nft_batch *b, uint8_t family,
    const char *table, const char *chain)
{
	if (!msg_begin(b, nft_type(NFT_MSG_DELRULE), NLM_F_ACK, family, 0))
		return;
	put_name(b, NFTA_RULE_TABLE, table);
	put_name(b, NFTA_RULE_CHAIN, chain);
	msg_end(b);
}

void
uvs_nft_rule_begin(struct uvs_nft_batch *b, uint8_t family, const char *table,
    const char *chain)
{
	if (!msg_begin(b, nft_type(NFT_MSG_NEWRULE),
	    NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK, family, 0))
		return;
	put_name(b, NFTA_RULE_TABLE, table);
	put_name(b, NFTA_RULE_CHAIN, chain);
	b->exprs = nest(b, NFTA_RULE_EXPRESSIONS);
}

void
uvs_nft_rule_end(struct uvs_nft_batch *b)
{
	if (!b->exprs || b->elem)
		fail(b, -EINVAL);
	nest_end(b, b->exprs);
	b->exprs = NULL;
	msg_end(b);
}

/* Opens one expression of the open rule; returns its NFTA_EXPR_DATA. */
static struct nlattr *
expr_begin(struct uvs_nft_batch *b, const char *name)
{
	if (!b->exprs) {
		fail(b, -EINVAL);
		return NULL;
	}
	b->elem = nest(b, NFTA_LIST_ELEM);
	put_name(b, NFTA_EXPR_NAME, name);
	return nest(b, NFTA_EXPR_DATA);
}

static void
expr_end(struct uvs_nft_batch *b, struct nlattr *data)
{
	nest_end(b, data);
	nest_end(b, b->elem);
	b->elem = NULL;
}

void
uvs_nft_meta(struct uvs_nft_batch *b, uint32_t key, uint32_t dreg)
{
	struct nlattr *d = expr_begin(b, "meta");

	put_be32(b, NFTA_META_KEY, key);
	put_be32(b, NFTA_META_DREG, dreg);
	expr_end(b, d);
}

static void
payload(struct uvs_nft_batch *b, uint32_t base, uint32_t offset,
    uint32_t len, uint16_t regtype, uint32_t reg)
{
	struct nlattr *d = expr_begin(b, "payload");

	if (len == 0 || len > UVS_NFT_DATA_MAX)
		fail(b, -EINVAL);
	put_be32(b, regtype, reg);
	put_be32(b, NFTA_PAYLOAD_BASE, base);
	put_be32(b, NFTA_PAYLOAD_OFFSET, offset);
	put_be32(b, NFTA_PAYLOAD_LEN, len);
	if (regtype == NFTA_PAYLOAD_SREG)
		put_be32(b, NFTA_PAYLOAD_CSUM_TYPE, NFT_PAYLOAD_CSUM_NONE);
	expr_end(b, d);
}

void
uvs_nft_payload(struct uvs_nft_batch *b, uint32_t base, uint32_t offset,
    uint32_t len, uint32_t dreg)
{
	payload(b, base, offset, len, NFTA_PAYLOAD_DREG, dreg);
}

void
uvs_nft_payload_set(struct uvs_nft_batch *b, uint32_t base, uint32_t offset,
    uint32_t len, uint32_t sreg)
{
	payload(b, base, offset, len, NFTA_PAYLOAD_SREG, sreg);
}

void
uvs_nft_cmp_eq(struct uvs_nft_batch *b, uint32_t sreg, const void *data,
    uint32_t len)
{
	struct nlattr *d = expr_begin(b, "cmp");

	put_be32(b, NFTA_CMP_SREG, sreg);
	put_be32(b, NFTA_CMP_OP, NFT_CMP_EQ);
	put_value(b, NFTA_CMP_DATA, data, len);
	expr_end(b, d);
}

void
uvs_nft_immediate(struct uvs_nft_batch *b, uint32_t dreg, const void *data,
    uint32_t len)
{
	struct nlattr *d = expr_begin(b, "immediate");

	put_be32(b, NFTA_IMMEDIATE_DREG, dreg);
	put_value(b, NFTA_IMMEDIATE_DATA, data, len);
	expr_end(b, d);
}

void
uvs_nft_counter(struct uvs_nft_batch *b)
{
	/* no attributes: the counter starts at zero */
	expr_end(b, expr_begin(b, "counter"));
}

void
uvs_nft_verdict(struct uvs_nft_batch *b, int32_t verdict)
{
	struct nlattr *d = expr_begin(b, "immediate"), *data, *v;

	put_be32(b, NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT);
	data = nest(b, NFTA_IMMEDIATE_DATA);
	v = nest(b, NFTA_DATA_VERDICT);
	put_be32(b, NFTA_VERDICT_CODE, (uint32_t)verdict);
	nest_end(b, v);
	nest_end(b, data);
	expr_end(b, d);
}

void
uvs_nft_lookup(struct uvs_nft_batch *b, uint32_t sreg, const char *set,
    uint32_t set_id)
{
	struct nlattr *d = expr_begin(b, "lookup");

	put_name(b, NFTA_LOOKUP_SET, set);
	put_be32(b, NFTA_LOOKUP_SET_ID, set_id);
	put_be32(b, NFTA_LOOKUP_SREG, sreg);
	expr_end(b, d);
}

/* ---- sets ----------------------------------------------------------- */

void
uvs_nft_set_add(struct uvs_nft_batch *b, uint8_t family, const char *table,
    const char *set, uint32_t set_id, uint32_t key_type, uint32_t key_len)
{
	if (!msg_begin(b, nft_type(NFT_MSG_NEWSET), NLM_F_CREATE | NLM_F_ACK,
	    family, 0))
		return;
	if (key_len == 0 || key_len > UVS_NFT_KEY_MAX)
		fail(b, -EINVAL);
	put_name(b, NFTA_SET_TABLE, table);
	put_name(b, NFTA_SET_NAME, set);
	/* no flags: a plain hash of exact keys, nft's default */
	put_be32(b, NFTA_SET_FLAGS, 0);
	put_be32(b, NFTA_SET_KEY_TYPE, key_type);
	put_be32(b, NFTA_SET_KEY_LEN, key_len);
	put_be32(b, NFTA_SET_ID, set_id);
	msg_end(b);
}

/* One NEWSETELEM or DELSETELEM message with keys[0..n). */
static void
set_elems_msg(struct uvs_nft_batch *b, int msg, uint8_t family,
    const char *table, const char *set, const uint8_t *keys, size_t n,
    uint32_t key_len)
{
	struct nlattr *list, *elem, *key;
	size_t i;

	if (!msg_begin(b, nft_type(msg), (msg == NFT_MSG_NEWSETELEM ?
	    NLM_F_CREATE : 0) | NLM_F_ACK, family, 0))
		return;
	put_name(b, NFTA_SET_ELEM_LIST_TABLE, table);
	put_name(b, NFTA_SET_ELEM_LIST_SET, set);
	list = nest(b, NFTA_SET_ELEM_LIST_ELEMENTS);
	for (i = 0; i < n; i++) {
		elem = nest(b, NFTA_LIST_ELEM);
		key = nest(b, NFTA_SET_ELEM_KEY);
		put(b, NFTA_DATA_VALUE, key_len, keys + i * key_len);
		nest_end(b, key);
		nest_end(b, elem);
	}
	nest_end(b, list);
	msg_end(b);
}

void
uvs_nft_set_elems(struct uvs_nft_batch *b, int del, uint8_t family,
    const char *table, const char *set, const void *keys, size_t n,
    uint32_t key_len)
{
	const uint8_t *k = keys;
	size_t chunk;

	if (key_len == 0 || key_len > UVS_NFT_KEY_MAX) {
		fail(b, -EINVAL);
		return;
	}
	/* a netlink message's length is a u32, but keep each one modest */
	for (; n > 0; n -= chunk, k += chunk * key_len) {
		chunk = n < UVS_NFT_ELEMS_PER_MSG ? n : UVS_NFT_ELEMS_PER_MSG;
		set_elems_msg(b, del ? NFT_MSG_DELSETELEM : NFT_MSG_NEWSETELEM,
		    family, table, set, k, chunk, key_len);
	}
}

/* ---- sending -------------------------------------------------------- */

/* Raises a socket buffer to size unless it is that big already. */
static void
grow_buf(int fd, int opt_force, int opt, size_t size)
{
	int v = size > INT32_MAX / 2 ? INT32_MAX / 2 : (int)size;

	if (size <= SOCKBUF_DEFAULT)
		return;
	/* FORCE passes net.core.[rw]mem_max; it needs CAP_NET_ADMIN, as nft does */
	if (setsockopt(fd, SOL_SOCKET, opt_force, &v, sizeof(v)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, opt, &v, sizeof(v));
}

/* Numbers the messages from *seq on; returns how many want an ACK. */
static unsigned
number_msgs(struct uvs_nft_batch *b, uint32_t *seq)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)b->buf;
	int left = (int)b->len;
	unsigned acks = 0;

	while (mnl_nlmsg_ok(nlh, left)) {
		nlh->nlmsg_seq = (*seq)++;
		acks += !!(nlh->nlmsg_flags & NLM_F_ACK);
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	return acks;
}

struct acks {
	uint32_t	first, last;	/* seqs of this batch */
	unsigned	got;
	uint32_t	err_seq;
	int		err;
};

static void
ack_read(struct acks *a, const char *buf, size_t len)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	const struct nlmsgerr *e;
	int left = (int)len;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		/* a stale answer from an earlier exchange is not ours */
		if (nlh->nlmsg_seq < a->first || nlh->nlmsg_seq > a->last ||
		    nlh->nlmsg_type != NLMSG_ERROR)
			continue;
		if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
			continue;
		e = mnl_nlmsg_get_payload(nlh);
		a->got++;
		if (e->error < 0 && (a->err == 0 || nlh->nlmsg_seq < a->err_seq)) {
			a->err = e->error;
			a->err_seq = nlh->nlmsg_seq;
		}
	}
}

int
uvs_nft_batch_send(struct uvs_nft *n, struct uvs_nft_batch *b)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct acks a = { 0 };
	uint32_t seq;
	unsigned want;
	ssize_t r;
	int fd, rc, overrun = 0;

	if ((rc = uvs_nft_batch_end(b)) < 0)
		return rc;
	if (!n->nl)
		return -EBADF;
	fd = mnl_socket_get_fd(n->nl);
	seq = a.first = n->seq + 1;
	want = number_msgs(b, &seq);
	a.last = n->seq = seq - 1;
	grow_buf(fd, SO_SNDBUFFORCE, SO_SNDBUF, b->len + 4096);
	grow_buf(fd, SO_RCVBUFFORCE, SO_RCVBUF, (size_t)want * ACK_TRUESIZE);
	if (mnl_socket_sendto(n->nl, b->buf, b->len) < 0)
		return -errno;
	/* everything is queued already (see the top); drain it all */
	for (;;) {
		r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == ENOBUFS) {
			overrun = 1;
			continue;
		}
		if (r <= 0)
			break;
		ack_read(&a, buf, (size_t)r);
	}
	if (a.err)
		return a.err;
	if (overrun)
		return -ENOBUFS;
	return a.got >= want ? 0 : -EPROTO;
}

/* ---- reading back --------------------------------------------------- */

static uint32_t
be32(const struct nlattr *a)
{
	return ntohl(mnl_attr_get_u32(a));
}

/* A NFTA_DATA_VALUE or NFTA_DATA_VERDICT nest into e. */
static int
parse_data(const struct nlattr *nest_attr, struct uvs_nft_expr *e)
{
	const struct nlattr *a, *v;
	uint16_t len;

	mnl_attr_for_each_nested(a, nest_attr) {
		switch (mnl_attr_get_type(a)) {
		case NFTA_DATA_VALUE:
			len = mnl_attr_get_payload_len(a);
			if (len > UVS_NFT_DATA_MAX)
				return -EPROTO;
			memcpy(e->data, mnl_attr_get_payload(a), len);
			e->dlen = len;
			break;
		case NFTA_DATA_VERDICT:
			mnl_attr_for_each_nested(v, a) {
				if (mnl_attr_get_type(v) != NFTA_VERDICT_CODE)
					continue;
				if (mnl_attr_validate(v, MNL_TYPE_U32) < 0)
					return -EPROTO;
				e->verdict = (int32_t)be32(v);
				e->is_verdict = 1;
			}
			break;
		}
	}
	return 0;
}

/*
 * One attribute of an expression's NFTA_EXPR_DATA. The attribute numbers
 * mean different things per expression, hence the name switch.
 */
static int
parse_field(const struct nlattr *a, struct uvs_nft_expr *e)
{
	uint16_t t = mnl_attr_get_type(a);
	int nested = (strcmp(e->name, "cmp") == 0 && t == NFTA_CMP_DATA) ||
	    (strcmp(e->name, "immediate") == 0 && t == NFTA_IMMEDIATE_DATA);

	if (nested)
		return parse_data(a, e);
	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return 0;	/* none of ours: u64 counters, strings */
	if (strcmp(e->name, "meta") == 0) {
		if (t == NFTA_META_KEY)
			e->key = be32(a);
		else if (t == NFTA_META_DREG)
			e->dreg = (int32_t)be32(a);
		else if (t == NFTA_META_SREG)
			e->sreg = (int32_t)be32(a);
	} else if (strcmp(e->name, "payload") == 0) {
		if (t == NFTA_PAYLOAD_DREG)
			e->dreg = (int32_t)be32(a);
		else if (t == NFTA_PAYLOAD_SREG)
			e->sreg = (int32_t)be32(a);
		else if (t == NFTA_PAYLOAD_BASE)
			e->base = be32(a);
		else if (t == NFTA_PAYLOAD_OFFSET)
			e->offset = be32(a);
		else if (t == NFTA_PAYLOAD_LEN)
			e->len = be32(a);
	} else if (strcmp(e->name, "cmp") == 0) {
		if (t == NFTA_CMP_SREG)
			e->sreg = (int32_t)be32(a);
		else if (t == NFTA_CMP_OP)
			e->op = be32(a);
	} else if (strcmp(e->name, "immediate") == 0) {
		if (t == NFTA_IMMEDIATE_DREG)
			e->dreg = (int32_t)be32(a);
	} else if (strcmp(e->name, "lookup") == 0) {
		if (t == NFTA_LOOKUP_SREG)
			e->sreg = (int32_t)be32(a);
	}
	return 0;
}

static int
parse_expr(const struct nlattr *elem, struct uvs_nft_expr *e)
{
	const struct nlattr *a, *data = NULL, *f;
	int rc;

	memset(e, 0, sizeof(*e));
	e->dreg = e->sreg = -1;
	mnl_attr_for_each_nested(a, elem) {
		if (mnl_attr_get_type(a) == NFTA_EXPR_NAME) {
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
				return -EPROTO;
			snprintf(e->name, sizeof(e->name), "%s",
			    mnl_attr_get_str(a));
		} else if (mnl_attr_get_type(a) == NFTA_EXPR_DATA) {
			data = a;
		}
	}
	if (!data)
		return 0;
	/* the name may follow the data in principle: read data second */
	mnl_attr_for_each_nested(f, data)
		if ((rc = parse_field(f, e)) < 0)
			return rc;
	return 0;
}

int
uvs_nft_rule_parse(const struct nlmsghdr *nlh, struct uvs_nft_rule *r)
{
	const struct nlattr *a, *elem;
	int rc;

	memset(r, 0, sizeof(*r));
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct nfgenmsg)))
		return -EPROTO;
	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		switch (mnl_attr_get_type(a)) {
		case NFTA_RULE_HANDLE:
			if (mnl_attr_validate(a, MNL_TYPE_U64) == 0)
				r->handle = be64toh(mnl_attr_get_u64(a));
			break;
		case NFTA_RULE_EXPRESSIONS:
			mnl_attr_for_each_nested(elem, a) {
				if (r->nexpr == UVS_NFT_EXPRS_MAX) {
					r->truncated = 1;
					break;
				}
				rc = parse_expr(elem, &r->expr[r->nexpr++]);
				if (rc < 0)
					return rc;
			}
			break;
		}
	}
	return 0;
}

/* One request (a get or a dump) and its answers, through cb. */
static int
query(struct uvs_nft *n, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[QUERY_BUF];
	ssize_t r;
	int rc;

	if (!n->nl)
		return -EBADF;
	nlh->nlmsg_seq = ++n->seq;
	if (mnl_socket_sendto(n->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	/* bounded by the kernel: a get ends with an ACK, a dump with DONE */
	do {
		if ((r = mnl_socket_recvfrom(n->nl, buf, sizeof(buf))) < 0)
			return -errno;
		errno = 0;
		rc = mnl_cb_run(buf, (size_t)r, nlh->nlmsg_seq, n->portid, cb,
		    data);
	} while (rc > MNL_CB_STOP);
	/* mnl_cb_run leaves the kernel's NLMSG_ERROR code in errno */
	return rc < 0 ? (errno ? -errno : -EPROTO) : 0;
}

/* A get or dump request for family with table (and chain) as filter. */
static struct nlmsghdr *
query_msg(char *buf, int msg, uint16_t flags, uint8_t family,
    uint16_t table_attr, const char *table, uint16_t chain_attr,
    const char *chain)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = nft_type(msg);
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	mnl_attr_put_strz(nlh, table_attr, table);
	mnl_attr_put_strz(nlh, chain_attr, chain);
	return nlh;
}

struct rules_walk {
	int	(*fn)(const struct uvs_nft_rule *, void *);
	void	*arg;
	int	 stop;
	int	 err;
};

static int
rule_msg(const struct nlmsghdr *nlh, void *data)
{
	struct rules_walk *w = data;
	struct uvs_nft_rule r;
	int rc;

	/* a dump cannot be cut short: the rest is read and skipped */
	if (w->stop || nlh->nlmsg_type != nft_type(NFT_MSG_NEWRULE))
		return MNL_CB_OK;
	if ((rc = uvs_nft_rule_parse(nlh, &r)) < 0) {
		w->err = rc;
		w->stop = 1;
	} else if (w->fn(&r, w->arg) != 0) {
		w->stop = 1;
	}
	return MNL_CB_OK;
}

int
uvs_nft_rules_each(struct uvs_nft *n, uint8_t family, const char *table,
    const char *chain, int (*fn)(const struct uvs_nft_rule *, void *),
    void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct rules_walk w = { .fn = fn, .arg = arg };
	struct nlmsghdr *nlh;
	int rc;

	if (strlen(table) >= NFT_NAME_MAXLEN || strlen(chain) >= NFT_NAME_MAXLEN)
		return -ENAMETOOLONG;
	nlh = query_msg(buf, NFT_MSG_GETRULE, NLM_F_DUMP, family,
	    NFTA_RULE_TABLE, table, NFTA_RULE_CHAIN, chain);
	if ((rc = query(n, nlh, rule_msg, &w)) < 0)
		return rc;
	return w.err;
}

static int
chain_msg(const struct nlmsghdr *nlh, void *data)
{
	struct uvs_nft_chain_info *info = data;
	const struct nlattr *a, *h;

	if (nlh->nlmsg_type != nft_type(NFT_MSG_NEWCHAIN))
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(a) == NFTA_CHAIN_POLICY &&
		    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			info->policy = be32(a);
		if (mnl_attr_get_type(a) != NFTA_CHAIN_HOOK)
			continue;
		mnl_attr_for_each_nested(h, a) {
			if (mnl_attr_validate(h, MNL_TYPE_U32) < 0)
				continue;	/* the device name */
			if (mnl_attr_get_type(h) == NFTA_HOOK_HOOKNUM) {
				info->hooknum = be32(h);
				info->base = 1;
			} else if (mnl_attr_get_type(h) == NFTA_HOOK_PRIORITY) {
				info->priority = (int32_t)be32(h);
			}
		}
	}
	return MNL_CB_OK;
}

int
uvs_nft_chain_get(struct uvs_nft *n, uint8_t family, const char *table,
    const char *chain, struct uvs_nft_chain_info *info)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	memset(info, 0, sizeof(*info));
	if (strlen(table) >= NFT_NAME_MAXLEN || strlen(chain) >= NFT_NAME_MAXLEN)
		return -ENAMETOOLONG;
	nlh = query_msg(buf, NFT_MSG_GETCHAIN, NLM_F_ACK, family,
	    NFTA_CHAIN_TABLE, table, NFTA_CHAIN_NAME, chain);
	return query(n, nlh, chain_msg, info);
}
