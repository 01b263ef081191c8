/*
 * The workers' change log and copy-out (fwd/data/workers.c), with real
 * threads: every published entry is applied by every worker, in order,
 * none skipped, however fast they come; entries are freed only once all
 * workers are past them; counters and flows come back as copies. The
 * workers need packet sockets, so the test makes its own network
 * namespace (root only; skipped otherwise) and binds them to its lo.
 * Built with -fsanitize=thread, this is the race check of the log.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fwd/data/workers.h"

#define NWORKERS	2
#define NENTRIES	5000
#define CONN_MAX	1025	/* odd: the slices differ by one */

static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 1 };
static const uint8_t arp_reply[UVS_ARP_FRAME_LEN];
static unsigned freed;	/* control thread only: free_fn runs there */

struct add_entry {
	struct uvs_wlog	 e;
	uint64_t	 add;
};

static void
add_free(struct uvs_wlog *e)
{
	freed++;
	free(e);
}

/* In the worker: order matters, so each entry checks it follows. */
static int
add_apply(struct uvs_fwd *fw, const struct uvs_wlog *e)
{
	const struct add_entry *a = (const struct add_entry *)e;

	/* conns_new counts entries, fwd_bytes sums them: gen k adds k */
	if (fw->stats.conns_new + 1 == e->gen)
		fw->stats.conns_new++;
	fw->stats.fwd_bytes += a->add;
	return 0;
}

/*
 * An entry worker 0's table cannot take (it stands for memory running
 * out there): worker 0 is told apart by its slice of the flow table,
 * CONN_MAX / NWORKERS + 1 (the remainder goes to the first workers).
 */
static int
fail_on_worker0(struct uvs_fwd *fw, const struct uvs_wlog *e)
{
	(void)e;
	return fw->conns.capacity == CONN_MAX / NWORKERS + 1 ? -ENOMEM : 0;
}

static void
publish_failing(struct uvs_workers *ws)
{
	struct add_entry *a = calloc(1, sizeof(*a));

	assert_non_null(a);
	a->e.apply = fail_on_worker0;
	a->e.free_fn = add_free;
	uvs_workers_publish(ws, &a->e);
}


static void
publish_add(struct uvs_workers *ws, uint64_t add)
{
	struct add_entry *a = calloc(1, sizeof(*a));

	assert_non_null(a);
	a->add = add;
	a->e.apply = add_apply;
	a->e.free_fn = add_free;
	uvs_workers_publish(ws, &a->e);
}

static int
start(void **state)
{
	static struct uvs_workers ws;
	struct uvs_workers_conf c = { .n = NWORKERS,
	    .link = { { .ifindex = 1 } }, .nlinks = 1,
	    .arp_reply = arp_reply, .conn_max = CONN_MAX,
	    .ring_version = 1 /* TPACKET_V2 */, .ring_block = 1 << 16,
	    .ring_blocks = 4 };
	char err[256];

	*state = NULL;
	if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0)
		return 0;	/* not root: the threaded tests skip */
	freed = 0;
	memcpy(c.link[0].mac, mac, 6);
	if (uvs_workers_start(&ws, &c, 1000, err, sizeof(err)) < 0) {
		print_error("%s\n", err);
		return -1;
	}
	*state = &ws;
	return 0;
}

static int
stop(void **state)
{
	if (*state)
		uvs_workers_stop(*state);
	return 0;
}

/* The threaded tests' start: skipped without a namespace of our own. */
static struct uvs_workers *
running(void **state)
{
	if (!*state)
		skip();
	return *state;
}

static void
every_entry_reaches_every_worker_in_order(void **state)
{
	struct uvs_workers *ws = running(state);
	uint64_t sum = 0, k;
	unsigned i;

	for (k = 1; k <= NENTRIES; k++) {
		publish_add(ws, k);
		sum += k;
	}
	assert_int_equal(uvs_workers_read_counters(ws), 0);
	for (i = 0; i < ws->n; i++) {
		assert_int_equal(ws->w[i].pub.stats.conns_new, NENTRIES);
		assert_int_equal(ws->w[i].pub.stats.fwd_bytes, sum);
	}
	/* every worker is past all but the newest: those may go */
	uvs_workers_reclaim(ws);
	assert_int_equal(freed, NENTRIES - 1);
}

static void
reads_come_back_fresh_each_time(void **state)
{
	struct uvs_workers *ws = running(state);
	uint64_t base;
	unsigned round, i;

	assert_int_equal(uvs_workers_read_counters(ws), 0);
	base = ws->w[0].pub.stats.conns_new;
	for (round = 1; round <= 200; round++) {
		publish_add(ws, 1);
		assert_int_equal(uvs_workers_read_counters(ws), 0);
		for (i = 0; i < ws->n; i++)
			assert_int_equal(ws->w[i].pub.stats.conns_new,
			    base + round);
	}
}

static void
an_empty_table_lists_no_flow(void **state)
{
	struct uvs_workers *ws = running(state);
	unsigned i;

	for (i = 0; i < ws->n; i++) {
		assert_int_equal(uvs_workers_read_conns(ws, i, 0), 0);
		assert_int_equal(ws->w[i].pub.nflows, 0);
		assert_int_equal(ws->w[i].pub.cursor,
		    ws->w[i].fw.conns.capacity);
	}
	assert_int_equal(uvs_workers_read_conns(ws, ws->n, 0), -EINVAL);
}

static void
shared_totals_are_one_per_key(void **state)
{
	struct uvs_workers *ws = running(state);
	struct uvs_wshare_key a = { .proto = 6, .af = AF_INET,
	    .vip = uvs_inaddr4(1), .vport = 80, .rip = uvs_inaddr4(2),
	    .rport = 80 }, b = a;
	uint32_t *pa, *pb;

	b.rip = uvs_inaddr4(3);
	assert_null(uvs_workers_share(ws, &a, 0));	/* lookups never add */
	pa = uvs_workers_share(ws, &a, 1);
	pb = uvs_workers_share(ws, &b, 1);
	assert_non_null(pa);
	assert_non_null(pb);
	assert_ptr_not_equal(pa, pb);
	assert_ptr_equal(uvs_workers_share(ws, &a, 0), pa);
	assert_ptr_equal(uvs_workers_share(ws, &a, 1), pa);
}

/*
 * A change one worker's table cannot take is never silent: the worker
 * counts it, uvs_workers_diverged names the worker and the entry, the
 * other worker is untouched, and both go on applying what follows.
 */
static void
a_failed_apply_is_counted_and_named(void **state)
{
	struct uvs_workers *ws = running(state);
	unsigned who = 99;
	uint64_t gen = 0, bad, before;

	assert_int_equal(uvs_workers_diverged(ws, &who, &gen), 0);
	assert_int_equal(who, 99);	/* untouched when none failed */
	assert_int_equal(uvs_workers_read_counters(ws), 0);
	before = ws->w[1].pub.stats.fwd_bytes;
	publish_failing(ws);
	bad = ws->gen;
	publish_add(ws, 7);
	assert_int_equal(uvs_workers_read_counters(ws), 0);
	assert_int_equal(uvs_workers_diverged(ws, &who, &gen), 1);
	assert_int_equal(who, 0);
	assert_int_equal(gen, bad);
	/* the entry after the failed one reached both workers */
	assert_int_equal(ws->w[1].pub.stats.fwd_bytes, before + 7);
	assert_int_equal(ws->w[0].pub.stats.fwd_bytes, before + 7);
	publish_failing(ws);
	assert_int_equal(uvs_workers_read_counters(ws), 0);
	assert_int_equal(uvs_workers_diverged(ws, &who, &gen), 2);
	assert_int_equal(gen, ws->gen);
}

/* --conn-max is split exactly: the workers' slices add up to it. */
static void
conn_max_slices_add_up(void **state)
{
	struct uvs_workers *ws = running(state);
	uint32_t sum = 0;
	unsigned i;

	for (i = 0; i < ws->n; i++)
		sum += ws->w[i].fw.conns.capacity;
	assert_int_equal(sum, CONN_MAX);
	assert_int_equal(ws->w[0].fw.conns.capacity, CONN_MAX / NWORKERS + 1);
}

/* The conf was start()'s, gone now: each worker holds the links' MACs. */
static void
workers_keep_their_own_link_macs(void **state)
{
	struct uvs_workers *ws = running(state);
	unsigned i;

	for (i = 0; i < ws->n; i++) {
		assert_int_equal(ws->w[i].nlinks, 1);
		assert_memory_equal(ws->w[i].mac[0], mac, 6);
		assert_memory_equal(ws->w[i].fw.mac, mac, 6);
		assert_null(ws->w[i].loop[0].mac);	/* the first: fw.mac */
	}
}

/* A flow table's copy-out, without threads: chunks and the cursor. */
static void
copy_conns_walks_in_chunks(void **state)
{
	struct uvs_svc_conf sc = { .proto = 17, .sched = "rr",
	    .netmask = 0xffffffff, .af = AF_INET, .addr = uvs_inaddr4(10),
	    .port = 9 };
	struct uvs_dest_conf dc = { .af = AF_INET, .addr = uvs_inaddr4(11),
	    .port = 9, .weight = 1 };
	struct uvs_svc_table t;
	struct uvs_conn_table ct;
	struct uvs_wconn out[7];
	uint32_t cursor = 0, i, total = 0;
	unsigned n;

	(void)state;
	uvs_svc_table_init(&t);
	assert_int_equal(uvs_svc_add(&t, &sc), 0);
	assert_int_equal(uvs_dest_add(t.svcs[0], &dc), 0);
	assert_int_equal(uvs_conn_init(&ct, 64, 1000, 1), 0);
	for (i = 0; i < 20; i++) {
		struct uvs_flow f = { .proto = 17, .af = AF_INET,
		    .caddr = uvs_inaddr4(100 + i), .vaddr = uvs_inaddr4(10),
		    .cport = 5, .vport = 9, .now = 1000 };

		assert_non_null(uvs_conn_insert(&ct, &f, t.svcs[0]->dests[0],
		    1000));
	}
	while (cursor < ct.capacity) {
		n = uvs_workers_copy_conns(&ct, &cursor, out, 7);
		assert_true(n <= 7);
		for (i = 0; i < n; i++) {
			assert_int_equal(out[i].af, AF_INET);
			assert_int_equal(out[i].raddr.ip, 11);
			assert_int_equal(out[i].vaddr.ip, 10);
		}
		total += n;
	}
	assert_int_equal(total, 20);
	uvs_conn_flush_dest(&ct, NULL);
	uvs_conn_free(&ct);
	uvs_svc_table_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(copy_conns_walks_in_chunks),
		cmocka_unit_test(every_entry_reaches_every_worker_in_order),
		cmocka_unit_test(reads_come_back_fresh_each_time),
		cmocka_unit_test(an_empty_table_lists_no_flow),
		cmocka_unit_test(shared_totals_are_one_per_key),
		cmocka_unit_test(a_failed_apply_is_counted_and_named),
		cmocka_unit_test(conn_max_slices_add_up),
		cmocka_unit_test(workers_keep_their_own_link_macs),
	};

	return cmocka_run_group_tests(tests, start, stop);
}
