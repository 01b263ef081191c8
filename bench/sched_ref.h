/*
 * Reference schedulers: IPVS's own O(n) scans (ip_vs_lc.c, ip_vs_wlc.c,
 * ip_vs_sed.c, ip_vs_nq.c), written as plainly as IPVS writes them. The
 * property tests check that sched/'s faster pickers choose exactly what
 * these choose; bench/sched measures them side by side.
 */
#ifndef UVS_SCHED_REF_H
#define UVS_SCHED_REF_H

#include "sched/sched.h"

struct uvs_dest	*uvs_ref_lc(const struct uvs_svc *svc);
struct uvs_dest	*uvs_ref_wlc(const struct uvs_svc *svc);
struct uvs_dest	*uvs_ref_sed(const struct uvs_svc *svc);
struct uvs_dest	*uvs_ref_nq(const struct uvs_svc *svc);

#endif
