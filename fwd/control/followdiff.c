/*
 * The difference between the addresses the kernel holds and the held
 * set of uvsd's table, as "vip-held addr=A held=H" requests (batch.c
 * reads A with uvs_ctl_get_inaddr, so a v6 address is written bare).
 */
#include <string.h>

#include "fwd/control/followdiff.h"

int
uvs_follow_followable(int af, const union uvs_inaddr *a)
{
	if (af == AF_INET)
		return 1;
	return af == AF_INET6 && !IN6_IS_ADDR_LOOPBACK(&a->in6) &&
	    !IN6_IS_ADDR_LINKLOCAL(&a->in6) &&
	    !IN6_IS_ADDR_MULTICAST(&a->in6) &&
	    !IN6_IS_ADDR_UNSPECIFIED(&a->in6);
}

static void
req_held(struct uvs_follow_reqs *r, int af, const union uvs_inaddr *addr,
    int held)
{
	struct uvs_ctl_msg *m = &r->msgs[r->n];

	inet_ntop(af, addr->b, r->text[r->n], INET6_ADDRSTRLEN);
	r->addr[r->n] = (struct uvs_held){ .af = (uint16_t)af,
	    .addr = *addr };
	m->verb = "vip-held";
	m->kv[0] = (struct uvs_ctl_kv){ "addr", r->text[r->n] };
	m->kv[1] = (struct uvs_ctl_kv){ "held", held ? "1" : "0" };
	m->nkv = 2;
	r->n++;
}

/* Is (af, a) one of v[0..n)? The lists are short: a linear scan. */
static int
in_list(const struct uvs_held *v, unsigned n, int af,
    const union uvs_inaddr *a)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (v[i].af == af && uvs_inaddr_eq(&v[i].addr, a))
			return 1;
	return 0;
}

void
uvs_follow_diff(const struct uvs_svc_table *t, const struct uvs_held *now,
    unsigned n, struct uvs_follow_reqs *r)
{
	unsigned i;

	for (i = 0; i < t->nheld; i++)
		if (!in_list(now, n, t->held[i].af, &t->held[i].addr))
			req_held(r, t->held[i].af, &t->held[i].addr, 0);
	for (i = 0; i < n; i++)
		if (!uvs_svc_is_held(t, now[i].af, &now[i].addr) &&
		    !in_list(now, i, now[i].af, &now[i].addr))
			req_held(r, now[i].af, &now[i].addr, 1);
}
