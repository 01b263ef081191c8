/*
 * Power of two choices (twos.c): what a test needs to replay its draws.
 */
#ifndef UVS_TWOS_H
#define UVS_TWOS_H

#include <stdint.h>

#include "sched.h"

/* Restarts svc's generator from seed; 0, or -EINVAL if svc is not twos. */
int		 uvs_twos_seed(struct uvs_svc *svc, uint64_t seed);
/* The next 32 random bits from *state (splitmix64), as twos draws them. */
uint32_t	 uvs_twos_random(uint64_t *state);

#endif
