/*
 * The health engine's key index (fwd/health/hindex.c): lookups in an
 * empty index, replace, growth, and deletes that shift runs back, checked
 * against a plain array of what should be there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fwd/health/hindex.h"

#define N	20000

static void
empty_and_missing(void **state)
{
	struct uvs_hindex x = { 0 };
	struct uvs_hindex_key k = { .a = 1, .b = 2 };
	int v;

	(void)state;
	assert_null(uvs_hindex_get(&x, &k));
	uvs_hindex_del(&x, &k);			/* nothing to delete */
	assert_int_equal(uvs_hindex_put(&x, &k, &v), 0);
	assert_int_equal(uvs_hindex_put(&x, &k, &v), 0);	/* replace */
	assert_int_equal(x.n, 1);
	k.b = 3;
	assert_null(uvs_hindex_get(&x, &k));	/* same a, other b */
	k.b = 2;
	k.c = 1;	/* v6 keys: every word counts */
	assert_null(uvs_hindex_get(&x, &k));
	k.c = 0;
	k.d = 1;
	assert_null(uvs_hindex_get(&x, &k));
	k.d = 0;
	k.e = 1;
	assert_null(uvs_hindex_get(&x, &k));
	k.e = 0;
	assert_ptr_equal(uvs_hindex_get(&x, &k), &v);
	k.b = 3;
	uvs_hindex_del(&x, &k);
	assert_int_equal(x.n, 1);
	uvs_hindex_free(&x);
	assert_null(uvs_hindex_get(&x, &k));
}

/* Keys that differ in few bits collide often: the runs get long. */
static struct uvs_hindex_key
key(unsigned i)
{
	return (struct uvs_hindex_key){ .a = i / 10, .b = i % 10 };
}

static void
scattered_deletes(void **state)
{
	static char there[N];
	struct uvs_hindex x = { 0 };
	struct uvs_hindex_key k;
	unsigned i, j;

	(void)state;
	for (i = 0; i < N; i++) {
		k = key(i);
		assert_int_equal(uvs_hindex_put(&x, &k, &there[i]), 0);
	}
	assert_int_equal(x.n, N);
	assert_true(x.n * 2 <= x.mask + 1);
	for (j = 0; j < N / 2; j++) {
		i = j * 7919u % N;
		k = key(i);
		uvs_hindex_del(&x, &k);
		there[i] = 1;
	}
	for (i = 0; i < N; i++) {
		k = key(i);
		if (there[i])
			assert_null(uvs_hindex_get(&x, &k));
		else
			assert_ptr_equal(uvs_hindex_get(&x, &k), &there[i]);
	}
	assert_int_equal(x.n, N / 2);
	uvs_hindex_free(&x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_and_missing),
		cmocka_unit_test(scattered_deletes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
