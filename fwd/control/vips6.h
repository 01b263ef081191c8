/*
 * The director's IPv6 VIPs as the control plane sees them: which
 * families the capture filter must pass, and the unsolicited Neighbor
 * Advertisement that announces a v6 VIP when it starts being served, as
 * gratuitous ARP announces a v4 one (reconcile.c).
 */
#ifndef UVS_DIR_VIPS6_H
#define UVS_DIR_VIPS6_H

#include <stddef.h>

#include "fwd/control/director.h"

/* UVS_FILTER_V4 and/or UVS_FILTER_V6: the families t's services have. */
int	uvs_dir_families(const struct uvs_svc_table *t);

/*
 * t's distinct v6 VIPs that are served (with --follow-vip: held), in
 * table order: a malloc'd array (*n of them), or NULL with no memory.
 */
union uvs_inaddr *uvs_dir_vips6(const struct uvs_svc_table *t, size_t *n);

/*
 * Sends an unsolicited NA for each v6 VIP served now (d's table) that
 * is not among old (on of them, uvs_dir_vips6 of the table before).
 */
void	uvs_dir_announce6(struct uvs_director *d,
	    const union uvs_inaddr *old, size_t on);

#endif
