/*
 * The hash seed comes from getrandom(2), which blocks only until the
 * kernel's pool is first ready at boot and never fails for 4 bytes
 * afterwards (a read of up to 256 bytes is never cut short); EINTR is
 * retried. Nothing else in uvsd needs randomness.
 */
#include <sys/random.h>

#include <errno.h>

#include "fwd/data/seed.h"

int
uvs_seed(uint32_t *seed)
{
	ssize_t n;

	do
		n = getrandom(seed, sizeof(*seed), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(*seed) ? 0 : -EIO;
}
