/*
 * IPVS's least-connection scans, for comparison (see sched_ref.h). Each
 * walks svc->dests in list order; the first dest wins a tie, because IPVS
 * replaces its candidate only on a strictly better one.
 */
#include "bench/sched_ref.h"

static int
usable(const struct uvs_dest *d)
{
	return uvs_dest_usable(d);
}

struct uvs_dest *
uvs_ref_lc(const struct uvs_svc *svc)
{
	struct uvs_dest *least = NULL;
	uint32_t loh = 0;
	unsigned i;

	for (i = 0; i < svc->ndests; i++) {
		struct uvs_dest *d = svc->dests[i];
		uint32_t doh;

		if (!usable(d))
			continue;
		doh = uvs_dest_overhead(d);
		if (!least || doh < loh) {
			least = d;
			loh = doh;
		}
	}
	return least;
}

/* Smallest oh(d) / weight, compared as IPVS does: loh * w_d > doh * w_l. */
static struct uvs_dest *
ref_weighted(const struct uvs_svc *svc, uint64_t (*oh)(const struct uvs_dest *))
{
	struct uvs_dest *least = NULL;
	uint64_t loh = 0;
	unsigned i;

	for (i = 0; i < svc->ndests; i++) {
		struct uvs_dest *d = svc->dests[i];
		uint64_t doh;

		if (!usable(d))
			continue;
		doh = oh(d);
		if (!least || loh * (uint64_t)d->weight >
		    doh * (uint64_t)least->weight) {
			least = d;
			loh = doh;
		}
	}
	return least;
}

static uint64_t
wlc_overhead(const struct uvs_dest *d)
{
	return uvs_dest_overhead(d);
}

/* ip_vs_sed_dest_overhead(): only active connections, plus the new one. */
static uint64_t
sed_overhead(const struct uvs_dest *d)
{
	return (uint64_t)d->activeconns + 1;
}

struct uvs_dest *
uvs_ref_wlc(const struct uvs_svc *svc)
{
	return ref_weighted(svc, wlc_overhead);
}

struct uvs_dest *
uvs_ref_sed(const struct uvs_svc *svc)
{
	return ref_weighted(svc, sed_overhead);
}

/* ip_vs_nq.c: the first idle usable dest at once, else sed. */
struct uvs_dest *
uvs_ref_nq(const struct uvs_svc *svc)
{
	unsigned i;

	for (i = 0; i < svc->ndests; i++) {
		struct uvs_dest *d = svc->dests[i];

		if (usable(d) && d->activeconns == 0)
			return d;
	}
	return uvs_ref_sed(svc);
}
