/*
 * The service table's index: two open-addressing hash tables (linear
 * probing, power-of-two size, at most half full) beside the svcs array,
 * one keyed by (proto, family, VIP, port) giving the service, one keyed
 * by (family, VIP) giving how many services use it. Keys hash all
 * sixteen address bytes, so v6 VIPs that share a fold do not share a
 * probe run. Both are what the packet path asks for every ARP request
 * and every new flow, so at 1 000 VIPs an answer costs a probe or two,
 * not a walk over the table.
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

/*
 * The four words of a, each mixed before the next goes in, so that no
 * two words cancel out (a plain xor would map the v6 VIPs ::1:0 and
 * ::0:1 onto one slot); for v4 only the first word is not zero.
 */
static uint32_t
addr_mix(int af, const union uvs_inaddr *a)
{
	uint32_t h = (uint32_t)af;
	unsigned i;

	for (i = 0; i < 4; i++)
		h = (h ^ a->all[i]) * 0x9e3779b1u;
	return h;
}

static unsigned
vip_slot(int af, const union uvs_inaddr *addr, unsigned bits)
{
	return uvs_hash_32(addr_mix(af, addr), bits);
}

static unsigned
svc_slot(uint8_t proto, int af, const union uvs_inaddr *addr, uint16_t port,
    unsigned bits)
{
	return uvs_hash_32(addr_mix(af, addr) ^ ((uint32_t)port << 16 | proto) *
	    0x9e3779b1u, bits);
}

static int
vip_is(const struct uvs_vip_slot *v, int af, const union uvs_inaddr *addr)
{
	return v->af == af && uvs_inaddr_eq(&v->addr, addr);
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

	i = svc_slot(s->proto, s->af, &s->addr, s->port, t->ibits);
	while (t->isvc[i])
		i = (i + 1) & mask;
	t->isvc[i] = s;
	i = vip_slot(s->af, &s->addr, t->ibits);
	while (t->ivip[i].count && !vip_is(&t->ivip[i], s->af, &s->addr))
		i = (i + 1) & mask;
	t->ivip[i].addr = s->addr;
	t->ivip[i].af = s->af;
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
uvs_svc_find(const struct uvs_svc_table *t, uint8_t proto, int af,
    const union uvs_inaddr *addr, uint16_t port)
{
	unsigned mask, i;
	struct uvs_svc *s;

	if (!t->isvc)
		return NULL;
	mask = (1u << t->ibits) - 1;
	for (i = svc_slot(proto, af, addr, port, t->ibits); (s = t->isvc[i]);
	    i = (i + 1) & mask)
		if (s->port == port && s->proto == proto && s->af == af &&
		    uvs_inaddr_eq(&s->addr, addr))
			return s;
	return NULL;
}

int
uvs_svc_is_vip(const struct uvs_svc_table *t, int af,
    const union uvs_inaddr *addr)
{
	unsigned mask, i;

	if (!t->ivip)
		return 0;
	mask = (1u << t->ibits) - 1;
	for (i = vip_slot(af, addr, t->ibits); t->ivip[i].count;
	    i = (i + 1) & mask)
		if (vip_is(&t->ivip[i], af, addr))
			return 1;
	return 0;
}
