/*
 * The schedulers uvs knows, by name. Adding one is its own file plus one
 * line here; nothing else in uvs names a scheduler.
 */
#include <string.h>

#include "sched.h"

extern const struct uvs_sched_ops uvs_sched_rr;
extern const struct uvs_sched_ops uvs_sched_wrr;
extern const struct uvs_sched_ops uvs_sched_lc;
extern const struct uvs_sched_ops uvs_sched_wlc;
/* least-connection family */
extern const struct uvs_sched_ops uvs_sched_sed;
extern const struct uvs_sched_ops uvs_sched_nq;
extern const struct uvs_sched_ops uvs_sched_twos;
/* hashing */
extern const struct uvs_sched_ops uvs_sched_sh;
extern const struct uvs_sched_ops uvs_sched_dh;
extern const struct uvs_sched_ops uvs_sched_mh;
/* failover, overflow, locality */
extern const struct uvs_sched_ops uvs_sched_fo;
extern const struct uvs_sched_ops uvs_sched_ovf;
extern const struct uvs_sched_ops uvs_sched_lblc;
extern const struct uvs_sched_ops uvs_sched_lblcr;

static const struct uvs_sched_ops *const registry[] = {
	&uvs_sched_rr,
	&uvs_sched_wrr,
	&uvs_sched_lc,
	&uvs_sched_wlc,
	/* least-connection family */
	&uvs_sched_sed,
	&uvs_sched_nq,
	&uvs_sched_twos,
	/* hashing */
	&uvs_sched_sh,
	&uvs_sched_dh,
	&uvs_sched_mh,
	/* failover, overflow, locality */
	&uvs_sched_fo,
	&uvs_sched_ovf,
	&uvs_sched_lblc,
	&uvs_sched_lblcr,
};

#define NREGISTRY (sizeof(registry) / sizeof(registry[0]))

const struct uvs_sched_ops *
uvs_sched_find(const char *name)
{
	size_t i;

	for (i = 0; i < NREGISTRY; i++)
		if (strcmp(registry[i]->name, name) == 0)
			return registry[i];
	return NULL;
}

size_t
uvs_sched_names(const char **names, size_t max)
{
	size_t i;

	for (i = 0; i < NREGISTRY && i < max; i++)
		names[i] = registry[i]->name;
	return i;
}
