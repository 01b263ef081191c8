/*
 * Rate estimator, as IPVS's ip_vs_est.c: every 2 seconds the counters'
 * growth feeds an exponentially weighted average with weight 1/4, so a
 * rate reflects roughly the last 8 seconds. Averages are kept scaled
 * (x2^10 for per-second counts, x2^5 for bytes) to keep precision in
 * integers, and read back rounded, exactly as IPVS reads them.
 */
#ifndef UVS_EST_H
#define UVS_EST_H

#include <stdint.h>

/* IPVS's estimation_timer period. */
#define UVS_EST_INTERVAL_S	2

struct uvs_est {
	uint64_t	last_conns, last_inpkts, last_inbytes;
	uint64_t	cps, inpps, inbps;	/* scaled averages */
};

/* Per-second rates, as ipvsadm --rate shows them. */
struct uvs_rate {
	uint64_t	cps, inpps, inbps;
};

/* One estimation step with the counters' current values. */
void	uvs_est_update(struct uvs_est *e, uint64_t conns, uint64_t inpkts,
	    uint64_t inbytes);
/* The averages as rates per second. */
void	uvs_est_read(const struct uvs_est *e, struct uvs_rate *r);
/* -Z: averages to 0, counting on from the counters' current values. */
void	uvs_est_zero(struct uvs_est *e, uint64_t conns, uint64_t inpkts,
	    uint64_t inbytes);

#endif
