/*
 * The table clock: whole seconds of CLOCK_MONOTONIC, the unit every
 * flow's expiry is counted in, read the same way by the control thread
 * and by the workers.
 */
#ifndef UVS_CLOCK_H
#define UVS_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint32_t
uvs_clock_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)ts.tv_sec;
}

#endif
