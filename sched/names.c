/*
 * The schedulers' names alone, from the same list as the registry, so a
 * program that only shows or checks names (uvsadm) links this file and
 * none of the schedulers. A unit test holds each name to its ops->name.
 */
#include <stddef.h>

#include "sched/sched.h"

static const char *const names[] = {
#define UVS_SCHED(n)	#n,
#include "sched/list.h"
#undef UVS_SCHED
};

size_t
uvs_sched_names(const char **out, size_t max)
{
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]) && i < max; i++)
		out[i] = names[i];
	return i;
}
