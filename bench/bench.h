/*
 * What every bench needs: a monotonic clock in seconds, a small,
 * seedable PRNG (splitmix64), so runs repeat for the same seed, and the
 * IPv4 header checksum the frame-building benches put in their frames.
 */
#ifndef UVS_BENCH_H
#define UVS_BENCH_H

#include <arpa/inet.h>
#include <stdint.h>
#include <time.h>

static inline double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/*
 * This thread's CPU seconds: a rate per CPU second does not fall when
 * other programs share the machine's cores (it still feels their
 * cache traffic).
 */
static inline double
bench_cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline uint64_t
bench_rng(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* RFC 1071 sum of a 20-byte IPv4 header, in network order */
static inline uint16_t
bench_ip_sum(const uint8_t *h)
{
	uint32_t sum = 0;
	int i;

	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

#endif
