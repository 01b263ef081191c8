/*
 * The service table's index: two open-addressing hash tables (linear
 * probing, power-of-two size, at most half full) beside the svcs array,
 * one keyed by (proto, VIP, port) giving the service, one keyed by VIP
 * giving how many services use it. Both are what the packet path asks
 * for every ARP request and every new flow, so at 1 000 VIPs an answer
 * costs a probe or two, not a walk over the table.
 * The index is rebuilt from the svcs array after each change (control
 * path, a thousand services rebuild in microseconds). Growing allocates
 * and may fail, before the table changes; a rebuild at the same size
 * (after a delete) reuses the arrays and cannot fail.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"
#include "hash.h"

#define INDEX_MIN_BITS	4

static unsigned
svc_slot(uint8_t proto, uint32_t addr, uint16_t port, unsigned bits)
{
	return uvs_hash_32(addr ^ ((uint32_t)port << 16 | proto) *
	    0x9e3779b1u, bits);
}

static void
index_clear(struct uvs_svc_table *t)
{
	unsigned n = 1u << t->ibits;

	memset(t->isvc, 0, n * sizeof(*t->isvc));
	memset(t->ivip, 0, n * sizeof(*t->ivip));
}

static void
index_put(struct uvs_svc_table *t, struct uvs_svc *s)
{
	unsigned mask = (1u << t->ibits) - 1, i;

	i = svc_slot(s->proto, s->addr, s->port, t->ibits);
	while (t->isvc[i])
		i = (i + 1) & mask;
	t->isvc[i] = s;
	i = uvs_hash_32(s->addr, t->ibits);
	while (t->ivip[i].count && t->ivip[i].addr != s->addr)
		i = (i + 1) & mask;
	t->ivip[i].addr = s->addr;
	t->ivip[i].count++;
}

static void
index_fill(struct uvs_svc_table *t)
{
	unsigned i;

	index_clear(t);
	for (i = 0; i < t->nsvcs; i++)
		index_put(t, t->svcs[i]);
}

int
uvs_svcindex_reserve(struct uvs_svc_table *t, unsigned nsvcs)
{
	unsigned bits = INDEX_MIN_BITS;
	struct uvs_svc **isvc;
	struct uvs_vip_slot *ivip;

	while ((1u << bits) < 2 * nsvcs)	/* at most half full */
		bits++;
	if (t->isvc && bits <= t->ibits)
		return 0;
	isvc = calloc(1u << bits, sizeof(*isvc));
	ivip = calloc(1u << bits, sizeof(*ivip));
	if (!isvc || !ivip) {
		free(isvc);
		free(ivip);
		return -ENOMEM;
	}
	free(t->isvc);
	free(t->ivip);
	t->isvc = isvc;
	t->ivip = ivip;
	t->ibits = bits;
	index_fill(t);
	return 0;
}

void
uvs_svcindex_rebuild(struct uvs_svc_table *t)
{
	if (t->isvc)
		index_fill(t);
}

void
uvs_svcindex_free(struct uvs_svc_table *t)
{
	free(t->isvc);
	free(t->ivip);
	t->isvc = NULL;
	t->ivip = NULL;
	t->ibits = 0;
}

struct uvs_svc *
uvs_svc_find(const struct uvs_svc_table *t, uint8_t proto, uint32_t addr,
    uint16_t port)
{
	unsigned mask, i;
	struct uvs_svc *s;

	if (!t->isvc)
		return NULL;
	mask = (1u << t->ibits) - 1;
	for (i = svc_slot(proto, addr, port, t->ibits); (s = t->isvc[i]);
	    i = (i + 1) & mask)
		if (s->addr == addr && s->port == port && s->proto == proto)
			return s;
	return NULL;
}

int
uvs_svc_is_vip(const struct uvs_svc_table *t, uint32_t addr)
{
	unsigned mask, i;

	if (!t->ivip)
		return 0;
	mask = (1u << t->ibits) - 1;
	for (i = uvs_hash_32(addr, t->ibits); t->ivip[i].count;
	    i = (i + 1) & mask)
		if (t->ivip[i].addr == addr)
			return 1;
	return 0;
}
