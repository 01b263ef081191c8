/*
 * IPVS's rate estimator. A 2 s delta shifted left 9 is the per-second
 * rate times 2^10 (delta / 2 * 2^10); bytes shift by 4 for 2^5. The
 * average moves a quarter of the way to each new sample. Counters only
 * grow between zeroings, so the deltas are never negative; the average
 * may fall, hence the signed step.
 */
#include <string.h>

#include "est.h"

static uint64_t
ewma(uint64_t avg, uint64_t sample)
{
	return (uint64_t)((int64_t)avg + (((int64_t)sample - (int64_t)avg) >> 2));
}

void
uvs_est_update(struct uvs_est *e, uint64_t conns, uint64_t inpkts,
    uint64_t inbytes)
{
	e->cps = ewma(e->cps, (conns - e->last_conns) << 9);
	e->inpps = ewma(e->inpps, (inpkts - e->last_inpkts) << 9);
	e->inbps = ewma(e->inbps, (inbytes - e->last_inbytes) << 4);
	e->last_conns = conns;
	e->last_inpkts = inpkts;
	e->last_inbytes = inbytes;
}

void
uvs_est_read(const struct uvs_est *e, struct uvs_rate *r)
{
	/* ip_vs_read_estimator(): round to nearest */
	r->cps = (e->cps + 0x1FF) >> 10;
	r->inpps = (e->inpps + 0x1FF) >> 10;
	r->inbps = (e->inbps + 0xF) >> 5;
}

void
uvs_est_zero(struct uvs_est *e, uint64_t conns, uint64_t inpkts,
    uint64_t inbytes)
{
	memset(e, 0, sizeof(*e));
	e->last_conns = conns;
	e->last_inpkts = inpkts;
	e->last_inbytes = inbytes;
}
