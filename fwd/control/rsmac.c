/*
 * Real servers' MACs by address and family. An open-addressing hash (linear
 * probing, at most half full, deletion by shifting the probe chain back
 * so no tombstones pile up) of the addresses dests use, each with a
 * reference count, so 10 000 dests over a few hundred addresses cost a
 * few hundred entries, and the director asks the kernel about each
 * address once, not once per dest. An address nobody answers for is asked
 * again with a doubling wait (the kernel sends its ARP probes each time),
 * never more than once per UVS_RSMAC_BACKOFF_MAX_S, so thousands of
 * silent addresses cannot turn into a storm of ARP requests. An IPv6
 * address hashes by its four words folded into one (uvs_inaddr_fold); a
 * slot is free when its family is 0.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fwd/control/rsmac.h"
#include "sched/hash.h"

#define RSMAC_MIN_BITS	6

void
uvs_rsmac_init(struct uvs_rsmac *t)
{
	memset(t, 0, sizeof(*t));
}

void
uvs_rsmac_free(struct uvs_rsmac *t)
{
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

static unsigned
home(const struct uvs_rsmac *t, int af, const union uvs_inaddr *addr)
{
	return uvs_hash_32(uvs_inaddr_fold(af, addr) ^ (uint32_t)af, t->bits);
}

static const union uvs_inaddr no_addr;

/* An address an entry may have: of a known family, not all zero. */
static int
addr_ok(int af, const union uvs_inaddr *addr)
{
	return (af == AF_INET || af == AF_INET6) &&
	    !uvs_inaddr_eq(addr, &no_addr);
}

static struct uvs_rsmac_entry *
slot_of(const struct uvs_rsmac *t, int af, const union uvs_inaddr *addr)
{
	unsigned mask, i;

	if (!t->slots || !addr_ok(af, addr))
		return NULL;
	mask = (1u << t->bits) - 1;
	for (i = home(t, af, addr); t->slots[i].af; i = (i + 1) & mask)
		if (t->slots[i].af == af &&
		    uvs_inaddr_eq(&t->slots[i].addr, addr))
			return &t->slots[i];
	return NULL;
}

struct uvs_rsmac_entry *
uvs_rsmac_find_af(const struct uvs_rsmac *t, int af,
    const union uvs_inaddr *addr)
{
	return slot_of(t, af, addr);
}

struct uvs_rsmac_entry *
uvs_rsmac_find(const struct uvs_rsmac *t, uint32_t addr)
{
	union uvs_inaddr a = uvs_inaddr4(addr);

	return slot_of(t, AF_INET, &a);
}

static struct uvs_rsmac_entry *
put(struct uvs_rsmac *t, const struct uvs_rsmac_entry *e)
{
	unsigned mask = (1u << t->bits) - 1, i;

	for (i = home(t, e->af, &e->addr); t->slots[i].af; i = (i + 1) & mask)
		;
	t->slots[i] = *e;
	return &t->slots[i];
}

/* Doubles the table when one more entry would make it over half full. */
static int
grow(struct uvs_rsmac *t)
{
	struct uvs_rsmac old = *t;
	unsigned bits = t->bits ? t->bits : RSMAC_MIN_BITS, i;

	while ((1u << bits) < 2 * (t->count + 1))
		bits++;
	if (t->slots && bits == t->bits)
		return 0;
	if (!(t->slots = calloc(1u << bits, sizeof(*t->slots)))) {
		*t = old;
		return -ENOMEM;
	}
	t->bits = bits;
	for (i = 0; old.slots && i < (1u << old.bits); i++)
		if (old.slots[i].af)
			put(t, &old.slots[i]);
	free(old.slots);
	return 0;
}

struct uvs_rsmac_entry *
uvs_rsmac_ref_af(struct uvs_rsmac *t, int af, const union uvs_inaddr *addr,
    uint32_t now, int *created)
{
	/* the caller asks the kernel at once: the next ask is in 1 s */
	struct uvs_rsmac_entry *e = slot_of(t, af, addr), fresh = {
		.addr = *addr, .af = (uint8_t)af, .since = now,
		.next_ask = now + 1, .wait = 2, .requests = 1,
	};

	*created = 0;
	if (e) {
		e->refs++;
		return e;
	}
	if (!addr_ok(af, addr) || grow(t) < 0)
		return NULL;
	fresh.refs = 1;
	t->count++;
	*created = 1;
	return put(t, &fresh);
}

struct uvs_rsmac_entry *
uvs_rsmac_ref(struct uvs_rsmac *t, uint32_t addr, uint32_t now, int *created)
{
	union uvs_inaddr a = uvs_inaddr4(addr);

	return uvs_rsmac_ref_af(t, AF_INET, &a, now, created);
}

/* Removes slot i and moves back the entries its probe chain displaced. */
static void
remove_slot(struct uvs_rsmac *t, unsigned i)
{
	unsigned mask = (1u << t->bits) - 1, j = i, h;

	for (;;) {
		t->slots[i].af = 0;
		for (;;) {
			j = (j + 1) & mask;
			if (!t->slots[j].af)
				return;
			h = home(t, t->slots[j].af, &t->slots[j].addr);
			/* j may move to i if its home is not in (i, j] */
			if (i <= j ? (h <= i || h > j) : (h <= i && h > j))
				break;
		}
		t->slots[i] = t->slots[j];
		i = j;
	}
}

void
uvs_rsmac_unref_af(struct uvs_rsmac *t, int af, const union uvs_inaddr *addr)
{
	struct uvs_rsmac_entry *e = slot_of(t, af, addr);

	if (!e || --e->refs > 0)
		return;
	remove_slot(t, (unsigned)(e - t->slots));
	t->count--;
}

void
uvs_rsmac_unref(struct uvs_rsmac *t, uint32_t addr)
{
	union uvs_inaddr a = uvs_inaddr4(addr);

	uvs_rsmac_unref_af(t, AF_INET, &a);
}

int
uvs_rsmac_news(struct uvs_rsmac *t, uint32_t addr, const uint8_t *mac,
    uint32_t now)
{
	union uvs_inaddr a = uvs_inaddr4(addr);

	return uvs_rsmac_news_af(t, AF_INET, &a, mac, now);
}

int
uvs_rsmac_news_af(struct uvs_rsmac *t, int af, const union uvs_inaddr *addr,
    const uint8_t *mac, uint32_t now)
{
	struct uvs_rsmac_entry *e = slot_of(t, af, addr);
	int back;

	if (!e)
		return 0;
	if (!mac) {
		if (e->resolved) {	/* lost it: a new wait begins */
			e->resolved = 0;
			e->since = now;
			e->wait = 1;
			e->next_ask = now;
		}
		return 0;
	}
	back = e->logged;
	memcpy(e->mac, mac, 6);
	if (!e->resolved)
		e->since = now;
	e->resolved = 1;
	e->logged = 0;
	e->wait = 1;
	e->next_ask = now + UVS_RSMAC_REFRESH_S;
	return back;
}

static void
due_one(struct uvs_rsmac_entry *e, uint32_t now, uvs_rsmac_fn fn, void *arg)
{
	if (!e->resolved && !e->logged &&
	    now - e->since >= UVS_RSMAC_UNANSWERED_S) {
		e->logged = 1;
		fn(arg, e, UVS_RSMAC_NO_ANSWER);
	}
	if ((int32_t)(now - e->next_ask) < 0)
		return;
	e->requests++;
	fn(arg, e, UVS_RSMAC_ASK);
	if (e->resolved) {
		e->next_ask = now + UVS_RSMAC_REFRESH_S;
		return;
	}
	e->next_ask = now + e->wait;
	if (e->wait < UVS_RSMAC_BACKOFF_MAX_S)
		e->wait *= 2;
}

void
uvs_rsmac_due(struct uvs_rsmac *t, uint32_t now, uvs_rsmac_fn fn, void *arg)
{
	unsigned i;

	for (i = 0; t->slots && i < (1u << t->bits); i++)
		if (t->slots[i].af)
			due_one(&t->slots[i], now, fn, arg);
}
