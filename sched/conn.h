/*
 * Connection table: flows seen from the client side only (DR never sees
 * replies), their chosen dest, IPVS's TCP state and an expiry.
 * Fixed capacity chosen at init; nothing allocates afterwards.
 */
#ifndef UVS_CONN_H
#define UVS_CONN_H

#include <stdint.h>
#include "sched.h"

/* IPVS TCP states (ip_vs_proto_tcp.c), in IPVS's order. */
enum uvs_tcp_state {
	UVS_TCP_NONE,
	UVS_TCP_ESTABLISHED,
	UVS_TCP_SYN_SENT,
	UVS_TCP_SYN_RECV,
	UVS_TCP_FIN_WAIT,
	UVS_TCP_TIME_WAIT,
	UVS_TCP_CLOSE,
	UVS_TCP_CLOSE_WAIT,
	UVS_TCP_LAST_ACK,
	UVS_TCP_LISTEN,
	UVS_TCP_SYNACK,
	UVS_TCP_NSTATES,
	UVS_UDP_NORMAL = UVS_TCP_NSTATES,	/* the one UDP state */
	UVS_CONN_NSTATES
};

/* conn->flags */
#define UVS_CONN_F_INACTIVE	0x0001	/* counted in dest->inactconns */
#define UVS_CONN_F_TEMPLATE	0x0002	/* persistence template (-p) */
#define UVS_CONN_F_SYNCED	0x0004	/* made or refreshed by the sync
					   daemon, no packet seen since: not
					   synced back (IPVS's F_SYNC) */
#define UVS_CONN_F_V6		0x0008	/* an IPv6 flow: caddr/vaddr hold the
					   addresses' folds, t->addr6 at the
					   entry's index the addresses */
/* the top four bits: a UDP flow's packets so far, up to 15 */
#define UVS_CONN_PKTS_SHIFT	12
#define UVS_CONN_PKTS_ONE	(1u << UVS_CONN_PKTS_SHIFT)
#define UVS_CONN_PKTS_MAX	15u

/*
 * A full table may give a UDP flow's entry to a new flow once the flow
 * has been quiet UVS_CONN_UDP_IDLE seconds (t->udp_idle), if it saw at
 * most UVS_CONN_FEW_PKTS packets, else after UVS_CONN_IDLE_BUSY: IPVS's
 * drop_entry spares flows of more than 8 packets and those heard from
 * in the last 60 s (ip_vs_conn.c, todrop_entry).
 */
#define UVS_CONN_UDP_IDLE	2u
#define UVS_CONN_FEW_PKTS	8u
#define UVS_CONN_IDLE_BUSY	60u

/* Keys looked up together by uvs_conn_lookup_burst's stages. */
#define UVS_CONN_STAGE		64u

/* Reclaim lists: TCP flows not established, and UDP flows. */
enum { UVS_CONN_RL_TCP, UVS_CONN_RL_UDP, UVS_CONN_NRL };

/*
 * One flow, or one persistence template: (masked client, port 0, VIP,
 * port) bound to the dest its client sticks to, counted in
 * dest->persistconns. This is the hot half of an entry: all a packet of
 * an established flow reads or writes (key, state, expiry, dest), 32
 * bytes aligned to 32, so a hit touches one cache line. The list links
 * only inserts, state changes and expiry need live apart in
 * struct uvs_conn_link. An IPv6 flow keeps the same 32 bytes: its
 * addresses' 32-bit folds (inaddr.h) in caddr/vaddr, which turn most
 * mismatches away on the hot line, and the whole addresses beside, in
 * struct uvs_conn_addr6.
 */
struct uvs_conn {
	uint32_t	 caddr, vaddr;	/* network order */
	uint16_t	 cport, vport;	/* network order */
	uint8_t		 proto;
	uint8_t		 state;		/* enum uvs_tcp_state */
	uint16_t	 flags;
	uint32_t	 hnext;		/* hash chain, index + 1, 0 ends */
	uint32_t	 expires;	/* table clock, seconds */
	struct uvs_dest	*dest;
} __attribute__((aligned(32)));

_Static_assert(sizeof(struct uvs_conn) == 32,
    "a conn entry is half a cache line");

/*
 * An IPv6 flow's addresses, at its entry's index in t->addr6: read by a
 * lookup only once the folds, ports and protocol matched.
 */
struct uvs_conn_addr6 {
	union uvs_inaddr caddr, vaddr;
};

/* The cold half of entry i, at the same index in t->links. */
struct uvs_conn_link {
	uint32_t	 tnext, tprev;	/* timer slot list, index + 1 */
	uint32_t	 rnext, rprev;	/* reclaim lists, index + 1 */
	uint32_t	 ctl;		/* flow: its template's index + 1;
					   template: how many flows it has */
};

/* Timeouts per state, seconds; --set changes ESTABLISHED, FIN_WAIT, UDP. */
struct uvs_timeouts {
	uint32_t	 t[UVS_CONN_NSTATES];
};

struct uvs_conn_table {
	struct uvs_conn		*conns;		/* 64-byte aligned */
	struct uvs_conn_link	*links;
	/* per entry, for IPv6 flows only: calloc'ed, so the pages of a
	   table that never sees v6 are never made resident */
	struct uvs_conn_addr6	*addr6;
	uint32_t		*buckets;	/* index + 1, 0 = empty */
	uint32_t		*wheel;		/* slot heads, index + 1 */
	uint32_t		*wheel_tail;	/* and their tails */
	uint32_t		 capacity;
	uint32_t		 nbuckets;	/* power of two */
	uint32_t		 count;
	uint32_t		 free_head;	/* free list via hnext */
	/* oldest first: the order flows became reclaimable in */
	struct uvs_conn_fifo {
		uint32_t	 head, tail;	/* index + 1 */
	}			 reclaim[UVS_CONN_NRL];
	uint64_t		 reclaimed;	/* flows evicted for room */
	uint64_t		 reclaimed_udp;	/* ... of them UDP */
	uint32_t		 udp_idle;	/* UVS_CONN_UDP_IDLE; 0: UDP
						   flows never give way */
	uint32_t		 clock;		/* last second processed */
	uint32_t		 hash_seed;
	struct uvs_timeouts	 timeouts;
};

/* Fills in IPVS's default timeouts (900/120/300 ...). */
void		 uvs_timeouts_default(struct uvs_timeouts *to);

/*
 * Allocates room for capacity flows. now is the table clock's start.
 * Returns 0 or -ENOMEM / -EINVAL.
 */
int		 uvs_conn_init(struct uvs_conn_table *t, uint32_t capacity,
		    uint32_t now, uint32_t seed);
void		 uvs_conn_free(struct uvs_conn_table *t);

/* Returns the flow's entry or NULL. Does not look at expiry. */
struct uvs_conn	*uvs_conn_lookup(const struct uvs_conn_table *t,
		    const struct uvs_flow *f);

/*
 * Staged lookups, for a burst of frames: the bucket of f (its hash), a
 * prefetch of that bucket, then of the entry it names, then the lookup
 * with the hash known. Done for every frame of a burst stage by stage,
 * the cache misses of the frames overlap.
 */
uint32_t	 uvs_conn_hash(const struct uvs_conn_table *t,
		    const struct uvs_flow *f);
struct uvs_conn	*uvs_conn_lookup_hashed(const struct uvs_conn_table *t,
		    const struct uvs_flow *f, uint32_t hash);
/* Looks up n keys in stages; out[i] is f[i]'s entry or NULL. */
void		 uvs_conn_lookup_burst(const struct uvs_conn_table *t,
		    const struct uvs_flow *f, unsigned n,
		    struct uvs_conn **out);

static inline void
uvs_conn_prefetch_bucket(const struct uvs_conn_table *t, uint32_t hash)
{
	__builtin_prefetch(&t->buckets[hash]);
}

/* Reads the bucket: call after uvs_conn_prefetch_bucket had time. */
static inline void
uvs_conn_prefetch_entry(const struct uvs_conn_table *t, uint32_t hash)
{
	uint32_t i = t->buckets[hash];

	if (i)
		__builtin_prefetch(&t->conns[i - 1]);
}

/*
 * Inserts a new flow bound to dest, in state NONE, counted inactive as
 * IPVS counts a new connection. When the table is full another flow
 * gives up its entry: for a TCP flow the oldest one not established (a
 * SYN_RECV of a flood first of all, or one closing), else a quiet UDP
 * flow (UVS_CONN_UDP_IDLE); for a UDP flow a quiet UDP flow, else a TCP
 * one not established and as quiet. Established TCP flows and templates
 * never give way. Returns NULL when nothing can.
 */
struct uvs_conn	*uvs_conn_insert(struct uvs_conn_table *t,
		    const struct uvs_flow *f, struct uvs_dest *dest,
		    uint32_t now);

/*
 * Persistence templates. The key is (proto, masked client, VIP, service
 * port) with client port 0. A template lives timeout seconds after its
 * last use, and never while flows it placed are alive (IPVS's n_control).
 */
struct uvs_conn	*uvs_conn_template_lookup(const struct uvs_conn_table *t,
		    const struct uvs_flow *key);
struct uvs_conn	*uvs_conn_template_insert(struct uvs_conn_table *t,
		    const struct uvs_flow *key, struct uvs_dest *dest,
		    uint32_t now, uint32_t timeout);
/* Re-arms tpl for another timeout seconds and makes c one of its flows. */
void		 uvs_conn_template_bind(struct uvs_conn_table *t,
		    struct uvs_conn *tpl, struct uvs_conn *c, uint32_t now,
		    uint32_t timeout);

/*
 * Feeds one inbound packet to the flow's state machine (IPVS's
 * INPUT-ONLY table for TCP), moves the dest's active/inactive counts
 * and re-arms the expiry. tcp_flags are the header's flag byte.
 */
void		 uvs_conn_update(struct uvs_conn_table *t, struct uvs_conn *c,
		    uint8_t tcp_flags, uint32_t now);

/*
 * The sync daemon's backup: c (just inserted, or found) takes the state
 * the master had (TCP; ignored for UDP and templates) and expires
 * timeout seconds from now, IPVS's timeout for it; marked SYNCED until a
 * packet of its own is seen.
 */
void		 uvs_conn_sync_set(struct uvs_conn_table *t, struct uvs_conn *c,
		    uint8_t state, uint32_t timeout, uint32_t now);

/* Removes c now, fixing its dest's counters. */
void		 uvs_conn_remove(struct uvs_conn_table *t, struct uvs_conn *c);

/* Expires every flow whose time has come. Returns how many went. */
uint32_t	 uvs_conn_expire(struct uvs_conn_table *t, uint32_t now);

/* Removes every flow and template bound to dest (all if dest is NULL). */
uint32_t	 uvs_conn_flush_dest(struct uvs_conn_table *t,
		    const struct uvs_dest *dest);

/* Index of c in the table, for iteration by callers. */
static inline uint32_t
uvs_conn_index(const struct uvs_conn_table *t, const struct uvs_conn *c)
{
	return (uint32_t)(c - t->conns);
}

/*
 * The family of c and its addresses (client, VIP: a template's client is
 * masked) into *caddr and *vaddr. AF_INET or AF_INET6.
 */
int		 uvs_conn_addrs(const struct uvs_conn_table *t,
		    const struct uvs_conn *c, union uvs_inaddr *caddr,
		    union uvs_inaddr *vaddr);

/* Packets a UDP flow has seen, up to UVS_CONN_PKTS_MAX. */
static inline unsigned
uvs_conn_pkts(const struct uvs_conn *c)
{
	return (unsigned)c->flags >> UVS_CONN_PKTS_SHIFT;
}

/* A flow's template's index + 1, or a template's flow count. */
static inline uint32_t
uvs_conn_ctl(const struct uvs_conn_table *t, const struct uvs_conn *c)
{
	return t->links[uvs_conn_index(t, c)].ctl;
}

/* Is the entry at index i in use? (free entries have proto 0) */
static inline int
uvs_conn_live(const struct uvs_conn_table *t, uint32_t i)
{
	return t->conns[i].proto != 0;
}

/* IPVS's state name, as /proc/net/ip_vs_conn and ipvsadm -L -c show it. */
const char	*uvs_conn_state_name(uint8_t proto, uint8_t state);

/* Next TCP state for a packet with tcp_flags in state s (INPUT-ONLY). */
uint8_t		 uvs_tcp_next_state(uint8_t s, uint8_t tcp_flags);
/* Does IPVS count state s as active (tcp_state_active_table)? */
int		 uvs_tcp_state_active(uint8_t s);
/* Is s one in which a new SYN starts a new flow (port reuse)? */
int		 uvs_tcp_state_closing(uint8_t s);

#endif
