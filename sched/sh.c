/*
 * Source hashing (IPVS ip_vs_sh.c): a 256-bucket table maps the hash of
 * the client's address (plus its port with sh-port) to a dest. The table
 * is filled from the dest list in order, each dest taking `weight'
 * consecutive buckets (one if its weight is 0) and the list starting over
 * until every bucket is taken, so the same dest list gives the same table,
 * and the same picks, as IPVS. The hash is the kernel's hash_32, so a
 * client's bucket is IPVS's too. A dest that is not usable yields NULL, or
 * with sh-fallback IPVS's deterministic walk to another bucket. One that
 * health checks took out is not in the list that fills the table, as a
 * dest keepalived deleted is not in IPVS's: its buckets are dealt anew.
 */
#include <stdlib.h>
#include <arpa/inet.h>

#include "hash.h"
#include "sched.h"

#define SH_TAB_BITS	8	/* IP_VS_SH_TAB_BITS (ip_vs_sh.c) */
#define SH_TAB_SIZE	(1u << SH_TAB_BITS)
#define SH_TAB_MASK	(SH_TAB_SIZE - 1)

struct sh_state {
	struct uvs_dest	*bucket[SH_TAB_SIZE];
};

/* ip_vs_sh_hashkey(); addr (uvs_inaddr_fold's, so a v6 client's four
   words xor-ed, as the kernel's addr_fold) and port in network order. */
static unsigned
sh_hashkey(uint32_t addr, uint16_t port, unsigned offset)
{
	return (offset + uvs_hash_32(ntohs(port) + ntohl(addr), SH_TAB_BITS)) &
	    SH_TAB_MASK;
}

/* The listed dest after index p, round; p itself when it is the only one. */
static unsigned
sh_next(const struct uvs_svc *svc, unsigned p)
{
	do
		p = (p + 1) % svc->ndests;
	while (!uvs_dest_listed(svc->dests[p]));
	return p;
}

/* ip_vs_sh_reassign(): `weight' buckets each, in list order, round. */
static void
sh_fill(struct sh_state *st, const struct uvs_svc *svc)
{
	unsigned i, p, listed = 0;
	int taken = 0;

	for (i = 0; i < svc->ndests; i++)
		listed += uvs_dest_listed(svc->dests[i]);
	if (!listed) {
		for (i = 0; i < SH_TAB_SIZE; i++)
			st->bucket[i] = NULL;
		return;
	}
	p = sh_next(svc, svc->ndests - 1);	/* the first listed */
	for (i = 0; i < SH_TAB_SIZE; i++) {
		struct uvs_dest *d = svc->dests[p];

		st->bucket[i] = d;
		if (++taken >= d->weight) {
			p = sh_next(svc, p);
			taken = 0;
		}
	}
}

static int
sh_init(struct uvs_svc *svc)
{
	struct sh_state *st = calloc(1, sizeof(*st));

	if (!st)
		return -1;
	sh_fill(st, svc);
	svc->sched_data = st;
	return 0;
}

static void
sh_done(void *data)
{
	free(data);
}

static int
sh_update(struct uvs_svc *svc)
{
	sh_fill(svc->sched_data, svc);
	return 0;
}

/*
 * ip_vs_sh_get_fallback(): the walk starts at bucket ihash + ihash (the
 * offset is added to a key that already holds ihash) and tries every
 * bucket once.
 */
static struct uvs_dest *
sh_fallback(const struct sh_state *st, uint32_t addr, uint16_t port,
    unsigned ihash)
{
	unsigned off;

	for (off = 0; off < SH_TAB_SIZE; off++) {
		unsigned roff = (off + ihash) % SH_TAB_SIZE;
		struct uvs_dest *d = st->bucket[sh_hashkey(addr, port, roff)];

		if (!d)
			return NULL;
		if (uvs_dest_usable(d))
			return d;
	}
	return NULL;
}

static struct uvs_dest *
sh_schedule(struct uvs_svc *svc, const struct uvs_flow *flow)
{
	const struct sh_state *st = svc->sched_data;
	uint16_t port = svc->flags & UVS_SVC_F_SH_PORT ? flow->cport : 0;
	uint32_t fold = uvs_inaddr_fold(flow->af, &flow->caddr);
	unsigned ihash = sh_hashkey(fold, port, 0);
	struct uvs_dest *d = st->bucket[ihash];

	if (!d || uvs_dest_usable(d))
		return d;
	if (!(svc->flags & UVS_SVC_F_SH_FALLBACK))
		return NULL;
	return sh_fallback(st, fold, port, ihash);
}

const struct uvs_sched_ops uvs_sched_sh = {
	.name = "sh",
	.init = sh_init,
	.done = sh_done,
	.update = sh_update,
	.schedule = sh_schedule,
};
