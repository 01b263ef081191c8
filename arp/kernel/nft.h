/*
 * A tiny nf_tables client over libmnl (arp/kernel/nft.c): no libnftnl, no `nft`.
 * A batch of messages (tables, base chains, a chain flush, rules made of a
 * few expressions, hash sets and their elements) is built in the caller's
 * buffer, sent in one NFNL_MSG_BATCH_BEGIN/END pair so the kernel
 * applies it whole or not at all, and every message is acknowledged. Rules and chains can be read back
 * for checking. Builders never fail on their own: the first problem (no
 * room, a name too long) is kept in the batch and returned when it is sent.
 * Errors are -errno; nothing here prints.
 */
#ifndef UVS_NFT_H
#define UVS_NFT_H

#include <stddef.h>
#include <stdint.h>

struct mnl_socket;
struct nlattr;
struct nlmsghdr;

#define UVS_NFT_DATA_MAX	16	/* one nf_tables register (NFT_REG_SIZE) */
#define UVS_NFT_EXPRS_MAX	16	/* expressions kept per rule read back */
#define UVS_NFT_KEY_MAX		64	/* a set key: NFT_DATA_VALUE_MAXLEN */
#define UVS_NFT_ELEMS_PER_MSG	256	/* set elements per netlink message */
/* nft's datatype ids (its datatype.h), for a set's key type */
#define UVS_NFT_TYPE_IPADDR	7
#define UVS_NFT_TYPE_IP6ADDR	8
#define UVS_NFT_TYPE_INET_PROTO	12
#define UVS_NFT_TYPE_INET_SERVICE 13
/* a concatenation's type: each field's id after the others (TYPE_BITS) */
#define UVS_NFT_CONCAT(a, b)	((uint32_t)(a) << 6 | (b))

/* One NETLINK_NETFILTER socket. Tables it creates with OWNER die with it. */
struct uvs_nft {
	struct mnl_socket	*nl;
	uint32_t		 portid;
	uint32_t		 seq;
};

/* Messages being built in buf[0..size); see uvs_nft_batch_init. */
struct uvs_nft_batch {
	char		*buf;
	size_t		 size;
	size_t		 len;		/* bytes of finished messages */
	int		 err;		/* first failure, 0 while all is well */
	int		 ended;		/* BATCH_END is in */
	struct nlmsghdr	*msg;		/* the message being built, or NULL */
	struct nlattr	*exprs;		/* an open rule's expression list */
	struct nlattr	*elem;		/* the expression being built */
};

/* Where a base chain hooks in. dev names the device (netdev family only). */
struct uvs_nft_hook {
	uint32_t	 hooknum;	/* NF_NETDEV_INGRESS, NF_ARP_IN, ... */
	int32_t		 priority;
	const char	*dev;
};

/* One expression of a rule read back; registers are -1 when absent. */
struct uvs_nft_expr {
	char		name[16];	/* "meta", "payload", "cmp", ... */
	int32_t		dreg, sreg;
	uint32_t	key;		/* meta */
	uint32_t	base, offset, len;	/* payload */
	uint32_t	op;		/* cmp */
	uint8_t		data[UVS_NFT_DATA_MAX];	/* cmp, immediate value */
	uint32_t	dlen;
	int		is_verdict;	/* immediate of a verdict */
	int32_t		verdict;	/* NF_DROP, NF_ACCEPT, ... */
};

struct uvs_nft_rule {
	uint64_t		handle;
	size_t			nexpr;
	int			truncated;	/* had more than EXPRS_MAX */
	struct uvs_nft_expr	expr[UVS_NFT_EXPRS_MAX];
};

struct uvs_nft_chain_info {
	int		base;		/* has a hook; the rest only then */
	uint32_t	hooknum;
	int32_t		priority;
	uint32_t	policy;
};

/*
 * Opens and binds a NETLINK_NETFILTER socket into n. 0 or -errno
 * (-EPROTONOSUPPORT without nfnetlink, -EPERM without CAP_NET_ADMIN later).
 */
int	uvs_nft_open(struct uvs_nft *n);
/* Closes the socket; the kernel then drops every table it owned. */
void	uvs_nft_close(struct uvs_nft *n);

/*
 * Starts a batch in buf (caller's memory, kept until sent): writes
 * BATCH_BEGIN. A few hundred bytes per rule is plenty.
 */
void	uvs_nft_batch_init(struct uvs_nft_batch *b, void *buf, size_t size);
/*
 * Writes BATCH_END (once). Returns 0, or the batch's first failure:
 * -ENOSPC (buf too small), -ENAMETOOLONG, -EINVAL (misuse, e.g. an
 * expression outside a rule or a rule left open).
 */
int	uvs_nft_batch_end(struct uvs_nft_batch *b);
/*
 * Ends the batch, sends it and reads every ACK. Returns 0 when the kernel
 * applied it all, else the -errno of the first message it refused (and it
 * applied none of them).
 */
int	uvs_nft_batch_send(struct uvs_nft *n, struct uvs_nft_batch *b);

/*
 * Creates table name in family (NFPROTO_NETDEV, NFPROTO_ARP, ...); an
 * existing one is kept. flags NFT_TABLE_F_OWNER ties it to the socket that
 * sends the batch: only that socket may change it, and it goes when that
 * socket closes (also on SIGKILL).
 */
void	uvs_nft_table_add(struct uvs_nft_batch *b, uint8_t family,
	    const char *name, uint32_t flags);
/* Deletes table name with all its chains and rules (-ENOENT if absent). */
void	uvs_nft_table_del(struct uvs_nft_batch *b, uint8_t family,
	    const char *name);
/*
 * Creates (or keeps) a base chain of type filter with policy accept at
 * hook->hooknum and hook->priority; hook->dev for netdev chains.
 */
void	uvs_nft_chain_add(struct uvs_nft_batch *b, uint8_t family,
	    const char *table, const char *chain,
	    const struct uvs_nft_hook *hook);
/* Deletes every rule of a chain (a DELRULE without a handle). */
void	uvs_nft_chain_flush(struct uvs_nft_batch *b, uint8_t family,
	    const char *table, const char *chain);

/*
 * A rule appended to a chain: rule_begin, then its expressions in the
 * order the kernel runs them, then rule_end.
 */
void	uvs_nft_rule_begin(struct uvs_nft_batch *b, uint8_t family,
	    const char *table, const char *chain);
void	uvs_nft_rule_end(struct uvs_nft_batch *b);
/* Loads meta key (NFT_META_PROTOCOL, NFT_META_L4PROTO, ...) into dreg. */
void	uvs_nft_meta(struct uvs_nft_batch *b, uint32_t key, uint32_t dreg);
/* Loads len bytes at offset from a header (NFT_PAYLOAD_*_HEADER). */
void	uvs_nft_payload(struct uvs_nft_batch *b, uint32_t base,
	    uint32_t offset, uint32_t len, uint32_t dreg);
/* Writes len bytes of sreg at offset into the packet; no checksum fix. */
void	uvs_nft_payload_set(struct uvs_nft_batch *b, uint32_t base,
	    uint32_t offset, uint32_t len, uint32_t sreg);
/* Ends the rule here unless sreg equals data[0..len) (len <= 16). */
void	uvs_nft_cmp_eq(struct uvs_nft_batch *b, uint32_t sreg,
	    const void *data, uint32_t len);
/* Loads data[0..len) (len <= 16) into dreg, e.g. for payload_set. */
void	uvs_nft_immediate(struct uvs_nft_batch *b, uint32_t dreg,
	    const void *data, uint32_t len);
/* Counts packets and bytes that reach it (shown by `nft list ruleset`). */
void	uvs_nft_counter(struct uvs_nft_batch *b);
/* Ends the rule with a verdict (NF_DROP, NF_ACCEPT). */
void	uvs_nft_verdict(struct uvs_nft_batch *b, int32_t verdict);
/*
 * Ends the rule here unless the set holds the key that starts at sreg
 * (a concatenation spans consecutive 32-bit registers, NFT_REG32_00 on).
 * set_id names a set made earlier in the same batch, else 0.
 */
void	uvs_nft_lookup(struct uvs_nft_batch *b, uint32_t sreg,
	    const char *set, uint32_t set_id);

/*
 * Creates (or keeps) a named hash set of key_len-byte keys; key_type is
 * nft's datatype id (UVS_NFT_CONCAT of several for a concatenation, each
 * field padded to 4 bytes), which `nft list` uses to print elements.
 * set_id lets a rule of the same batch name the new set.
 */
void	uvs_nft_set_add(struct uvs_nft_batch *b, uint8_t family,
	    const char *table, const char *set, uint32_t set_id,
	    uint32_t key_type, uint32_t key_len);
/*
 * Adds (del 0) or deletes (del 1) the n keys at keys (n * key_len bytes),
 * in messages of UVS_NFT_ELEMS_PER_MSG. Adding a key already there is no
 * error; deleting one that is not there fails the batch (-ENOENT).
 */
void	uvs_nft_set_elems(struct uvs_nft_batch *b, int del, uint8_t family,
	    const char *table, const char *set, const void *keys, size_t n,
	    uint32_t key_len);

/*
 * Decodes one NFT_MSG_NEWRULE message (as the kernel dumps it, or as
 * rule_begin..rule_end built it) into r. 0, or -EPROTO if malformed.
 */
int	uvs_nft_rule_parse(const struct nlmsghdr *nlh, struct uvs_nft_rule *r);
/*
 * Calls fn for each rule of table/chain, in order, until fn returns
 * non-zero. 0 (also when the chain does not exist) or -errno.
 */
int	uvs_nft_rules_each(struct uvs_nft *n, uint8_t family,
	    const char *table, const char *chain,
	    int (*fn)(const struct uvs_nft_rule *, void *), void *arg);
/* Reads a chain's hook into *info: 0, -ENOENT without table or chain. */
int	uvs_nft_chain_get(struct uvs_nft *n, uint8_t family, const char *table,
	    const char *chain, struct uvs_nft_chain_info *info);

#endif
