/*
 * The kernel's hash_32() (include/linux/hash.h), which IPVS's sh and dh
 * use to pick a bucket; sharing it keeps their buckets the kernel's.
 */
#ifndef UVS_HASH_H
#define UVS_HASH_H

#include <stdint.h>

#define UVS_GOLDEN_RATIO_32	0x61c88647u	/* GOLDEN_RATIO_32 */

/* The top `bits' bits (1..32) of val times the golden ratio. */
static inline unsigned
uvs_hash_32(uint32_t val, unsigned bits)
{
	return (uint32_t)(val * UVS_GOLDEN_RATIO_32) >> (32 - bits);
}

#endif
