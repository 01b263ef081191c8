/*
 * The health engine's index: a key of five 64-bit words to a pointer, in
 * one open-addressing table (linear probing) that the index owns and
 * doubles when it is half full. Deletes shift the entries after the
 * hole back, so there are no tombstones and a lookup stays a short scan
 * however many adds and deletes came before.
 */
#ifndef UVS_HINDEX_H
#define UVS_HINDEX_H

#include <stdint.h>

/* Room for a service and a real server of either family: two v6
   addresses (four words), protocol, family and ports (one). */
struct uvs_hindex_key {
	uint64_t	 a, b, c, d, e;
};

struct uvs_hindex_slot {
	struct uvs_hindex_key	 k;
	void			*val;		/* NULL: the slot is free */
};

struct uvs_hindex {
	struct uvs_hindex_slot	*slots;
	uint32_t		 mask;		/* slots - 1, a power of 2 */
	uint32_t		 n;
};

/* The value under k, or NULL. An empty index finds nothing. */
void	*uvs_hindex_get(const struct uvs_hindex *x,
	    const struct uvs_hindex_key *k);
/* Puts val (not NULL) under k, replacing any. 0 or -ENOMEM. */
int	 uvs_hindex_put(struct uvs_hindex *x, const struct uvs_hindex_key *k,
	    void *val);
/* Removes k if it is there. */
void	 uvs_hindex_del(struct uvs_hindex *x, const struct uvs_hindex_key *k);
/* Frees the table; x is empty and usable again. */
void	 uvs_hindex_free(struct uvs_hindex *x);

#endif
