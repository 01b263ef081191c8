/*
 * Weighted round robin (IPVS ip_vs_wrr.c): the current weight cw steps
 * down from the largest weight by the gcd of all weights; each pass over
 * the list takes the dests whose weight is at least cw. Weights 4,3,2
 * give A A B A B C A B C. The last pass runs with cw = 1 so that weights
 * lowered meanwhile below the gcd are still seen.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "sched.h"

struct wrr_state {
	int	 cl;	/* last pick's index, -1 = list head */
	int	 cw;	/* current weight */
	int	 mw;	/* max weight less (gcd - 1) */
	int	 di;	/* gcd of the weights */
};

static int
gcd(int a, int b)
{
	while (b) {
		int t = a % b;

		a = b;
		b = t;
	}
	return a;
}

static void
wrr_measure(const struct uvs_svc *svc, struct wrr_state *st)
{
	int g = 0, max = 0;
	unsigned i;

	for (i = 0; i < svc->ndests; i++) {
		int w = svc->dests[i]->weight;

		if (!uvs_dest_listed(svc->dests[i]))
			continue;	/* IPVS no longer has it */
		if (w > 0)
			g = g ? gcd(w, g) : w;
		if (w > max)
			max = w;
	}
	st->di = g ? g : 1;
	st->mw = max - (st->di - 1);
}

static int
wrr_init(struct uvs_svc *svc)
{
	struct wrr_state *st = calloc(1, sizeof(*st));

	if (!st)
		return -1;
	st->cl = -1;
	wrr_measure(svc, st);
	st->cw = st->mw;
	svc->sched_data = st;
	return 0;
}

static void
wrr_done(void *data)
{
	free(data);
}

static int
wrr_update(struct uvs_svc *svc)
{
	struct wrr_state *st = svc->sched_data;

	st->cl = -1;
	wrr_measure(svc, st);
	if (st->cw > st->mw || !st->cw)
		st->cw = st->mw;
	else if (st->di > 1)
		st->cw = (st->cw / st->di) * st->di + 1;
	return 0;
}

static bool
wrr_fits(const struct uvs_dest *d, int cw)
{
	return d->weight >= cw && uvs_dest_usable(d);
}

static struct uvs_dest *
wrr_schedule(struct uvs_svc *svc, const struct uvs_flow *flow)
{
	struct wrr_state *st = svc->sched_data;
	int n = (int)svc->ndests, pos = st->cl, last = st->cl, stop = -2;
	bool last_pass = false, restarted = false;

	(void)flow;
	if (st->mw <= 0)
		return NULL;
	for (;;) {
		for (pos = pos + 1; pos < n; pos++) {
			if (wrr_fits(svc->dests[pos], st->cw)) {
				st->cl = pos;
				return svc->dests[pos];
			}
			if (pos == stop)
				return NULL;
		}
		pos = -1;
		st->cw -= st->di;
		if (st->cw <= 0) {
			st->cw = st->mw;
			if (last_pass || last == -1)
				return NULL;
			restarted = true;
		}
		last_pass = st->cw <= st->di;
		if (last_pass && restarted && last != -1)
			stop = last;
	}
}

const struct uvs_sched_ops uvs_sched_wrr = {
	.name = "wrr",
	.init = wrr_init,
	.done = wrr_done,
	.update = wrr_update,
	.schedule = wrr_schedule,
};
