/*
 * One uvsd per interface (fwd/control/ifclaim.c): a second one on the
 * same interface would capture and forward every frame again, so each
 * real server got each SYN twice.
 */
#ifndef UVS_IFCLAIM_H
#define UVS_IFCLAIM_H

#include <stddef.h>

/*
 * Claims interface ifindex (named ifname) of this network namespace for
 * this process until it exits: returns the claim's descriptor (close-on-
 * exec; keep it open), or -EADDRINUSE with err naming the holder's pid
 * when another process holds it, or another -errno.
 */
int	uvs_ifclaim(unsigned ifindex, const char *ifname, char *err,
	    size_t errlen);

#endif
