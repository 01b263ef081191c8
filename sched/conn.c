/*
 * The connection table. All memory is allocated once at init: an array of
 * entries, a bucket array (a power of two at least as large as the
 * capacity) and a timer wheel of one-second slots.
 *
 * Lookup: hash of (proto, client, VIP) picks a bucket; entries chain
 * through hnext (index + 1, so 0 can mean "none"). Free entries also chain
 * through hnext and have proto 0.
 *
 * Expiry: each entry sits in the wheel slot of a second no later than its
 * expiry. Refreshing a flow only moves its expiry later and leaves the
 * entry where it is: when the slot comes round, an entry not yet due is
 * linked again further on. Only a shortened expiry (a FIN, an RST) moves
 * the entry at once. So a packet costs no list work in the common case,
 * and every entry is visited at most once per timeout.
 *
 * Room: TCP flows not (yet, or any more) established sit on a reclaim
 * list in the order they got there. A full table takes the oldest of
 * them for a new flow, so a SYN flood recycles its own half-open entries
 * and never evicts an established flow (IPVS's drop_entry idea, made
 * deterministic).
 *
 * Persistence: a template is an entry with the TEMPLATE flag, client port
 * 0 and the client address masked. Flows it placed point at it (ctl) and
 * it counts them, so it cannot expire under them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "conn.h"

#define WHEEL_SLOTS	4096u		/* seconds; longer expiries relink */
#define WHEEL_MASK	(WHEEL_SLOTS - 1)
#define SLOT_HEAD	0x80000000u	/* tprev of a slot's first entry */

static uint32_t
flow_hash(const struct uvs_conn_table *t, uint8_t proto, uint32_t caddr,
    uint32_t vaddr, uint16_t cport, uint16_t vport)
{
	uint64_t h = ((uint64_t)caddr << 32 | vaddr) ^ t->hash_seed;

	h *= 0x9e3779b97f4a7c15ull;
	h ^= ((uint64_t)cport << 24 | (uint64_t)vport << 8 | proto) *
	    0xc2b2ae3d27d4eb4full;
	h ^= h >> 31;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 29;
	return (uint32_t)h & (t->nbuckets - 1);
}

static uint32_t
conn_bucket(const struct uvs_conn_table *t, const struct uvs_conn *c)
{
	return flow_hash(t, c->proto, c->caddr, c->vaddr, c->cport, c->vport);
}

static void
wheel_link(struct uvs_conn_table *t, struct uvs_conn *c)
{
	uint32_t at = c->expires, slot, idx = uvs_conn_index(t, c) + 1;

	if ((int32_t)(at - t->clock) <= 0)
		at = t->clock + 1;
	else if (at - t->clock > WHEEL_SLOTS)
		at = t->clock + WHEEL_SLOTS;
	slot = at & WHEEL_MASK;
	c->tnext = t->wheel[slot];
	c->tprev = SLOT_HEAD | slot;
	if (c->tnext)
		t->conns[c->tnext - 1].tprev = idx;
	t->wheel[slot] = idx;
}

static void
wheel_unlink(struct uvs_conn_table *t, struct uvs_conn *c)
{
	if (c->tprev & SLOT_HEAD)
		t->wheel[c->tprev & ~SLOT_HEAD] = c->tnext;
	else
		t->conns[c->tprev - 1].tnext = c->tnext;
	if (c->tnext)
		t->conns[c->tnext - 1].tprev = c->tprev;
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

static int
reclaimable(const struct uvs_conn *c)
{
	return c->proto == IPPROTO_TCP && !(c->flags & UVS_CONN_F_TEMPLATE) &&
	    c->state != UVS_TCP_ESTABLISHED;
}

static int
on_reclaim_list(const struct uvs_conn_table *t, const struct uvs_conn *c)
{
	return c->rprev || t->reclaim_head == uvs_conn_index(t, c) + 1;
}

static void
reclaim_link(struct uvs_conn_table *t, struct uvs_conn *c)
{
	uint32_t idx = uvs_conn_index(t, c) + 1;

	c->rnext = 0;
	c->rprev = t->reclaim_tail;
	if (t->reclaim_tail)
		t->conns[t->reclaim_tail - 1].rnext = idx;
	else
		t->reclaim_head = idx;
	t->reclaim_tail = idx;
}

static void
reclaim_unlink(struct uvs_conn_table *t, struct uvs_conn *c)
{
	if (c->rprev)
		t->conns[c->rprev - 1].rnext = c->rnext;
	else
		t->reclaim_head = c->rnext;
	if (c->rnext)
		t->conns[c->rnext - 1].rprev = c->rprev;
	else
		t->reclaim_tail = c->rprev;
	c->rnext = c->rprev = 0;
}

/* Keeps c on the reclaim list exactly while it is reclaimable. */
static void
reclaim_sync(struct uvs_conn_table *t, struct uvs_conn *c)
{
	int want = reclaimable(c), on = on_reclaim_list(t, c);

	if (want && !on)
		reclaim_link(t, c);
	else if (!want && on)
		reclaim_unlink(t, c);
}

int
uvs_conn_init(struct uvs_conn_table *t, uint32_t capacity, uint32_t now,
    uint32_t seed)
{
	uint32_t i;

	memset(t, 0, sizeof(*t));
	if (capacity == 0 || capacity > (1u << 30))
		return -EINVAL;
	t->nbuckets = 1;
	while (t->nbuckets < capacity)
		t->nbuckets <<= 1;
	t->conns = calloc(capacity, sizeof(*t->conns));
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	t->wheel = calloc(WHEEL_SLOTS, sizeof(*t->wheel));
	if (!t->conns || !t->buckets || !t->wheel) {
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
	return 0;
}

void
uvs_conn_free(struct uvs_conn_table *t)
{
	free(t->conns);
	free(t->buckets);
	free(t->wheel);
	memset(t, 0, sizeof(*t));
}

static struct uvs_conn *
lookup(const struct uvs_conn_table *t, const struct uvs_flow *f,
    uint16_t tmpl)
{
	uint32_t i = t->buckets[flow_hash(t, f->proto, f->caddr, f->vaddr,
	    f->cport, f->vport)];

	while (i) {
		struct uvs_conn *c = &t->conns[i - 1];

		if (c->caddr == f->caddr && c->cport == f->cport &&
		    c->vaddr == f->vaddr && c->vport == f->vport &&
		    c->proto == f->proto &&
		    (c->flags & UVS_CONN_F_TEMPLATE) == tmpl)
			return c;
		i = c->hnext;
	}
	return NULL;
}

struct uvs_conn *
uvs_conn_lookup(const struct uvs_conn_table *t, const struct uvs_flow *f)
{
	return lookup(t, f, 0);
}

struct uvs_conn *
uvs_conn_template_lookup(const struct uvs_conn_table *t,
    const struct uvs_flow *key)
{
	return lookup(t, key, UVS_CONN_F_TEMPLATE);
}

/* A free entry, taking the oldest reclaimable flow's when none is left. */
static struct uvs_conn *
conn_alloc(struct uvs_conn_table *t)
{
	struct uvs_conn *c;

	if (!t->free_head) {
		if (!t->reclaim_head)
			return NULL;
		uvs_conn_remove(t, &t->conns[t->reclaim_head - 1]);
		t->reclaimed++;
	}
	c = &t->conns[t->free_head - 1];
	t->free_head = c->hnext;
	return c;
}

static struct uvs_conn *
conn_new(struct uvs_conn_table *t, const struct uvs_flow *f,
    struct uvs_dest *dest, uint16_t flags, uint32_t expires)
{
	struct uvs_conn *c;
	uint32_t b;

	if (!(c = conn_alloc(t)))
		return NULL;
	memset(c, 0, sizeof(*c));
	c->caddr = f->caddr;
	c->vaddr = f->vaddr;
	c->cport = f->cport;
	c->vport = f->vport;
	c->proto = f->proto;
	c->state = f->proto == IPPROTO_UDP ? UVS_UDP_NORMAL : UVS_TCP_NONE;
	c->flags = flags;
	c->dest = dest;
	c->expires = expires;

	b = flow_hash(t, f->proto, f->caddr, f->vaddr, f->cport, f->vport);
	c->hnext = t->buckets[b];
	t->buckets[b] = uvs_conn_index(t, c) + 1;
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
	c = conn_new(t, f, dest, UVS_CONN_F_INACTIVE,
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

	c = conn_new(t, key, dest, UVS_CONN_F_TEMPLATE, now + timeout);
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

	c->ctl = uvs_conn_index(t, tpl) + 1;
	tpl->ctl++;
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
		if (c->ctl)
			t->conns[c->ctl - 1].ctl--;
		uvs_dest_conns_changed(d, 0);
	}
	if (on_reclaim_list(t, c))
		reclaim_unlink(t, c);
	hash_unlink(t, c);
	memset(c, 0, sizeof(*c));
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

	t->wheel[slot] = 0;
	while (i) {
		struct uvs_conn *c = &t->conns[i - 1];

		i = c->tnext;
		/*
		 * A template outlives the flows it placed (IPVS n_control).
		 * A service edited without -p has timeout 0: look again in
		 * 1 s, or the template would go and its flows point at a
		 * freed entry (their release then writes out of the table).
		 */
		if ((c->flags & UVS_CONN_F_TEMPLATE) && c->ctl &&
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

		if (c->proto && !(c->flags & UVS_CONN_F_TEMPLATE) && c->ctl &&
		    !t->conns[c->ctl - 1].proto)
			c->ctl = 0;
	}
	return n + k;
}
