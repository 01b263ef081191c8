/*
 * Which VIPs a director serves when it follows VRRP (uvsd --follow-vip):
 * a sorted array of the addresses (with their family) the director's
 * kernel holds, kept in
 * the service table so that every copy of the table (master, workers,
 * a transaction's shadow) carries the same answer. The packet path asks
 * for every ARP request and every frame to a VIP, so the test is a
 * binary search over at most UVS_SVC_HELD_MAX entries, and nothing when
 * follow is off. Changed only on the control path (an address event).
 */
#include <errno.h>
#include <string.h>

#include "sched.h"

void
uvs_svc_follow(struct uvs_svc_table *t, int on)
{
	t->follow = on != 0;
}

/* held[] order: by family, then the address's bytes. */
static int
held_cmp(const struct uvs_held *h, int af, const union uvs_inaddr *addr)
{
	if (h->af != af)
		return h->af < af ? -1 : 1;
	return uvs_inaddr_cmp(&h->addr, addr);
}

/* Index of addr in held[], or of where it would go. */
static unsigned
held_pos(const struct uvs_svc_table *t, int af, const union uvs_inaddr *addr)
{
	unsigned lo = 0, hi = t->nheld, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (held_cmp(&t->held[mid], af, addr) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int
held_at(const struct uvs_svc_table *t, unsigned i, int af,
    const union uvs_inaddr *addr)
{
	return i < t->nheld && held_cmp(&t->held[i], af, addr) == 0;
}

int
uvs_svc_is_held(const struct uvs_svc_table *t, int af,
    const union uvs_inaddr *addr)
{
	return held_at(t, held_pos(t, af, addr), af, addr);
}

int
uvs_svc_hold(struct uvs_svc_table *t, int af, const union uvs_inaddr *addr,
    int held)
{
	unsigned i = held_pos(t, af, addr);
	int there = held_at(t, i, af, addr);

	if (held == there)
		return 0;
	if (!held) {
		memmove(&t->held[i], &t->held[i + 1],
		    (t->nheld - i - 1) * sizeof(t->held[0]));
		t->nheld--;
		return 0;
	}
	if (t->nheld == UVS_SVC_HELD_MAX)
		return -ENOSPC;
	memmove(&t->held[i + 1], &t->held[i],
	    (t->nheld - i) * sizeof(t->held[0]));
	t->held[i].af = (uint16_t)af;
	t->held[i].addr = *addr;
	t->nheld++;
	return 0;
}

int
uvs_svc_vip_silent(const struct uvs_svc_table *t, int af,
    const union uvs_inaddr *addr)
{
	return t->follow && !uvs_svc_is_held(t, af, addr);
}
