/*
 * Test fixture shared by the scheduler tests (tests/unit/test_sched*.c):
 * one TCP service VIP:80 in its own table, with dests RIP(1), RIP(2), ...
 * of given weights known as d[0], d[1], ... and printed as A, B, C.
 * IPVS puts a new dest at the head of its list (__ip_vs_update_dest), and
 * so does sched/svc.c; setup() therefore adds the dests last to first, so
 * that the list, and every walk, reads A, B, C.
 * Also: conf builders, picks for a flow to VIP:80 compared as a string of
 * letters, and the dest edits a test needs. Everything is static inline,
 * so a file that uses only part of it builds clean under -Wall -Werror.
 */
#ifndef SCHED_FIXTURE_H
#define SCHED_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "sched/sched.h"

#define VIP	0xc612000au		/* 198.18.0.10 */
#define RIP(n)	(0xc612000au + (n))	/* 198.18.0.11 ... */
#define FIXTURE_MAXD	20		/* most dests any test names */

struct fixture {
	struct uvs_svc_table	 t;
	struct uvs_svc		*svc;
	struct uvs_dest		*d[FIXTURE_MAXD];	/* A, B, C, ... */
	unsigned		 nd;
};

/* A service's conf; addr and port in host order. */
static inline struct uvs_svc_conf
svc_conf(uint8_t proto, uint32_t addr, uint16_t port, const char *sched)
{
	struct uvs_svc_conf c;

	memset(&c, 0, sizeof(c));
	c.proto = proto;
	c.af = AF_INET;
	c.addr = uvs_inaddr4(htonl(addr));
	c.port = htons(port);
	strncpy(c.sched, sched, sizeof(c.sched) - 1);
	c.netmask = 0xffffffffu;
	return c;
}

/* A dest's conf; addr and port in host order. */
static inline struct uvs_dest_conf
dest_conf(uint32_t addr, uint16_t port, int weight)
{
	struct uvs_dest_conf c;

	memset(&c, 0, sizeof(c));
	c.af = AF_INET;
	c.addr = uvs_inaddr4(htonl(addr));
	c.port = htons(port);
	c.weight = weight;
	return c;
}

/* Adds dest RIP(i + 1):80 with weight w at the head of the list as d[i]. */
static inline void
add_dest(struct fixture *f, unsigned i, int w)
{
	struct uvs_dest_conf dc = dest_conf(RIP(i + 1), 80, w);

	assert_true(i < FIXTURE_MAXD);
	assert_int_equal(uvs_dest_add(f->svc, &dc), 0);
	f->d[i] = uvs_dest_find(f->svc, &dc.addr, dc.port);
	assert_non_null(f->d[i]);
	if (i >= f->nd)
		f->nd = i + 1;
}

/* TCP service VIP:80 with sched, flags and n dests of these weights. */
static inline void
setup_flags(struct fixture *f, const char *sched, uint32_t flags, unsigned n,
    const int *weights)
{
	struct uvs_svc_conf sc = svc_conf(IPPROTO_TCP, VIP, 80, sched);
	unsigned i;

	memset(f, 0, sizeof(*f));
	sc.flags = flags;
	uvs_svc_table_init(&f->t);
	assert_int_equal(uvs_svc_add(&f->t, &sc), 0);
	f->svc = uvs_svc_find(&f->t, IPPROTO_TCP, AF_INET, &sc.addr, sc.port);
	assert_non_null(f->svc);
	assert_string_equal(f->svc->sched->name, sched);
	for (i = n; i-- > 0;)
		add_dest(f, i, weights[i]);
}

/* One TCP service VIP:80 with scheduler sched and dests of these weights. */
static inline void
setup(struct fixture *f, const char *sched, unsigned n, const int *weights)
{
	setup_flags(f, sched, 0, n, weights);
}

static inline void
teardown(struct fixture *f)
{
	uvs_svc_table_free(&f->t);
}

/* A new flow from 198.18.0.100:40000 to dip:80 at table time now. */
static inline struct uvs_dest *
pick_at(struct fixture *f, uint32_t dip, uint32_t now)
{
	struct uvs_flow flow = {
		.proto = IPPROTO_TCP, .af = AF_INET,
		.caddr = uvs_inaddr4(htonl(0xc6120064u)),
		.cport = htons(40000),
		.vaddr = uvs_inaddr4(htonl(dip)), .vport = htons(80),
		.now = now,
	};

	return f->svc->sched->schedule(f->svc, &flow);
}

/* Letter of a dest ('A' for d[0]...), '-' for NULL, '?' for a stranger. */
static inline char
letter(const struct fixture *f, const struct uvs_dest *d)
{
	unsigned i;

	if (!d)
		return '-';
	for (i = 0; i < f->nd; i++)
		if (f->d[i] == d)
			return (char)('A' + i);
	return '?';
}

/* strlen(want) picks to dip at now, compared as one string. */
static inline void
expect_at(struct fixture *f, uint32_t dip, uint32_t now, const char *want)
{
	char got[128];
	size_t i, n = strlen(want);

	assert_true(n < sizeof(got));
	for (i = 0; i < n; i++)
		got[i] = letter(f, pick_at(f, dip, now));
	got[n] = '\0';
	assert_string_equal(got, want);
}

/* strlen(want) picks to VIP at time 0, compared as one string. */
static inline void
expect_picks(struct fixture *f, const char *want)
{
	expect_at(f, VIP, 0, want);
}

/* Sets d's counts and tells the scheduler, as the connection table does. */
static inline void
set_conns(struct uvs_dest *d, uint32_t active, uint32_t inactive)
{
	d->activeconns = active;
	d->inactconns = inactive;
	uvs_dest_conns_changed(d, -1);
}

/* Edits d[i]'s weight, keeping its address and port. */
static inline void
set_weight(struct fixture *f, unsigned i, int weight)
{
	struct uvs_dest_conf dc = {
		.addr = f->d[i]->addr, .port = f->d[i]->port, .weight = weight,
	};

	assert_int_equal(uvs_dest_edit(f->svc, f->d[i], &dc), 0);
}

/* Deletes d[i] from the service and from the fixture's letter map. */
static inline void
del_dest(struct fixture *f, unsigned i)
{
	uvs_dest_del(f->svc, f->d[i]);
	f->d[i] = NULL;
}

#endif /* SCHED_FIXTURE_H */
