/*
 * Every scheduler uvs knows, in the order uvsadm -h lists them. Adding
 * one is its own file plus one line here. The list is an X-macro so that
 * the registry (registry.c: the ops) and the name table (names.c: names
 * alone, all uvsadm links) are made from one place.
 */
UVS_SCHED(rr)
UVS_SCHED(wrr)
UVS_SCHED(lc)
UVS_SCHED(wlc)
/* least-connection family */
UVS_SCHED(sed)
UVS_SCHED(nq)
UVS_SCHED(twos)
/* hashing */
UVS_SCHED(sh)
UVS_SCHED(dh)
UVS_SCHED(mh)
/* failover, overflow, locality */
UVS_SCHED(fo)
UVS_SCHED(ovf)
UVS_SCHED(lblc)
UVS_SCHED(lblcr)
