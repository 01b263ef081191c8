/*
 * An indexed binary min-heap of one service's dests, for the schedulers
 * that pick "the least X" (lc, wlc, sed, nq): the pick is the root, and a
 * dest whose counts changed moves in O(log n). See pickheap.c.
 */
#ifndef UVS_PICKHEAP_H
#define UVS_PICKHEAP_H

#include "sched.h"

/*
 * What a heap holds and how it orders it. member says whether a dest
 * belongs in the heap; before whether a's key is strictly smaller than
 * b's (a strict weak order). Equal keys go by list position, earlier
 * first, as IPVS's scans keep the first of equals.
 */
struct uvs_pick_order {
	int	(*member)(const struct uvs_dest *d);
	int	(*before)(const struct uvs_dest *a, const struct uvs_dest *b);
};

struct uvs_pickheap {
	const struct uvs_pick_order	 *order;
	struct uvs_dest			**heap;	/* [0] is the pick */
	unsigned			 *slot;	/* by sched_pos: heap index */
	unsigned			  n;	/* dests in the heap */
	unsigned			  npos;	/* svc->ndests at rebuild */
	unsigned			  cap;	/* of heap and slot */
	int				  stale;/* rebuild failed: scan */
};

void		 uvs_pickheap_init(struct uvs_pickheap *h,
		    const struct uvs_pick_order *order);
void		 uvs_pickheap_free(struct uvs_pickheap *h);
/*
 * Control path: numbers svc's dests (sched_pos) and rebuilds the heap.
 * Returns 0, or -ENOMEM, after which picks fall back to a scan until a
 * rebuild succeeds.
 */
int		 uvs_pickheap_rebuild(struct uvs_pickheap *h,
		    struct uvs_svc *svc);
/* Packet path: d's key or membership changed; O(log n), no allocation. */
void		 uvs_pickheap_changed(struct uvs_pickheap *h,
		    const struct uvs_svc *svc, struct uvs_dest *d);
/* The least member, or NULL when there is none. */
struct uvs_dest	*uvs_pickheap_top(const struct uvs_pickheap *h,
		    const struct uvs_svc *svc);

/* sed's order (sed.c), which nq falls back to. */
extern const struct uvs_pick_order uvs_pick_sed;

/*
 * A whole scheduler made of one heap: the scheduler's init passes its
 * order to uvs_pickheap_attach; the other four fit its ops as they are.
 */
int		 uvs_pickheap_attach(struct uvs_svc *svc,
		    const struct uvs_pick_order *order);
void		 uvs_pickheap_done(void *sched_data);
int		 uvs_pickheap_update(struct uvs_svc *svc);
struct uvs_dest	*uvs_pickheap_schedule(struct uvs_svc *svc,
		    const struct uvs_flow *flow);
void		 uvs_pickheap_dest_changed(struct uvs_svc *svc,
		    struct uvs_dest *d);

#endif
