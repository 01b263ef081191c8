/*
 * Secret seeds for the connection tables' hash (fwd/data/seed.c).
 */
#ifndef UVS_SEED_H
#define UVS_SEED_H

#include <stdint.h>

/*
 * Fills *seed from the kernel's random pool (getrandom(2)). A seed a
 * client could guess (time and pid were) lets it aim its flows at one
 * hash chain. 0, or -errno.
 */
int	uvs_seed(uint32_t *seed);

#endif
