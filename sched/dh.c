/*
 * Destination hashing (IPVS ip_vs_dh.c): a 256-bucket table maps the hash
 * of the flow's destination address to a dest. The table holds the dest
 * list in order, over and over (bucket i gets dest i mod n; weights do not
 * count), and the hash is the kernel's hash_32, so picks are IPVS's for
 * the same dest list. A dest that is not usable yields NULL: dh has no
 * fallback. One that health checks took out is left out of the list, as
 * keepalived's delete leaves it out of IPVS's. uvs finds a service by its
 * VIP, so every flow of one service has the same destination address and
 * goes to the same dest.
 */
#include <stdlib.h>
#include <arpa/inet.h>

#include "hash.h"
#include "sched.h"

#define DH_TAB_BITS	8	/* IP_VS_DH_TAB_BITS (ip_vs_dh.c) */
#define DH_TAB_SIZE	(1u << DH_TAB_BITS)

struct dh_state {
	struct uvs_dest	*bucket[DH_TAB_SIZE];
};

/* ip_vs_dh_hashkey(): the kernel's hash_32() of the host-order address
   (uvs_inaddr_fold's: a v6 one's four words xor-ed, as addr_fold). */
static unsigned
dh_hashkey(uint32_t addr)
{
	return uvs_hash_32(ntohl(addr), DH_TAB_BITS);
}

/* ip_vs_dh_reassign(): one bucket per listed dest, in list order, round. */
static void
dh_fill(struct dh_state *st, const struct uvs_svc *svc)
{
	unsigned i, k, n = 0;

	for (k = 0; k < svc->ndests && n < DH_TAB_SIZE; k++)
		if (uvs_dest_listed(svc->dests[k]))
			st->bucket[n++] = svc->dests[k];
	for (i = n; i < DH_TAB_SIZE; i++)
		st->bucket[i] = n ? st->bucket[i % n] : NULL;
}

static int
dh_init(struct uvs_svc *svc)
{
	struct dh_state *st = calloc(1, sizeof(*st));

	if (!st)
		return -1;
	dh_fill(st, svc);
	svc->sched_data = st;
	return 0;
}

static void
dh_done(void *data)
{
	free(data);
}

static int
dh_update(struct uvs_svc *svc)
{
	dh_fill(svc->sched_data, svc);
	return 0;
}

static struct uvs_dest *
dh_schedule(struct uvs_svc *svc, const struct uvs_flow *flow)
{
	const struct dh_state *st = svc->sched_data;
	struct uvs_dest *d = st->bucket[dh_hashkey(uvs_inaddr_fold(flow->af,
	    &flow->vaddr))];

	return d && uvs_dest_usable(d) ? d : NULL;
}

const struct uvs_sched_ops uvs_sched_dh = {
	.name = "dh",
	.init = dh_init,
	.done = dh_done,
	.update = dh_update,
	.schedule = dh_schedule,
};
