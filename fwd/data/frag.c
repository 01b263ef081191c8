/*
 * The fragment tracker. Entries are taken in ring order (head) and, as
 * every entry lives the same timeout from its creation, the ring's tail
 * is always the oldest: expiry walks from the tail and stops at the
 * first entry still in time, and a full ring gives up its tail. An entry
 * freed early (its datagram complete) leaves a hole the walk steps over.
 * Lookups go through a hash of (source, destination, id, protocol) with
 * chains of indices. Held frames live in fixed slots on singly linked
 * lists: free, one per waiting entry, ready (released, not yet taken)
 * and sending (taken, until the burst was sent).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fwd/data/frag.h"
#include "sched/hash.h"

#define FRAG_CAP_MAX	(1u << 24)
#define FRAG_HOLD_MAX	(1u << 16)

/* pkt's datagram id: IPv4's 16 bits or IPv6's 32, as they came. */
static uint32_t
pkt_id(const struct uvs_pkt *pkt)
{
	return pkt->flow.af == AF_INET6 ? pkt->ip6_id : pkt->ip_id;
}

/* Every word of both addresses mixed in: a v6 source picks its low 64. */
static uint32_t
bucket_of(const struct uvs_frag_table *t, const union uvs_inaddr *saddr,
    const union uvs_inaddr *daddr, uint32_t id, uint8_t proto)
{
	uint32_t h = t->seed;
	unsigned i;

	for (i = 0; i < 4; i++) {
		h = (h ^ saddr->all[i] ^ (h >> 15)) * 0x2c1b3c6du;
		h = (h ^ daddr->all[i] ^ (h >> 12)) * 0x297a2d39u;
	}
	h = (h ^ (h >> 15)) * 0x2c1b3c6du + id;
	h = (h ^ (h >> 12)) * 0x297a2d39u + proto;
	return uvs_hash_32(h ^ (h >> 15), 32) & (t->nbuckets - 1);
}

int
uvs_frag_init(struct uvs_frag_table *t, uint32_t cap, uint32_t nhold,
    uint32_t headroom, uint32_t seed)
{
	uint32_t i;

	memset(t, 0, sizeof(*t));
	if (cap > FRAG_CAP_MAX || nhold > FRAG_HOLD_MAX || headroom > 256)
		return -EINVAL;
	if (cap == 0)
		return 0;
	t->cap = cap;
	t->seed = seed;
	t->headroom = headroom;
	t->slot_size = headroom + UVS_FRAG_SLOT_FRAME;
	for (t->nbuckets = 1; t->nbuckets < cap; t->nbuckets <<= 1)
		;
	t->e = calloc(cap, sizeof(*t->e));
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	if (nhold) {
		t->nslots = nhold;
		t->slot = calloc(nhold, t->slot_size);
		t->snext = calloc(nhold, sizeof(*t->snext));
		t->slen = calloc(nhold, sizeof(*t->slen));
		t->stci = calloc(nhold, sizeof(*t->stci));
	}
	if (!t->e || !t->buckets || (nhold && (!t->slot || !t->snext ||
	    !t->slen || !t->stci))) {
		uvs_frag_free(t);
		return -ENOMEM;
	}
	for (i = 0; i < nhold; i++)
		t->snext[i] = i + 1 < nhold ? i + 2 : 0;
	t->free_slots = nhold ? 1 : 0;
	return 0;
}

void
uvs_frag_free(struct uvs_frag_table *t)
{
	free(t->e);
	free(t->buckets);
	free(t->slot);
	free(t->snext);
	free(t->slen);
	free(t->stci);
	memset(t, 0, sizeof(*t));
}

struct uvs_frag *
uvs_frag_lookup(const struct uvs_frag_table *t, const struct uvs_pkt *pkt)
{
	const struct uvs_flow *f = &pkt->flow;
	uint32_t i, id;

	if (!t->cap)
		return NULL;
	id = pkt_id(pkt);
	i = t->buckets[bucket_of(t, &f->caddr, &f->vaddr, id, f->proto)];
	for (; i; i = t->e[i - 1].hnext) {
		struct uvs_frag *e = &t->e[i - 1];

		if (e->id == id && e->af == f->af && e->proto == f->proto &&
		    uvs_inaddr_eq(&e->saddr, &f->caddr) &&
		    uvs_inaddr_eq(&e->daddr, &f->vaddr))
			return e;
	}
	return NULL;
}

/* Puts a whole slot list back on the free list; returns its length. */
static uint32_t
slots_free(struct uvs_frag_table *t, uint32_t head)
{
	uint32_t n = 0, s;

	while (head) {
		s = head;
		head = t->snext[s - 1];
		t->snext[s - 1] = t->free_slots;
		t->free_slots = s;
		n++;
	}
	return n;
}

/* Unhashes e, drops what it holds, marks it free. */
static void
entry_free(struct uvs_frag_table *t, struct uvs_frag *e)
{
	uint32_t b = bucket_of(t, &e->saddr, &e->daddr, e->id, e->proto);
	uint32_t idx = (uint32_t)(e - t->e) + 1, *p = &t->buckets[b];
	uint32_t n;

	while (*p && *p != idx)
		p = &t->e[*p - 1].hnext;
	if (*p)
		*p = e->hnext;
	n = slots_free(t, e->held);
	t->held_now -= n;
	t->expired_frames += n;
	memset(e, 0, sizeof(*e));
}

struct uvs_frag *
uvs_frag_add(struct uvs_frag_table *t, const struct uvs_pkt *pkt,
    uint32_t now, uint32_t timeout)
{
	const struct uvs_flow *f = &pkt->flow;
	struct uvs_frag *e;
	uint32_t b;

	if (!t->cap)
		return NULL;
	if (t->head - t->tail == t->cap) {
		e = &t->e[t->tail % t->cap];
		if (e->state != UVS_FRAG_FREE) {
			t->evicted++;
			entry_free(t, e);
		}
		t->tail++;
	}
	e = &t->e[t->head++ % t->cap];
	e->saddr = f->caddr;
	e->daddr = f->vaddr;
	e->id = pkt_id(pkt);
	e->af = f->af;
	e->proto = f->proto;
	e->state = UVS_FRAG_WAIT;
	e->expires = now + timeout;
	b = bucket_of(t, &e->saddr, &e->daddr, e->id, e->proto);
	e->hnext = t->buckets[b];
	t->buckets[b] = (uint32_t)(e - t->e) + 1;
	return e;
}

int
uvs_frag_account(struct uvs_frag_table *t, struct uvs_frag *e,
    const struct uvs_pkt *pkt)
{
	e->have += pkt->frag_len;
	if (!pkt->frag_more)
		e->total = pkt->frag_off + pkt->frag_len;
	/* held frames are counted too, so a WAIT entry cannot finish */
	if (e->total && e->have >= e->total && e->state != UVS_FRAG_WAIT) {
		entry_free(t, e);
		return 1;
	}
	return 0;
}

/*
 * The IP payload bytes of a held frame (parsed once already). IPv6: the
 * payload length less the fragment header, exact when that is the only
 * extension header before the fragment's data, as in later fragments
 * (the headers before it are the unfragmentable part, usually none).
 */
static uint32_t
ip_payload(const uint8_t *f, uint32_t len)
{
	uint32_t off = f[12] == 0x81 && f[13] == 0 ? 18 : 14, plen;

	if (len < off + 40 && (len < off + 20 || f[off] >> 4 == 6))
		return 0;
	if (f[off] >> 4 == 6) {
		plen = (uint32_t)(f[off + 4] << 8 | f[off + 5]);
		return plen > 8 ? plen - 8 : 0;
	}
	return (uint32_t)(f[off + 2] << 8 | f[off + 3]) -
	    (uint32_t)(f[off] & 0x0f) * 4;
}

static uint8_t *
slot_frame(const struct uvs_frag_table *t, uint32_t s)
{
	return t->slot + (size_t)(s - 1) * t->slot_size + t->headroom;
}

int
uvs_frag_hold(struct uvs_frag_table *t, struct uvs_frag *e,
    const uint8_t *frame, size_t len, uint16_t tci)
{
	uint32_t s = t->free_slots, *p;

	if (!s || len > UVS_FRAG_SLOT_FRAME)
		return -ENOSPC;
	t->free_slots = t->snext[s - 1];
	memset(slot_frame(t, s) - t->headroom, 0, t->headroom);
	memcpy(slot_frame(t, s), frame, len);
	t->slen[s - 1] = (uint32_t)len;
	t->stci[s - 1] = tci;
	/* kept in arrival order, so they leave in it */
	for (p = &e->held; *p; p = &t->snext[*p - 1])
		;
	*p = s;
	t->snext[s - 1] = 0;
	t->held_now++;
	return 0;
}

unsigned
uvs_frag_release(struct uvs_frag_table *t, struct uvs_frag *e,
    const uint8_t *dst, const uint8_t *src, uint64_t *bytes)
{
	unsigned n = 0;
	uint32_t s;

	for (s = e->held; s; s = t->snext[s - 1]) {
		uint8_t *f = slot_frame(t, s);

		memcpy(f, dst, 6);
		memcpy(f + 6, src, 6);
		*bytes += ip_payload(f, t->slen[s - 1]);
		n++;
		if (!t->snext[s - 1])
			break;
	}
	if (!n)
		return 0;
	/* s is the list's last slot: append the list to ready */
	if (t->ready_tail)
		t->snext[t->ready_tail - 1] = e->held;
	else
		t->ready = e->held;
	t->ready_tail = s;
	t->held_now -= n;
	e->held = 0;
	return n;
}

uint32_t
uvs_frag_drop_held(struct uvs_frag_table *t, struct uvs_frag *e)
{
	uint32_t n = slots_free(t, e->held);

	t->held_now -= n;
	e->held = 0;
	return n;
}

uint8_t *
uvs_frag_next_ready(struct uvs_frag_table *t, size_t *len, uint16_t *tci)
{
	uint32_t s = t->ready;

	if (!s)
		return NULL;
	t->ready = t->snext[s - 1];
	if (!t->ready)
		t->ready_tail = 0;
	t->snext[s - 1] = t->sending;
	t->sending = s;
	*len = t->headroom + t->slen[s - 1];
	*tci = t->stci[s - 1];
	return slot_frame(t, s) - t->headroom;
}

void
uvs_frag_sent(struct uvs_frag_table *t)
{
	slots_free(t, t->sending);
	slots_free(t, t->ready);
	t->sending = t->ready = t->ready_tail = 0;
}

uint32_t
uvs_frag_expire(struct uvs_frag_table *t, uint32_t now)
{
	uint64_t before = t->expired_frames;

	while (t->tail != t->head) {
		struct uvs_frag *e = &t->e[t->tail % t->cap];

		if (e->state != UVS_FRAG_FREE &&
		    (int32_t)(now - e->expires) < 0)
			break;
		if (e->state != UVS_FRAG_FREE)
			entry_free(t, e);
		t->tail++;
	}
	return (uint32_t)(t->expired_frames - before);
}

void
uvs_frag_flush_dest(struct uvs_frag_table *t, const struct uvs_dest *dest)
{
	uint32_t i;

	for (i = 0; i < t->cap; i++) {
		struct uvs_frag *e = &t->e[i];

		if (e->state != UVS_FRAG_FWD || (dest && e->dest != dest))
			continue;
		e->state = UVS_FRAG_DROP;
		e->why = UVS_DROP_NO_DEST;
		e->dest = NULL;
	}
}
