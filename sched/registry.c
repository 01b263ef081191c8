/*
 * The schedulers uvs knows, by name: one ops struct each, listed once in
 * list.h. Nothing else in uvs names a scheduler.
 */
#include <string.h>

#include "sched/sched.h"

#define UVS_SCHED(n)	extern const struct uvs_sched_ops uvs_sched_##n;
#include "sched/list.h"
#undef UVS_SCHED

static const struct uvs_sched_ops *const registry[] = {
#define UVS_SCHED(n)	&uvs_sched_##n,
#include "sched/list.h"
#undef UVS_SCHED
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
