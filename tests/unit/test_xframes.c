/*
 * Unit tests for fwd/data/xframes.c, the AF_XDP backend's frame
 * bookkeeping: every frame is in one state at a time, a frame is found
 * by any address inside it, a move from the wrong state changes nothing
 * (no frame is given to the kernel twice, none is freed twice), and a
 * long random run of the backend's moves keeps the free stack and the
 * states in agreement.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "fwd/data/xframes.h"

#define FS	4096u

static void
take_all_then_none(void **state)
{
	struct uvs_xframes x;
	uint64_t a, seen[8] = { 0 };
	unsigned i;

	(void)state;
	assert_int_equal(uvs_xframes_init(&x, 8, FS), 0);
	for (i = 0; i < 8; i++) {
		a = uvs_xframes_take(&x, UVS_XF_FILL);
		assert_true(a % FS == 0 && a < 8 * FS);
		assert_int_equal(seen[a / FS]++, 0);
		assert_int_equal(uvs_xframes_state(&x, a), UVS_XF_FILL);
	}
	assert_true(uvs_xframes_take(&x, UVS_XF_TX) == UINT64_MAX);
	uvs_xframes_free(&x);
}

static void
lifecycle(void **state)
{
	struct uvs_xframes x;
	uint64_t a;

	(void)state;
	assert_int_equal(uvs_xframes_init(&x, 4, FS), 0);
	a = uvs_xframes_take(&x, UVS_XF_FILL);
	/* the kernel hands it back with an offset: the same frame */
	assert_int_equal(uvs_xframes_move(&x, a + 256, UVS_XF_FILL,
	    UVS_XF_LOOP), 0);
	assert_int_equal(uvs_xframes_move(&x, a + 266, UVS_XF_LOOP,
	    UVS_XF_TX), 0);
	/* the release after the send must not free it: it is the kernel's */
	assert_int_equal(uvs_xframes_move(&x, a, UVS_XF_LOOP, UVS_XF_FREE),
	    -EINVAL);
	assert_int_equal(x.nfree, 3);
	assert_int_equal(uvs_xframes_move(&x, a + 256, UVS_XF_TX,
	    UVS_XF_FREE), 0);
	assert_int_equal(x.nfree, 4);
	/* a second completion for it frees nothing */
	assert_int_equal(uvs_xframes_move(&x, a, UVS_XF_TX, UVS_XF_FREE),
	    -EINVAL);
	assert_int_equal(x.nfree, 4);
	uvs_xframes_free(&x);
}

static void
bad_input(void **state)
{
	struct uvs_xframes x;

	(void)state;
	assert_int_equal(uvs_xframes_init(&x, 8, 3000), -EINVAL);
	assert_int_equal(uvs_xframes_init(&x, 8, 0), -EINVAL);
	assert_int_equal(uvs_xframes_init(&x, 0, FS), -EINVAL);
	assert_int_equal(uvs_xframes_init(&x, 2, FS), 0);
	assert_int_equal(uvs_xframes_index(&x, 2 * FS), -1);
	assert_int_equal(uvs_xframes_state(&x, UINT64_MAX), -1);
	assert_int_equal(uvs_xframes_move(&x, 2 * FS, UVS_XF_FREE,
	    UVS_XF_TX), -EINVAL);
	/* a move to the same state is no move */
	(void)uvs_xframes_take(&x, UVS_XF_TX);
	assert_int_equal(uvs_xframes_move(&x, 0, UVS_XF_TX, UVS_XF_TX),
	    -EINVAL);
	uvs_xframes_free(&x);
}

/* Free stack and states agree: each free frame once, and only those. */
static void
check_consistent(const struct uvs_xframes *x)
{
	uint8_t *onstack = calloc(x->nframes, 1);
	uint32_t i, nfree = 0;

	assert_non_null(onstack);
	for (i = 0; i < x->nfree; i++) {
		assert_int_equal(onstack[x->free[i] / FS]++, 0);
		assert_int_equal(x->state[x->free[i] / FS], UVS_XF_FREE);
	}
	for (i = 0; i < x->nframes; i++)
		nfree += x->state[i] == UVS_XF_FREE;
	assert_int_equal(nfree, x->nfree);
	free(onstack);
}

/* The backend's moves, at random, on a UMEM of uvsd's size. */
static void
random_run(void **state)
{
	static const uint8_t from[] = { UVS_XF_FILL, UVS_XF_LOOP, UVS_XF_LOOP,
	    UVS_XF_TX };
	static const uint8_t to[] = { UVS_XF_LOOP, UVS_XF_FREE, UVS_XF_TX,
	    UVS_XF_FREE };
	struct uvs_xframes x;
	unsigned i, k, ok = 0;
	uint64_t a;

	(void)state;
	srand(17);
	assert_int_equal(uvs_xframes_init(&x, 4096, FS), 0);
	for (i = 0; i < 200000; i++) {
		if (rand() % 4 == 0) {
			(void)uvs_xframes_take(&x, rand() % 2 ? UVS_XF_FILL :
			    UVS_XF_TX);
			continue;
		}
		k = (unsigned)rand() % 4;
		a = (uint64_t)(rand() % 4096) * FS + (uint64_t)(rand() % 512);
		ok += uvs_xframes_move(&x, a, from[k], to[k]) == 0;
		if (i % 20000 == 0)
			check_consistent(&x);
	}
	check_consistent(&x);
	assert_true(ok > 1000);
	uvs_xframes_free(&x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(take_all_then_none),
		cmocka_unit_test(lifecycle),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(random_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
