/*
 * uvsd --follow-vip (fwd/control/follow.c): in a VRRP pair, a director
 * serves a VIP only while its kernel holds that address, as keepalived's
 * vrrp_instance puts it on the master's interface and takes it off the
 * backup's.
 */
#ifndef UVS_FOLLOW_H
#define UVS_FOLLOW_H

#include <stddef.h>

struct uvs_director;

/*
 * Turns following on: from now on only held VIPs are served, starting
 * with those the kernel holds now. Needs the kernel guard (the kernel
 * must not answer for an address keepalived gives it). 0 or -errno with
 * err set.
 */
int	uvs_dir_follow_start(struct uvs_director *d, char *err, size_t errlen);
/*
 * The kernel's addresses changed (or events were lost): reads them again
 * and makes what changed one transaction, logging each VIP taken or
 * given up. 0 or -errno.
 */
int	uvs_dir_follow_update(struct uvs_director *d);

#endif
