/*
 * The per-destination-IP table of the locality schedulers, lblc and lblcr
 * (locality.c): each destination IP maps to a small set of dests, and the
 * pieces of IPVS both schedulers share. lblc is a table of sets of one.
 */
#ifndef UVS_LOCALITY_H
#define UVS_LOCALITY_H

#include <stdint.h>

#include "sched.h"

#define UVS_LOC_TAB_BITS	10
#define UVS_LOC_TAB_SIZE	(1u << UVS_LOC_TAB_BITS)

struct uvs_loc_entry {
	union uvs_inaddr  addr;	/* destination IP, network order */
	uint32_t	  lastuse;	/* flow->now of its last lookup */
	uint32_t	  lastmod;	/* flow->now of its last set edit */
	uint16_t	  hnext;	/* hash chain; free list if unused */
	uint16_t	  older, newer;	/* recency list */
	unsigned	  nset;
	struct uvs_dest	**set;	/* set_max slots, newest first */
};

struct uvs_loc_table {
	uint16_t		 bucket[UVS_LOC_TAB_SIZE];
	uint16_t		 oldest, newest;
	uint16_t		 free;
	uint16_t		 af;	/* the service's: every key's */
	unsigned		 set_max;
	struct uvs_loc_entry	 en[UVS_LOC_TAB_SIZE];
	struct uvs_dest		*sets[];	/* en[i].set's slots */
};

/*
 * Scheduler ops: attach gives svc an empty table whose sets hold at most
 * set_max dests (0, or -ENOMEM); done frees it; update takes removed
 * dests out of every set and drops the entries left empty.
 */
int		 uvs_loc_attach(struct uvs_svc *svc, unsigned set_max);
void		 uvs_loc_done(void *sched_data);
int		 uvs_loc_update(struct uvs_svc *svc);

/* The entry of addr (network order, the table's family), or NULL. */
struct uvs_loc_entry *uvs_loc_lookup(struct uvs_loc_table *t,
		    const union uvs_inaddr *addr);
/* Marks e used at now: it becomes the most recently used. */
void		 uvs_loc_touch(struct uvs_loc_table *t,
		    struct uvs_loc_entry *e, uint32_t now);
/* A new entry for addr with an empty set; a full table gives up its
 * least recently used entry. Never fails. */
struct uvs_loc_entry *uvs_loc_add(struct uvs_loc_table *t,
		    const union uvs_inaddr *addr, uint32_t now);
/* Drops every entry unused for expiration seconds up to now. */
void		 uvs_loc_expire(struct uvs_loc_table *t, uint32_t now,
		    int32_t expiration);

/* Index in e->set of the member of most overhead/weight among those of
 * weight > 0, first on a tie; -1 when every member is quiescent. */
int		 uvs_loc_set_most(const struct uvs_loc_entry *e);
/* Removes e->set[i]; lastmod is left to the caller. */
void		 uvs_loc_set_erase(struct uvs_loc_entry *e, unsigned i);
/* Puts dest at the head of e's set unless it is a member; a full set
 * first gives up its most loaded member (its oldest when all are
 * quiescent). */
void		 uvs_loc_set_insert(const struct uvs_loc_table *t,
		    struct uvs_loc_entry *e, struct uvs_dest *dest,
		    uint32_t now);

/* The usable dest of least overhead/weight in v[0..n), first on a tie;
 * NULL when none is usable. */
struct uvs_dest	*uvs_loc_least(struct uvs_dest *const *v, unsigned n);
/* IPVS's is_overloaded(): dest has more active conns than its weight
 * while some dest of svc runs below half its weight. */
int		 uvs_loc_overloaded(const struct uvs_svc *svc,
		    const struct uvs_dest *dest);

#endif
