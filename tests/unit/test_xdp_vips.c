/*
 * Unit tests for fwd/data/xdp_vips.c: the XDP program's VIP map made
 * equal to the service table's VIPs, against a fake map that walks like
 * a kernel hash map (a key not there: the walk starts over). A VIP that
 * stays is never deleted, not even for a moment; new ones are in before
 * old ones go; a failing map call is reported; 20 000 VIPs sync.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "fwd/data/xdp_vips.h"

#define MAP_MAX	65536

struct fake {
	uint32_t	 key[MAP_MAX];
	unsigned	 n;
	unsigned	 adds, dels;
	int		 add_fails;	/* -errno for the next add */
	int		 deleted_keep;	/* a key in keep[] was deleted */
	const uint32_t	*keep;
	size_t		 nkeep;
	int		 deleted_before_add;
	unsigned	 want_adds;	/* adds to see before any delete */
};

static int
find(const struct fake *m, uint32_t k)
{
	unsigned i;

	for (i = 0; i < m->n; i++)
		if (m->key[i] == k)
			return (int)i;
	return -1;
}

static int
f_next(void *arg, const uint32_t *prev, uint32_t *key)
{
	struct fake *m = arg;
	int i = prev ? find(m, *prev) : -1;

	/* as the kernel's hash map: an unknown key starts the walk over */
	if ((unsigned)(i + 1) >= m->n)
		return -ENOENT;
	*key = m->key[i + 1];
	return 0;
}

static int
f_add(void *arg, uint32_t k)
{
	struct fake *m = arg;

	if (m->add_fails)
		return m->add_fails;
	m->adds++;
	if (find(m, k) < 0) {
		if (m->n == MAP_MAX)
			return -E2BIG;
		m->key[m->n++] = k;
	}
	return 0;
}

static int
f_del(void *arg, uint32_t k)
{
	struct fake *m = arg;
	int i = find(m, k);
	size_t j;

	m->dels++;
	if (m->adds < m->want_adds)
		m->deleted_before_add = 1;
	for (j = 0; j < m->nkeep; j++)
		if (m->keep[j] == k)
			m->deleted_keep = 1;
	if (i < 0)
		return -ENOENT;
	m->key[i] = m->key[--m->n];
	return 0;
}

static int
holds_exactly(const struct fake *m, const uint32_t *v, size_t n)
{
	size_t i, distinct = 0, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i && v[j] != v[i]; j++)
			;
		if (j == i)
			distinct++;
		if (find(m, v[i]) < 0)
			return 0;
	}
	return m->n == distinct;
}

static struct fake *
fake_new(struct uvs_xdp_map_ops *ops)
{
	struct fake *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	*ops = (struct uvs_xdp_map_ops){ f_next, f_add, f_del, m };
	return m;
}

static void
add_then_replace(void **state)
{
	struct uvs_xdp_map_ops ops;
	struct fake *m = fake_new(&ops);
	const uint32_t a[] = { 10, 11, 12 }, b[] = { 11, 13, 13 };

	(void)state;
	assert_int_equal(uvs_xdp_vips_sync(&ops, a, 3), 0);
	assert_true(holds_exactly(m, a, 3));
	m->keep = (const uint32_t[]){ 11 };
	m->nkeep = 1;
	m->adds = 0;
	m->want_adds = 2;	/* 11 and 13 go in before 10 and 12 go */
	assert_int_equal(uvs_xdp_vips_sync(&ops, b, 3), 0);
	assert_true(holds_exactly(m, b, 3));
	assert_false(m->deleted_keep);
	assert_false(m->deleted_before_add);
	assert_int_equal(m->dels, 2);
	assert_int_equal(uvs_xdp_vips_sync(&ops, NULL, 0), 0);
	assert_int_equal(m->n, 0);
	free(m);
}

static void
failure_is_reported(void **state)
{
	struct uvs_xdp_map_ops ops;
	struct fake *m = fake_new(&ops);
	const uint32_t a[] = { 10, 11 }, b[] = { 12 };

	(void)state;
	assert_int_equal(uvs_xdp_vips_sync(&ops, a, 2), 0);
	m->add_fails = -ENOMEM;
	assert_int_equal(uvs_xdp_vips_sync(&ops, b, 1), -ENOMEM);
	/* nothing wanted was lost: the old VIPs are still there */
	assert_true(holds_exactly(m, a, 2));
	free(m);
}

static void
many_vips(void **state)
{
	struct uvs_xdp_map_ops ops;
	struct fake *m = fake_new(&ops);
	uint32_t *v = calloc(20000, sizeof(*v));
	unsigned i;

	(void)state;
	assert_non_null(v);
	for (i = 0; i < 20000; i++)
		v[i] = 0xc6120000u + i;
	assert_int_equal(uvs_xdp_vips_sync(&ops, v, 20000), 0);
	assert_true(holds_exactly(m, v, 20000));
	/* half of them replaced */
	for (i = 0; i < 10000; i++)
		v[i] = 0xc6130000u + i;
	m->keep = v + 10000;
	m->nkeep = 10000;
	assert_int_equal(uvs_xdp_vips_sync(&ops, v, 20000), 0);
	assert_true(holds_exactly(m, v, 20000));
	assert_false(m->deleted_keep);
	free(v);
	free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_then_replace),
		cmocka_unit_test(failure_is_reported),
		cmocka_unit_test(many_vips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
