/*
 * The connection table. All memory is allocated once at init: an array of
 * entries, their links, a bucket array (a power of two at least twice
 * the capacity) and a timer wheel of one-second slots.
 *
 * Entries are split hot and cold. The hot half (struct uvs_conn, 32
 * bytes, two to a cache line) is all a packet of a known flow touches:
 * key, state, expiry, dest. The cold half (struct uvs_conn_link, same
 * index) holds the timer and reclaim links, which only inserts, state
 * changes and expiry need. A lookup costs the bucket and one line.
 *
 * Lookup: hash of (proto, client, VIP) picks a bucket; entries chain
 * through hnext (index + 1, so 0 can mean "none"), oldest first. Free
 * entries also chain through hnext and have proto 0. A burst looks up
 * its keys in stages (hash and prefetch all buckets, then all entries,
 * then compare) so that the cache misses of its frames overlap.
 *
 * Expiry: each entry sits in the wheel slot of a second no later than its
 * expiry. Refreshing a flow only moves its expiry later and leaves the
 * entry where it is: when the slot comes round, an entry not yet due is
 * linked again further on. Only a shortened expiry (a FIN, an RST) moves
 * the entry at once. So a packet costs no list work in the common case,
 * and every entry is visited at most once per timeout. A slot lists its
 * entries in the order they were linked, as chains do, so flows that
 * fall due in the same second leave from their chains' heads.
 *
 * Room: TCP flows not (yet, or any more) established sit on one reclaim
 * list, UDP flows on another, each in the order they got there. A full
 * table takes the oldest half-open TCP flow for a new TCP flow, so a SYN
 * flood recycles its own entries and never evicts an established flow;
 * otherwise, and first for a new UDP flow, a UDP flow quiet long enough
 * (IPVS's drop_entry idea, made deterministic), so a UDP flood cannot
 * hold the table for the whole UDP timeout.
 *
 * IPv6: an entry stays 32 bytes. A v6 flow's entry holds the 32-bit folds
 * of its addresses where a v4 one holds the addresses, and the V6 flag; a
 * side array, one 32-byte struct per entry index, holds its addresses.
 * Its hash mixes all 32 bytes with the seed (a fold alone would let a
 * client pick many addresses of one bucket); a lookup compares the fold,
 * ports and protocol on the hot line, then the addresses aside. A v4 and
 * a v6 flow never match each other, whatever their folds: the flag is
 * part of the key.
 *
 * Persistence: a template is an entry with the TEMPLATE flag, client port
 * 0 and the client address masked. Flows it placed point at it (ctl) and
 * it counts them, so it cannot expire under them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <netinet/in.h>

#include "conn.h"

#define WHEEL_SLOTS	4096u		/* seconds; longer expiries relink */
#define WHEEL_MASK	(WHEEL_SLOTS - 1)
/* tprev of a slot's first entry and tnext of its last: the slot, so
   flagged (an index + 1 stays below 2^30 + 1) */
#define SLOT_END	0x80000000u
#define CACHE_LINE	64u
#define HUGE_PAGE	(2u << 20)	/* x86-64's transparent huge page */
/* UDP flows looked at per new flow in a full table (udp_victim) */
#define UDP_RECLAIM_SCAN	16u

/* The cold half of entry c. */
#define LINK(t, c)	(&(t)->links[uvs_conn_index((t), (c))])

/* The 64 bits a v6 flow's addresses hash from: all 32 bytes, seeded. */
static uint64_t
addr6_key(const union uvs_inaddr *ca, const union uvs_inaddr *va,
    uint32_t seed)
{
	uint64_t h = seed;
	unsigned i;

	for (i = 0; i < 4; i++) {
		h = (h ^ ((uint64_t)ca->ip6[i] << 32 | va->ip6[i])) *
		    0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	return h;
}

static uint32_t
hash_key(const struct uvs_conn_table *t, uint64_t h, uint16_t cport,
    uint16_t vport, uint8_t proto)
{
	h *= 0x9e3779b97f4a7c15ull;
	h ^= ((uint64_t)cport << 24 | (uint64_t)vport << 8 | proto) *
	    0xc2b2ae3d27d4eb4full;
	h ^= h >> 31;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 29;
	return (uint32_t)h & (t->nbuckets - 1);
}

uint32_t
uvs_conn_hash(const struct uvs_conn_table *t, const struct uvs_flow *f)
{
	uint64_t h;

	if (f->af == AF_INET6)
		h = addr6_key(&f->caddr, &f->vaddr, t->hash_seed);
	else
		h = ((uint64_t)f->caddr.ip << 32 | f->vaddr.ip) ^ t->hash_seed;
	return hash_key(t, h, f->cport, f->vport, f->proto);
}

static uint32_t
conn_bucket(const struct uvs_conn_table *t, const struct uvs_conn *c)
{
	const struct uvs_conn_addr6 *a;
	uint64_t h;

	if (c->flags & UVS_CONN_F_V6) {
		a = &t->addr6[uvs_conn_index(t, c)];
		h = addr6_key(&a->caddr, &a->vaddr, t->hash_seed);
	} else {
		h = ((uint64_t)c->caddr << 32 | c->vaddr) ^ t->hash_seed;
	}
	return hash_key(t, h, c->cport, c->vport, c->proto);
}

int
uvs_conn_addrs(const struct uvs_conn_table *t, const struct uvs_conn *c,
    union uvs_inaddr *caddr, union uvs_inaddr *vaddr)
{
	if (c->flags & UVS_CONN_F_V6) {
		*caddr = t->addr6[uvs_conn_index(t, c)].caddr;
		*vaddr = t->addr6[uvs_conn_index(t, c)].vaddr;
		return AF_INET6;
	}
	*caddr = uvs_inaddr4(c->caddr);
	*vaddr = uvs_inaddr4(c->vaddr);
	return AF_INET;
}

/*
 * Zeroed memory starting on a cache line; size is rounded up to one. A
 * large array is asked for in huge pages: a lookup at random in 1 M
 * flows otherwise misses the TLB for the bucket and again for the
 * entry, and a page walk costs as much as the cache miss itself.
 */
static void *
alloc_lines(size_t size)
{
	size_t align = size >= HUGE_PAGE ? HUGE_PAGE : CACHE_LINE;
	void *p;

	size = (size + align - 1) & ~(align - 1);
	if (posix_memalign(&p, align, size) != 0)
		return NULL;
	if (align == HUGE_PAGE)
		(void)madvise(p, size, MADV_HUGEPAGE);	/* a hint only */
	return memset(p, 0, size);
}

/*
 * At the end of its slot's list, so a slot runs in the order its flows
 * came (the order their chains hold them in: a flow that expires is
 * then at its chain's head). The last entry's tnext names its slot, so
 * whichever entry leaves, the slot's tail stays known.
 */
static void
wheel_link(struct uvs_conn_table *t, struct uvs_conn *c)
{
	uint32_t at = c->expires, slot, tail, idx = uvs_conn_index(t, c) + 1;
	struct uvs_conn_link *l = LINK(t, c);

	if ((int32_t)(at - t->clock) <= 0)
		at = t->clock + 1;
	else if (at - t->clock > WHEEL_SLOTS)
		at = t->clock + WHEEL_SLOTS;
	slot = at & WHEEL_MASK;
	tail = t->wheel_tail[slot];
	l->tnext = SLOT_END | slot;
	if (tail) {
		t->links[tail - 1].tnext = idx;
		l->tprev = tail;
	} else {
		t->wheel[slot] = idx;
		l->tprev = SLOT_END | slot;
	}
	t->wheel_tail[slot] = idx;
}

static void
wheel_unlink(struct uvs_conn_table *t, struct uvs_conn *c)
{
	struct uvs_conn_link *l = LINK(t, c);
	uint32_t prev = l->tprev, next = l->tnext;

	if (prev & SLOT_END)
		t->wheel[prev & ~SLOT_END] = next & SLOT_END ? 0 : next;
	else
		t->links[prev - 1].tnext = next;
	if (next & SLOT_END)
		t->wheel_tail[next & ~SLOT_END] = prev & SLOT_END ? 0 : prev;
	else
		t->links[next - 1].tprev = prev;
}

static void
hash_unlink(struct uvs_conn_table *t, struct uvs_conn *c)
{
	uint32_t *p = &t->buckets[conn_bucket(t, c)];
	uint32_t idx = uvs_conn_index(t, c) + 1;

	while (*p != idx)
		p = &t->conns[*p - 1].hnext;
	*p = c->hnext;
}

/* Which reclaim list c belongs on: TCP's half-open one, or UDP's. */
static unsigned
reclaim_class(const struct uvs_conn *c)
{
	return c->proto == IPPROTO_UDP ? UVS_CONN_RL_UDP : UVS_CONN_RL_TCP;
}

static int
reclaimable(const struct uvs_conn *c)
{
	if (c->flags & UVS_CONN_F_TEMPLATE)
		return 0;
	if (c->proto == IPPROTO_UDP)
		return 1;
	return c->proto == IPPROTO_TCP && c->state != UVS_TCP_ESTABLISHED;
}

static int
on_reclaim_list(const struct uvs_conn_table *t, const struct uvs_conn *c)
{
	return LINK(t, c)->rprev ||
	    t->reclaim[reclaim_class(c)].head == uvs_conn_index(t, c) + 1;
}

static void
reclaim_link(struct uvs_conn_table *t, struct uvs_conn *c)
{
	struct uvs_conn_fifo *q = &t->reclaim[reclaim_class(c)];
	struct uvs_conn_link *l = LINK(t, c);
	uint32_t idx = uvs_conn_index(t, c) + 1;

	l->rnext = 0;
	l->rprev = q->tail;
	if (q->tail)
		t->links[q->tail - 1].rnext = idx;
	else
		q->head = idx;
	q->tail = idx;
}

static void
reclaim_unlink(struct uvs_conn_table *t, struct uvs_conn *c)
{
	struct uvs_conn_fifo *q = &t->reclaim[reclaim_class(c)];
	struct uvs_conn_link *l = LINK(t, c);

	if (l->rprev)
		t->links[l->rprev - 1].rnext = l->rnext;
	else
		q->head = l->rnext;
	if (l->rnext)
		t->links[l->rnext - 1].rprev = l->rprev;
	else
		q->tail = l->rprev;
	l->rnext = l->rprev = 0;
}

/* Keeps c on its reclaim list exactly while it is reclaimable. */
static void
reclaim_sync(struct uvs_conn_table *t, struct uvs_conn *c)
{
	int want = reclaimable(c), on = on_reclaim_list(t, c);

	if (want && !on)
		reclaim_link(t, c);
	else if (!want && on)
		reclaim_unlink(t, c);
}

/* Seconds since c's last packet, from its expiry and its state's timeout. */
static uint32_t
idle_for(const struct uvs_conn_table *t, const struct uvs_conn *c,
    uint32_t now)
{
	int32_t idle = (int32_t)(now - (c->expires - t->timeouts.t[c->state]));

	return idle > 0 ? (uint32_t)idle : 0;
}

/*
 * IPVS's drop_entry (todrop_entry) spares a flow that saw a packet in
 * the last 60 s or more than 8 packets. Here the table is already full,
 * not memory short, so a quiet flow of a few packets goes sooner: after
 * udp_idle seconds. A busier one keeps IPVS's 60 s.
 */
static int
udp_may_go(const struct uvs_conn_table *t, const struct uvs_conn *c,
    uint32_t now)
{
	uint32_t idle = idle_for(t, c, now);

	if (idle < t->udp_idle)
		return 0;
	return uvs_conn_pkts(c) <= UVS_CONN_FEW_PKTS ||
	    idle >= UVS_CONN_IDLE_BUSY;
}

/*
 * The oldest UDP flow that may go, looking at no more than
 * UDP_RECLAIM_SCAN of them: one heard from lately goes to the back of
 * the list (a second chance, the way the wheel relinks a refreshed
 * entry), so a packet never has to move its flow on the list.
 */
static struct uvs_conn *
udp_victim(struct uvs_conn_table *t, uint32_t now)
{
	struct uvs_conn_fifo *q = &t->reclaim[UVS_CONN_RL_UDP];
	unsigned n;

	if (!t->udp_idle)
		return NULL;
	for (n = 0; n < UDP_RECLAIM_SCAN && q->head; n++) {
		struct uvs_conn *c = &t->conns[q->head - 1];

		if (udp_may_go(t, c, now))
			return c;
		if (q->head == q->tail)
			break;
		reclaim_unlink(t, c);
		reclaim_link(t, c);
	}
	return NULL;
}

/*
 * The flow that gives its entry to a new flow of proto in a full table.
 * A new TCP flow takes the oldest half-open or closing TCP flow (a SYN
 * flood recycles its own entries), else an idle UDP flow. A new UDP
 * flow takes an idle UDP flow, else a half-open TCP flow idle as long:
 * a UDP flood never takes a handshake in progress.
 */
static struct uvs_conn *
reclaim_victim(struct uvs_conn_table *t, uint8_t proto, uint32_t now)
{
	uint32_t h = t->reclaim[UVS_CONN_RL_TCP].head;
	struct uvs_conn *tcp = h ? &t->conns[h - 1] : NULL, *udp;

	if (proto != IPPROTO_UDP && tcp)
		return tcp;
	if ((udp = udp_victim(t, now)))
		return udp;
	if (tcp && t->udp_idle && idle_for(t, tcp, now) >= t->udp_idle)
		return tcp;
	return NULL;
}

int
uvs_conn_init(struct uvs_conn_table *t, uint32_t capacity, uint32_t now,
    uint32_t seed)
{
	uint32_t i;

	memset(t, 0, sizeof(*t));
	if (capacity == 0 || capacity > (1u << 30))
		return -EINVAL;
	/* at least two per entry: a full table's chains average half an
	   entry, so a lookup seldom walks past the one it prefetched */
	t->nbuckets = 2;
	while (t->nbuckets < 2 * (uint64_t)capacity)
		t->nbuckets <<= 1;
	t->conns = alloc_lines((size_t)capacity * sizeof(*t->conns));
	t->links = calloc(capacity, sizeof(*t->links));
	t->addr6 = calloc(capacity, sizeof(*t->addr6));
	t->buckets = alloc_lines((size_t)t->nbuckets * sizeof(*t->buckets));
	t->wheel = calloc(WHEEL_SLOTS, sizeof(*t->wheel));
	t->wheel_tail = calloc(WHEEL_SLOTS, sizeof(*t->wheel_tail));
	if (!t->conns || !t->links || !t->addr6 || !t->buckets || !t->wheel ||
	    !t->wheel_tail) {
		uvs_conn_free(t);
		return -ENOMEM;
	}
	t->capacity = capacity;
	for (i = 0; i < capacity; i++)
		t->conns[i].hnext = i + 2 <= capacity ? i + 2 : 0;
	t->free_head = 1;
	t->clock = now;
	t->hash_seed = seed;
	uvs_timeouts_default(&t->timeouts);
	t->udp_idle = UVS_CONN_UDP_IDLE;
	return 0;
}

void
uvs_conn_free(struct uvs_conn_table *t)
{
	free(t->conns);
	free(t->links);
	free(t->addr6);
	free(t->buckets);
	free(t->wheel);
	free(t->wheel_tail);
	memset(t, 0, sizeof(*t));
}

/*
 * Does entry c hold f's key? The hot line decides for v4 and turns most
 * v6 mismatches away; a v6 candidate's addresses are then read aside.
 */
static int
conn_match(const struct uvs_conn_table *t, const struct uvs_conn *c,
    const struct uvs_flow *f, uint16_t flags, uint32_t cfold,
    uint32_t vfold)
{
	const struct uvs_conn_addr6 *a;

	if (c->caddr != cfold || c->vaddr != vfold ||
	    c->cport != f->cport || c->vport != f->vport ||
	    c->proto != f->proto ||
	    (c->flags & (UVS_CONN_F_TEMPLATE | UVS_CONN_F_V6)) != flags)
		return 0;
	if (!(flags & UVS_CONN_F_V6))
		return 1;
	a = &t->addr6[uvs_conn_index(t, c)];
	return uvs_inaddr_eq(&a->caddr, &f->caddr) &&
	    uvs_inaddr_eq(&a->vaddr, &f->vaddr);
}

static struct uvs_conn *
lookup(const struct uvs_conn_table *t, const struct uvs_flow *f,
    uint16_t tmpl, uint32_t h)
{
	uint16_t flags = tmpl | (f->af == AF_INET6 ? UVS_CONN_F_V6 : 0);
	uint32_t cfold = uvs_inaddr_fold(f->af, &f->caddr);
	uint32_t vfold = uvs_inaddr_fold(f->af, &f->vaddr);
	uint32_t i = t->buckets[h];

	if (f->af != AF_INET && f->af != AF_INET6)
		return NULL;
	while (i) {
		struct uvs_conn *c = &t->conns[i - 1];

		if (conn_match(t, c, f, flags, cfold, vfold))
			return c;
		i = c->hnext;
	}
	return NULL;
}

struct uvs_conn *
uvs_conn_lookup(const struct uvs_conn_table *t, const struct uvs_flow *f)
{
	return lookup(t, f, 0, uvs_conn_hash(t, f));
}

struct uvs_conn *
uvs_conn_lookup_hashed(const struct uvs_conn_table *t,
    const struct uvs_flow *f, uint32_t h)
{
	return lookup(t, f, 0, h);
}

/*
 * Three passes over up to UVS_CONN_STAGE keys, so that the cache misses
 * of one key overlap those of the others instead of following them:
 * hash all and prefetch their buckets; read the buckets and prefetch
 * the entries they name; compare.
 */
static void
lookup_stage(const struct uvs_conn_table *t, const struct uvs_flow *f,
    unsigned n, struct uvs_conn **out)
{
	uint32_t h[UVS_CONN_STAGE];
	unsigned i;

	for (i = 0; i < n; i++) {
		h[i] = uvs_conn_hash(t, &f[i]);
		uvs_conn_prefetch_bucket(t, h[i]);
	}
	for (i = 0; i < n; i++)
		uvs_conn_prefetch_entry(t, h[i]);
	for (i = 0; i < n; i++)
		out[i] = lookup(t, &f[i], 0, h[i]);
}

void
uvs_conn_lookup_burst(const struct uvs_conn_table *t,
    const struct uvs_flow *f, unsigned n, struct uvs_conn **out)
{
	unsigned k;

	for (; n; n -= k, f += k, out += k) {
		k = n < UVS_CONN_STAGE ? n : UVS_CONN_STAGE;
		lookup_stage(t, f, k, out);
	}
}

struct uvs_conn *
uvs_conn_template_lookup(const struct uvs_conn_table *t,
    const struct uvs_flow *key)
{
	return lookup(t, key, UVS_CONN_F_TEMPLATE, uvs_conn_hash(t, key));
}

/* A free entry, taking a reclaimable flow's when none is left. */
static struct uvs_conn *
conn_alloc(struct uvs_conn_table *t, uint8_t proto, uint32_t now)
{
	struct uvs_conn *c;

	if (!t->free_head) {
		if (!(c = reclaim_victim(t, proto, now)))
			return NULL;
		t->reclaimed++;
		t->reclaimed_udp += c->proto == IPPROTO_UDP;
		uvs_conn_remove(t, c);
	}
	c = &t->conns[t->free_head - 1];
	t->free_head = c->hnext;
	return c;
}

static struct uvs_conn *
conn_new(struct uvs_conn_table *t, const struct uvs_flow *f,
    struct uvs_dest *dest, uint16_t flags, uint32_t now, uint32_t expires)
{
	struct uvs_conn *c;
	uint32_t *p;

	if ((f->af != AF_INET && f->af != AF_INET6) ||
	    !(c = conn_alloc(t, f->proto, now)))
		return NULL;
	memset(c, 0, sizeof(*c));
	memset(LINK(t, c), 0, sizeof(struct uvs_conn_link));
	c->caddr = uvs_inaddr_fold(f->af, &f->caddr);
	c->vaddr = uvs_inaddr_fold(f->af, &f->vaddr);
	if (f->af == AF_INET6) {
		flags |= UVS_CONN_F_V6;
		t->addr6[uvs_conn_index(t, c)].caddr = f->caddr;
		t->addr6[uvs_conn_index(t, c)].vaddr = f->vaddr;
	}
	c->cport = f->cport;
	c->vport = f->vport;
	c->proto = f->proto;
	c->state = f->proto == IPPROTO_UDP ? UVS_UDP_NORMAL : UVS_TCP_NONE;
	c->flags = flags;
	c->dest = dest;
	c->expires = expires;

	/* at the chain's end, so a chain runs oldest first: the flow a
	   full table or the wheel takes next is at the head, found without
	   a walk, and a new flow's lookup has just walked the chain here */
	p = &t->buckets[uvs_conn_hash(t, f)];
	while (*p)
		p = &t->conns[*p - 1].hnext;
	c->hnext = 0;
	*p = uvs_conn_index(t, c) + 1;
	wheel_link(t, c);
	reclaim_sync(t, c);
	t->count++;
	return c;
}

struct uvs_conn *
uvs_conn_insert(struct uvs_conn_table *t, const struct uvs_flow *f,
    struct uvs_dest *dest, uint32_t now)
{
	uint8_t st = f->proto == IPPROTO_UDP ? UVS_UDP_NORMAL : UVS_TCP_NONE;
	struct uvs_conn *c;

	/* IPVS binds a new connection as inactive (ip_vs_bind_dest). */
	c = conn_new(t, f, dest, UVS_CONN_F_INACTIVE, now,
	    now + t->timeouts.t[st]);
	if (!c)
		return NULL;
	dest->inactconns++;
	dest->conns++;
	dest->svc->conns++;
	uvs_dest_conns_changed(dest, 1);
	return c;
}

struct uvs_conn *
uvs_conn_template_insert(struct uvs_conn_table *t,
    const struct uvs_flow *key, struct uvs_dest *dest, uint32_t now,
    uint32_t timeout)
{
	struct uvs_conn *c;

	c = conn_new(t, key, dest, UVS_CONN_F_TEMPLATE, now, now + timeout);
	if (!c)
		return NULL;
	c->state = UVS_TCP_NONE;
	dest->persistconns++;
	return c;
}

void
uvs_conn_template_bind(struct uvs_conn_table *t, struct uvs_conn *tpl,
    struct uvs_conn *c, uint32_t now, uint32_t timeout)
{
	uint32_t expires = now + timeout;

	LINK(t, c)->ctl = uvs_conn_index(t, tpl) + 1;
	LINK(t, tpl)->ctl++;
	if ((int32_t)(expires - tpl->expires) < 0) {
		wheel_unlink(t, tpl);
		tpl->expires = expires;
		wheel_link(t, tpl);
	} else {
		tpl->expires = expires;
	}
}

static void
conn_set_active(struct uvs_conn *c, int active)
{
	struct uvs_dest *d = c->dest;
	int inactive = (c->flags & UVS_CONN_F_INACTIVE) != 0;

	if (active && inactive) {
		d->inactconns--;
		d->activeconns++;
		c->flags &= ~UVS_CONN_F_INACTIVE;
	} else if (!active && !inactive) {
		d->activeconns--;
		d->inactconns++;
		c->flags |= UVS_CONN_F_INACTIVE;
	} else {
		return;
	}
	uvs_dest_conns_changed(d, -1);
}

void
uvs_conn_update(struct uvs_conn_table *t, struct uvs_conn *c,
    uint8_t tcp_flags, uint32_t now)
{
	uint32_t expires;

	/* a packet seen here: the flow is this director's to sync now */
	c->flags &= ~UVS_CONN_F_SYNCED;
	if (c->proto == IPPROTO_TCP) {
		uint8_t old = c->state;

		c->state = uvs_tcp_next_state(c->state, tcp_flags);
		conn_set_active(c, uvs_tcp_state_active(c->state));
		if (c->state != old)
			reclaim_sync(t, c);
	} else if (uvs_conn_pkts(c) < UVS_CONN_PKTS_MAX) {
		/* how busy a UDP flow is decides when it may give way */
		c->flags += UVS_CONN_PKTS_ONE;
	}
	expires = now + t->timeouts.t[c->state];
	if ((int32_t)(expires - c->expires) < 0) {
		/* shortened: the entry must be found earlier than planned */
		wheel_unlink(t, c);
		c->expires = expires;
		wheel_link(t, c);
	} else {
		c->expires = expires;
	}
}

void
uvs_conn_sync_set(struct uvs_conn_table *t, struct uvs_conn *c,
    uint8_t state, uint32_t timeout, uint32_t now)
{
	uint32_t expires = now + timeout;

	c->flags |= UVS_CONN_F_SYNCED;
	if (!(c->flags & UVS_CONN_F_TEMPLATE) && c->proto == IPPROTO_TCP &&
	    state < UVS_TCP_NSTATES && state != c->state) {
		c->state = state;
		conn_set_active(c, uvs_tcp_state_active(state));
		reclaim_sync(t, c);
	}
	if ((int32_t)(expires - c->expires) < 0) {
		wheel_unlink(t, c);
		c->expires = expires;
		wheel_link(t, c);
	} else {
		c->expires = expires;
	}
}

/* Uncounts, unhashes and frees c; its wheel link is the caller's. */
static void
conn_release(struct uvs_conn_table *t, struct uvs_conn *c)
{
	struct uvs_dest *d = c->dest;

	if (c->flags & UVS_CONN_F_TEMPLATE) {
		d->persistconns--;
	} else {
		if (c->flags & UVS_CONN_F_INACTIVE)
			d->inactconns--;
		else
			d->activeconns--;
		if (LINK(t, c)->ctl)
			t->links[LINK(t, c)->ctl - 1].ctl--;
		uvs_dest_conns_changed(d, 0);
	}
	if (on_reclaim_list(t, c))
		reclaim_unlink(t, c);
	hash_unlink(t, c);
	memset(c, 0, sizeof(*c));
	memset(LINK(t, c), 0, sizeof(struct uvs_conn_link));
	c->hnext = t->free_head;
	t->free_head = uvs_conn_index(t, c) + 1;
	t->count--;
}

void
uvs_conn_remove(struct uvs_conn_table *t, struct uvs_conn *c)
{
	wheel_unlink(t, c);
	conn_release(t, c);
}

/* Expires or relinks every entry of the slot for second `at`. */
static uint32_t
expire_slot(struct uvs_conn_table *t, uint32_t at)
{
	uint32_t slot = at & WHEEL_MASK, i = t->wheel[slot], n = 0;

	/* taken whole: an entry linked again may land in this same slot */
	t->wheel[slot] = t->wheel_tail[slot] = 0;
	while (i) {
		struct uvs_conn *c = &t->conns[i - 1];

		i = LINK(t, c)->tnext;
		if (i & SLOT_END)
			i = 0;
		/*
		 * A template outlives the flows it placed (IPVS n_control).
		 * A service edited without -p has timeout 0: look again in
		 * 1 s, or the template would go and its flows point at a
		 * freed entry (their release then writes out of the table).
		 */
		if ((c->flags & UVS_CONN_F_TEMPLATE) && LINK(t, c)->ctl &&
		    (int32_t)(c->expires - at) <= 0)
			c->expires = at + (c->dest->svc->timeout ?
			    c->dest->svc->timeout : 1);
		if ((int32_t)(c->expires - at) <= 0) {
			conn_release(t, c);	/* the slot list is gone already */
			n++;
		} else {
			wheel_link(t, c);
		}
	}
	return n;
}

uint32_t
uvs_conn_expire(struct uvs_conn_table *t, uint32_t now)
{
	uint32_t n = 0;

	while ((int32_t)(now - t->clock) > 0) {
		t->clock++;
		n += expire_slot(t, t->clock);
	}
	return n;
}

/* One pass over the table removing dest's flows, or its templates. */
static uint32_t
flush_pass(struct uvs_conn_table *t, const struct uvs_dest *dest,
    uint16_t tmpl)
{
	uint32_t i, n = 0;

	for (i = 0; i < t->capacity && t->count; i++) {
		struct uvs_conn *c = &t->conns[i];

		if (c->proto && (!dest || c->dest == dest) &&
		    (c->flags & UVS_CONN_F_TEMPLATE) == tmpl) {
			uvs_conn_remove(t, c);
			n++;
		}
	}
	return n;
}

uint32_t
uvs_conn_flush_dest(struct uvs_conn_table *t, const struct uvs_dest *dest)
{
	/* flows first: a flow's release updates its template's count */
	uint32_t n = flush_pass(t, dest, 0), k, i;

	if (!(k = flush_pass(t, dest, UVS_CONN_F_TEMPLATE)))
		return n;
	/*
	 * A template that followed its client to this dest (the old one
	 * could not be reached) still pins flows on the old dest: they
	 * lose the pin, or their release would count down a freed entry.
	 */
	for (i = 0; i < t->capacity; i++) {
		struct uvs_conn *c = &t->conns[i];

		struct uvs_conn_link *l = &t->links[i];

		if (c->proto && !(c->flags & UVS_CONN_F_TEMPLATE) && l->ctl &&
		    !t->conns[l->ctl - 1].proto)
			l->ctl = 0;
	}
	return n + k;
}
