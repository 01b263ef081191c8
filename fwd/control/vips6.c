/*
 * IPv6 VIPs on the control path. A VIP newly served is announced once
 * with an unsolicited NA to all nodes (RFC 4861 7.2.6: override set, so
 * caches that still name a previous director, a VRRP peer's, take ours);
 * the allocations here are the control path's, never the packet loop's.
 */
#include <stdlib.h>
#include <string.h>

#include "arp/ndp.h"
#include "fwd/control/vips6.h"
#include "fwd/data/filter.h"

int
uvs_dir_families(const struct uvs_svc_table *t)
{
	int fam = 0;
	unsigned i;

	for (i = 0; i < t->nsvcs; i++)
		fam |= t->svcs[i]->af == AF_INET6 ? UVS_FILTER_V6 :
		    UVS_FILTER_V4;
	return fam;
}

static int
in_list(const union uvs_inaddr *v, size_t n, const union uvs_inaddr *a)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (uvs_inaddr_eq(&v[k], a))
			return 1;
	return 0;
}

union uvs_inaddr *
uvs_dir_vips6(const struct uvs_svc_table *t, size_t *n)
{
	union uvs_inaddr *v = calloc(t->nsvcs + 1, sizeof(*v));
	const struct uvs_svc *s;
	unsigned i;

	*n = 0;
	for (i = 0; v && i < t->nsvcs; i++) {
		s = t->svcs[i];
		if (s->af != AF_INET6 || in_list(v, *n, &s->addr) ||
		    uvs_svc_vip_silent(t, AF_INET6, &s->addr))
			continue;
		v[(*n)++] = s->addr;
	}
	return v;
}

void
uvs_dir_announce6(struct uvs_director *d, const union uvs_inaddr *old,
    size_t on)
{
	uint8_t buf[UVS_VNET_HLEN + UVS_NA_FRAME_LEN] = { 0 };
	union uvs_inaddr *now;
	size_t n, k;

	if (!(now = uvs_dir_vips6(&d->fw.svcs, &n)))
		return;
	for (k = 0; k < n; k++) {
		if (in_list(old, on, &now[k]))
			continue;
		uvs_ndp_na_unsolicited(buf + UVS_VNET_HLEN, d->fw.mac,
		    &now[k]);
		(void)uvs_capture_send(&d->cap, buf, sizeof(buf));
	}
	free(now);
}
