/*
 * The VIP map's sync (xdp_vips.h). Keys to delete are collected in a
 * first pass and deleted in a second: deleting the key a hash map walk
 * stands on sends the next step back to the first key. The wanted set is
 * sorted once, so each key costs one binary search.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fwd/data/xdp_vips.h"

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The keys of the map not in want[0..n) (sorted): a malloc'd array. */
static int
stale_keys(const struct uvs_xdp_map_ops *ops, const uint32_t *want,
    size_t n, uint32_t **out, size_t *nout)
{
	uint32_t key, *k = NULL, *grown;
	size_t cap = 0;
	int rc;

	*nout = 0;
	for (rc = ops->next(ops->arg, NULL, &key); rc == 0;
	    rc = ops->next(ops->arg, &key, &key)) {
		if (bsearch(&key, want, n, sizeof(*want), cmp_u32))
			continue;
		if (*nout == cap) {
			cap = cap ? 2 * cap : 64;
			if (!(grown = realloc(k, cap * sizeof(*k)))) {
				free(k);
				return -ENOMEM;
			}
			k = grown;
		}
		k[(*nout)++] = key;
	}
	*out = k;
	return rc == -ENOENT ? 0 : rc;
}

int
uvs_xdp_vips_sync(const struct uvs_xdp_map_ops *ops, const uint32_t *vip,
    size_t n)
{
	uint32_t *want, *stale = NULL;
	size_t i, nstale = 0;
	int rc = 0;

	if (!(want = malloc((n + 1) * sizeof(*want))))
		return -ENOMEM;
	if (n)
		memcpy(want, vip, n * sizeof(*want));
	qsort(want, n, sizeof(*want), cmp_u32);
	for (i = 0; i < n && rc == 0; i++)
		rc = ops->add(ops->arg, want[i]);
	if (rc == 0)
		rc = stale_keys(ops, want, n, &stale, &nstale);
	for (i = 0; i < nstale && rc == 0; i++)
		rc = ops->del(ops->arg, stale[i]);
	free(stale);
	free(want);
	return rc;
}
