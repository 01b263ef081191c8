/*
 * bench_sched: how fast every registered scheduler picks, against IPVS's
 * O(n) scans run in the same process, and what the connection table costs
 * in time and memory.
 *
 * A pick is timed the way the packet path pays for it: the scheduler
 * chooses, the new flow is bound to that dest and counted as conn.c counts
 * it, and older flows close and expire, so least-connection state moves
 * under the scheduler as it would in uvsd. Live flows sit in a ring of L
 * slots: the newest half active, the older half lingering inactive (as
 * TIME_WAIT does), the oldest ending as each new one comes. Every run of a
 * size starts from the same state and the same flow sequence, so a fast
 * picker and its scan must choose the same dests; the bench checks that.
 * Figures are ratios within one run; nothing here passes or fails.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "bench/bench.h"
#include "sched/sched.h"
#include "sched/conn.h"
#include "bench/sched_ref.h"

#define VIP		0xc612000au	/* 198.18.0.10 */
#define RIP_BASE	0xc6130000u	/* 198.19.0.0/16: room for 65536 dests */
#define NSIZES		5
#define MAX_SCHEDS	64
#define PICK_LOG	1024	/* picks compared between a picker and its scan */
#define BATCH		64	/* picks between two looks at the clock */
#define CONN_CAP	(1u << 20)
#define GOAL_RATIO	10.0	/* issue: lc/wlc at 4096+ dests >= 10x the scan */
#define GOAL_RATIO_N	4096
#define GOAL_BYTES	64.0	/* issue: <= 64 B per conn entry */
#define GOAL_HITS	15e6	/* issue 17: staged hits at 1 M flows, from 7.4 M */
#define GOAL_RSS_MIB	64.0	/* issue: 1 M live entries <= 64 MiB RSS */
#define SETUP_LIMIT	1.0	/* s: a slower init+update skips bigger sizes */

static const unsigned sizes[NSIZES] = { 2, 16, 256, 4096, 65536 };
static const int mixed_weights[] = { 1, 2, 5, 10, 20, 50, 100, 200 };
static const char *const weight_modes[] = { "equal", "mixed" };
#define NMODES	2

/*
 * Stand-in scheduler with no hooks: a service sits on it while the bench
 * builds it or sets its counts, so that no scheduler pays for that (adding
 * 65536 dests one by one to a live table-building scheduler would rebuild
 * its table 65536 times).
 */
static const struct uvs_sched_ops park_ops = { .name = "park" };

static struct uvs_dest *
scan_lc(struct uvs_svc *svc, const struct uvs_flow *f)
{
	(void)f;
	return uvs_ref_lc(svc);
}

static struct uvs_dest *
scan_wlc(struct uvs_svc *svc, const struct uvs_flow *f)
{
	(void)f;
	return uvs_ref_wlc(svc);
}

static struct uvs_dest *
scan_sed(struct uvs_svc *svc, const struct uvs_flow *f)
{
	(void)f;
	return uvs_ref_sed(svc);
}

static struct uvs_dest *
scan_nq(struct uvs_svc *svc, const struct uvs_flow *f)
{
	(void)f;
	return uvs_ref_nq(svc);
}

/* IPVS's scans, named after the scheduler each is the reference for. */
static const struct uvs_sched_ops scan_ops[] = {
	{ .name = "lc", .schedule = scan_lc },
	{ .name = "wlc", .schedule = scan_wlc },
	{ .name = "sed", .schedule = scan_sed },
	{ .name = "nq", .schedule = scan_nq },
};

struct result {
	int		 done;		/* measured (not skipped) */
	double		 rate;		/* picks per second */
	double		 update_ms;	/* one update() after a change */
	uint64_t	 picks, nulls;
	struct uvs_dest	*log[PICK_LOG];
	unsigned	 nlog;
};

/* Live flows, oldest at head + 1: see the comment at the top. */
struct churn {
	struct uvs_dest	**ring;
	uint32_t	  mask;
	uint32_t	  head;
};

struct bench {
	double		 secs;		/* per measurement */
	uint64_t	 seed;
	unsigned	 nsizes;
	const char	*outdir;
	FILE		*csv;
	struct uvs_svc_table t;
	struct uvs_svc	*svc[NSIZES];
	struct churn	 churn[NSIZES];
};

/* A bijection on 32 bits (lowbias32): distinct i give distinct keys. */
static uint32_t
mix32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

/* VmRSS of this process in KiB, or -1. */
static long
rss_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static void
csv_row(struct bench *b, const char *section, const char *name,
    const char *weights, unsigned n, const char *metric, double value,
    const char *goal)
{
	fprintf(b->csv, "%s,%s,%s,%u,%s,%.6g,%s\n", section, name, weights, n,
	    metric, value, goal);
}

/* "12.3M" style, for the table. */
static const char *
human(double v, char *buf, size_t len)
{
	if (v >= 1e9)
		snprintf(buf, len, "%.2fG", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, len, "%.2fM", v / 1e6);
	else if (v >= 1e3)
		snprintf(buf, len, "%.1fk", v / 1e3);
	else
		snprintf(buf, len, "%.0f", v);
	return buf;
}

/* ---- the service under test ---------------------------------------- */

static void
svc_use(struct uvs_svc *svc, const struct uvs_sched_ops *ops)
{
	if (svc->sched->done)
		svc->sched->done(svc->sched_data);
	svc->sched = ops;
	svc->sched_data = NULL;
}

/*
 * Moves svc onto ops as uvs_svc_edit does (init with the dests already
 * there), then runs update, as after any change. Returns 0 or -ENOMEM.
 */
static int
svc_start(struct uvs_svc *svc, const struct uvs_sched_ops *ops)
{
	svc_use(svc, &park_ops);
	svc->sched = ops;
	if (ops->init && ops->init(svc) < 0) {
		svc->sched = &park_ops;
		return -ENOMEM;
	}
	uvs_svc_changed(svc);
	return 0;
}

static struct uvs_svc *
svc_build(struct uvs_svc_table *t, const char *any_sched, unsigned idx,
    unsigned n)
{
	struct uvs_svc_conf sc;
	struct uvs_svc *svc;
	unsigned i;

	memset(&sc, 0, sizeof(sc));
	sc.proto = IPPROTO_TCP;
	sc.af = AF_INET;
	sc.addr = uvs_inaddr4(htonl(VIP));
	sc.port = htons((uint16_t)(80 + idx));
	sc.netmask = 0xffffffffu;
	snprintf(sc.sched, sizeof(sc.sched), "%s", any_sched);
	if (uvs_svc_add(t, &sc) < 0)
		return NULL;
	svc = uvs_svc_find(t, sc.proto, sc.af, &sc.addr, sc.port);
	svc_use(svc, &park_ops);
	for (i = n; i-- > 0;) {
		struct uvs_dest_conf dc;

		memset(&dc, 0, sizeof(dc));
		dc.af = AF_INET;
		dc.addr = uvs_inaddr4(htonl(RIP_BASE + i));
		dc.port = htons(80);
		dc.weight = 1;
		if (uvs_dest_add(svc, &dc) < 0)
			return NULL;
	}
	return svc;
}

static void
svc_set_weights(struct uvs_svc *svc, int mixed, uint64_t seed)
{
	unsigned i, nw = sizeof(mixed_weights) / sizeof(mixed_weights[0]);

	for (i = 0; i < svc->ndests; i++)
		svc->dests[i]->weight = mixed ?
		    mixed_weights[bench_rng(&seed) % nw] : 100;
}

/* ---- connection churn, as conn.c counts it --------------------------- */

static void
conn_bind(struct uvs_dest *d)
{
	d->inactconns++;
	d->conns++;
	d->svc->conns++;
	uvs_dest_conns_changed(d, 1);
}

static void
conn_activate(struct uvs_dest *d)
{
	d->inactconns--;
	d->activeconns++;
	uvs_dest_conns_changed(d, -1);
}

static void
conn_close(struct uvs_dest *d)
{
	d->activeconns--;
	d->inactconns++;
	uvs_dest_conns_changed(d, -1);
}

static void
conn_expire(struct uvs_dest *d)
{
	d->inactconns--;
	uvs_dest_conns_changed(d, 0);
}

static int
churn_alloc(struct churn *ch, unsigned ndests)
{
	uint32_t len = 4096;

	while (len < 8 * ndests)
		len <<= 1;
	ch->ring = calloc(len, sizeof(*ch->ring));
	ch->mask = len - 1;
	return ch->ring ? 0 : -ENOMEM;
}

/* Index of a dest drawn with probability weight / total weight. */
static unsigned
weighted_draw(const uint64_t *cum, unsigned n, uint64_t *rng)
{
	uint64_t x = bench_rng(rng) % cum[n - 1];
	unsigned lo = 0, hi = n - 1;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/*
 * Fills the ring with flows spread by weight and sets every dest's counts
 * to match: the steady state of the churn. The service must be parked.
 */
static int
churn_prefill(struct churn *ch, struct uvs_svc *svc, uint64_t seed)
{
	uint32_t len = ch->mask + 1, pos;
	uint64_t *cum, sum = 0;
	unsigned i;

	if (!(cum = malloc(svc->ndests * sizeof(*cum))))
		return -ENOMEM;
	for (i = 0; i < svc->ndests; i++) {
		struct uvs_dest *d = svc->dests[i];

		d->activeconns = d->inactconns = d->persistconns = 0;
		d->flags = 0;
		d->conns = 0;
		sum += (uint64_t)d->weight;
		cum[i] = sum;
	}
	for (pos = 0; pos < len; pos++) {
		struct uvs_dest *d = svc->dests[weighted_draw(cum,
		    svc->ndests, &seed)];

		ch->ring[pos] = d;
		/* head is len - 1: the newer half is active */
		if (len - 1 - pos < len / 2)
			d->activeconns++;
		else
			d->inactconns++;
	}
	ch->head = len - 1;
	free(cum);
	return 0;
}

/* A new flow on d; the oldest ends, the one reaching mid-life closes. */
static void
churn_step(struct churn *ch, struct uvs_dest *d)
{
	uint32_t pos = (ch->head + 1) & ch->mask;

	conn_expire(ch->ring[pos]);
	conn_bind(d);
	conn_activate(d);
	ch->ring[pos] = d;
	ch->head = pos;
	conn_close(ch->ring[(pos - (ch->mask + 1) / 2) & ch->mask]);
}

/* ---- measuring picks ------------------------------------------------- */

static void
measure_picks(struct uvs_svc *svc, struct churn *ch, double secs,
    uint64_t seed, struct result *r)
{
	struct uvs_flow f;
	double t0, el;
	unsigned k;

	memset(&f, 0, sizeof(f));
	f.proto = IPPROTO_TCP;
	f.af = AF_INET;
	f.vaddr = svc->addr;
	f.vport = svc->port;
	r->picks = r->nulls = 0;
	r->nlog = 0;
	t0 = bench_now();
	do {
		for (k = 0; k < BATCH; k++) {
			uint64_t x = bench_rng(&seed);
			struct uvs_dest *d;

			f.caddr = uvs_inaddr4((uint32_t)x);
			f.cport = (uint16_t)(x >> 32);
			f.now = 1 + (uint32_t)(r->picks >> 16);
			d = svc->sched->schedule(svc, &f);
			if (r->nlog < PICK_LOG)
				r->log[r->nlog++] = d;
			r->picks++;
			if (!d) {
				r->nulls++;
				continue;
			}
			churn_step(ch, d);
		}
		el = bench_now() - t0;
	} while (el < secs);
	r->rate = (double)r->picks / el;
	r->done = 1;
}

/* First pick (1-based) where a and b differ, 0 if they agree throughout. */
static unsigned
picks_differ(const struct result *a, const struct result *b)
{
	unsigned i, n = a->nlog < b->nlog ? a->nlog : b->nlog;

	for (i = 0; i < n; i++)
		if (a->log[i] != b->log[i])
			return i + 1;
	return 0;
}

/*
 * One scheduler (or scan) on the service of size index si with weights
 * mode: prefill, start, time one more update, measure, park.
 */
static int
run_one(struct bench *b, unsigned si, int mode,
    const struct uvs_sched_ops *ops, struct result *r)
{
	struct uvs_svc *svc = b->svc[si];
	double t0;

	svc_use(svc, &park_ops);
	svc_set_weights(svc, mode, b->seed ^ sizes[si]);
	if (churn_prefill(&b->churn[si], svc, b->seed + sizes[si]) < 0)
		return -ENOMEM;
	if (svc_start(svc, ops) < 0)
		return -ENOMEM;
	t0 = bench_now();
	uvs_svc_changed(svc);
	r->update_ms = (bench_now() - t0) * 1e3;
	measure_picks(svc, &b->churn[si], b->secs, b->seed, r);
	svc_use(svc, &park_ops);
	return 0;
}

static const struct uvs_sched_ops *
scan_for(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(scan_ops) / sizeof(scan_ops[0]); i++)
		if (strcmp(scan_ops[i].name, name) == 0)
			return &scan_ops[i];
	return NULL;
}

/* ---- the scheduler table --------------------------------------------- */

struct sched_row {
	const char	*name;
	struct result	 fast[NMODES][NSIZES];
	struct result	 scan[NMODES][NSIZES];
	int		 has_scan;
};

static void
bench_sched_one(struct bench *b, struct sched_row *row)
{
	const struct uvs_sched_ops *ops = uvs_sched_find(row->name);
	const struct uvs_sched_ops *scan = scan_for(row->name);
	unsigned si;
	int m;

	row->has_scan = scan != NULL;
	for (m = 0; m < NMODES; m++) {
		int skip = 0;

		for (si = 0; si < b->nsizes && !skip; si++) {
			if (run_one(b, si, m, ops, &row->fast[m][si]) < 0)
				return;
			/* update cost grows at least linearly with n */
			skip = row->fast[m][si].update_ms * 1e-3 *
			    (si + 1 < b->nsizes ? sizes[si + 1] / sizes[si] : 1)
			    > SETUP_LIMIT;
			if (scan && run_one(b, si, m, scan, &row->scan[m][si]) < 0)
				return;
		}
	}
}

static void
print_rates(const char *name, const char *what, const char *wmode,
    const struct result *r, unsigned nsizes, const char *tail)
{
	char buf[32];
	unsigned si;

	printf("%-6s %-7s %-6s", name, what, wmode);
	for (si = 0; si < nsizes; si++)
		printf(" %8s", r[si].done ?
		    human(r[si].rate, buf, sizeof(buf)) : "-");
	printf("  %s\n", tail);
}

/* The scan's row, the fast/scan ratios and whether both chose alike. */
static void
report_scan(struct bench *b, const struct sched_row *row, int m)
{
	const struct result *fr = row->fast[m], *sr = row->scan[m];
	const char *wm = weight_modes[m];
	char tail[128] = "", *p = tail;
	int goal = strcmp(row->name, "lc") == 0 || strcmp(row->name, "wlc") == 0;
	int met = 1;
	unsigned si;

	print_rates(row->name, "scan", wm, sr, b->nsizes, "IPVS's O(n) loop");
	printf("%-6s %-7s %-6s", row->name, "ratio", wm);
	for (si = 0; si < b->nsizes; si++) {
		double ratio;
		unsigned diff;

		if (!fr[si].done || !sr[si].done) {
			printf(" %8s", "-");
			continue;
		}
		ratio = fr[si].rate / sr[si].rate;
		printf(" %7.1fx", ratio);
		if (sizes[si] >= GOAL_RATIO_N && ratio < GOAL_RATIO)
			met = 0;
		diff = picks_differ(&fr[si], &sr[si]);
		if (diff && p < tail + sizeof(tail) - 32)
			p += snprintf(p, tail + sizeof(tail) - p,
			    "%sDIFFERS at n=%u pick %u", p == tail ? "" : "; ",
			    sizes[si], diff);
		csv_row(b, "sched", row->name, wm, sizes[si],
		    "scan_picks_per_s", sr[si].rate, "");
		csv_row(b, "sched", row->name, wm, sizes[si],
		    "ratio_fast_scan", ratio, goal && sizes[si] >= GOAL_RATIO_N ?
		    ">=10" : "");
		csv_row(b, "sched", row->name, wm, sizes[si],
		    "same_picks_as_scan", diff == 0, "1");
	}
	if (goal)
		printf("  goal >=%.0fx at %u+: %s%s%s\n", GOAL_RATIO,
		    GOAL_RATIO_N, met ? "met" : "NOT met", *tail ? "; " : "",
		    tail);
	else
		printf("  %s\n", *tail ? tail : "same picks as the scan");
}

/* Appends at tail + len "; no dest: n=2 100%, ..." when picks found none. */
static void
no_dest_note(const struct result *r, unsigned nsizes, char *tail,
    size_t size, int len)
{
	const char *sep = "; no dest for";
	unsigned si;

	for (si = 0; si < nsizes && len >= 0 && (size_t)len < size; si++) {
		if (!r[si].done || !r[si].nulls)
			continue;
		len += snprintf(tail + len, size - (size_t)len, "%s %.0f%% at "
		    "n=%u", sep, 100.0 * (double)r[si].nulls /
		    (double)r[si].picks, sizes[si]);
		sep = ",";
	}
}

static void
report_sched_row(struct bench *b, const struct sched_row *row)
{
	char tail[160];
	unsigned si, last;
	int m;

	for (m = 0; m < NMODES; m++) {
		const struct result *fr = row->fast[m];
		const char *wm = weight_modes[m];

		for (si = last = 0; si < b->nsizes; si++)
			if (fr[si].done)
				last = si;
		no_dest_note(fr, b->nsizes, tail, sizeof(tail),
		    snprintf(tail, sizeof(tail), "update %.3f ms at n=%u",
		    fr[last].update_ms, sizes[last]));
		print_rates(row->name, "picks", wm, fr, b->nsizes, tail);
		for (si = 0; si < b->nsizes; si++) {
			if (!fr[si].done)
				continue;
			csv_row(b, "sched", row->name, wm, sizes[si],
			    "picks_per_s", fr[si].rate, "");
			csv_row(b, "sched", row->name, wm, sizes[si],
			    "no_dest_share", (double)fr[si].nulls /
			    (double)fr[si].picks, "");
			csv_row(b, "sched", row->name, wm, sizes[si],
			    "update_ms", fr[si].update_ms, "");
		}
		if (row->has_scan)
			report_scan(b, row, m);
	}
}

static void
print_sched_header(const struct bench *b)
{
	unsigned si;

	printf("\nScheduler picks per second (%.2f s each; every pick binds a "
	    "new flow, an old one closes, the oldest ends)\n", b->secs);
	printf("%-6s %-7s %-6s", "sched", "", "weight");
	for (si = 0; si < b->nsizes; si++)
		printf(" %8u", sizes[si]);
	printf("  <- destinations\n");
}

static int
bench_scheds(struct bench *b)
{
	const char *names[MAX_SCHEDS];
	size_t n = uvs_sched_names(names, MAX_SCHEDS), i;
	struct sched_row *rows;
	unsigned si;

	if (!(rows = calloc(n, sizeof(*rows))))
		return -ENOMEM;
	uvs_svc_table_init(&b->t);
	for (si = 0; si < b->nsizes; si++) {
		b->svc[si] = svc_build(&b->t, names[0], si, sizes[si]);
		if (!b->svc[si] || churn_alloc(&b->churn[si], sizes[si]) < 0)
			return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		double t0 = bench_now();

		rows[i].name = names[i];
		fprintf(stderr, "bench_sched: [%zu/%zu] %s ...", i + 1, n,
		    names[i]);
		bench_sched_one(b, &rows[i]);
		fprintf(stderr, " %.1f s\n", bench_now() - t0);
	}
	print_sched_header(b);
	for (i = 0; i < n; i++)
		report_sched_row(b, &rows[i]);
	for (si = 0; si < b->nsizes; si++)
		free(b->churn[si].ring);
	uvs_svc_table_free(&b->t);
	free(rows);
	return 0;
}

/* ---- the connection table -------------------------------------------- */

struct conn_result {
	double		 insert_rate, hit_rate, miss_rate, expire_rate;
	double		 hit_rate1;	/* hits, looked up one by one */
	double		 full_rate;	/* inserts into a full table */
	double		 bytes_entry, bucket_share;
	long		 rss0, rss_init, rss_full;
	uint64_t	 hits;
	int		 full_refused;
};

static void
conn_key(struct uvs_flow *f, uint32_t i)
{
	memset(f, 0, sizeof(*f));
	f->proto = IPPROTO_TCP;
	f->af = AF_INET;
	f->caddr = uvs_inaddr4(mix32(i));
	f->cport = htons((uint16_t)(1024 + (i & 0x3fff)));
	f->vaddr = uvs_inaddr4(htonl(VIP));
	f->vport = htons(80);
}

/*
 * Lookups of random keys i in [base, base + cap) for secs of CPU; rate
 * per CPU second. Keys come in bursts of UVS_CONN_STAGE, as frames do,
 * and are looked up staged (uvs_conn_lookup_burst) or one by one.
 */
static double
conn_lookups(const struct uvs_conn_table *t, uint32_t base, double secs,
    uint64_t seed, int staged, uint64_t *found)
{
	struct uvs_flow f[UVS_CONN_STAGE];
	struct uvs_conn *c[UVS_CONN_STAGE];
	uint64_t n = 0;
	double t0 = bench_cpu_now(), el;
	unsigned k, j;

	do {
		for (j = 0; j < 256 / UVS_CONN_STAGE; j++) {
			for (k = 0; k < UVS_CONN_STAGE; k++)
				conn_key(&f[k], base + (uint32_t)
				    (bench_rng(&seed) & (t->capacity - 1)));
			if (staged)
				uvs_conn_lookup_burst(t, f, UVS_CONN_STAGE, c);
			else
				for (k = 0; k < UVS_CONN_STAGE; k++)
					c[k] = uvs_conn_lookup(t, &f[k]);
			for (k = 0; k < UVS_CONN_STAGE; k++)
				*found += c[k] != NULL;
		}
		n += 256;
		el = bench_cpu_now() - t0;
	} while (el < secs);
	return (double)n / el;
}

/*
 * New flows into a full table for secs: conn.c hands each the entry of
 * the oldest flow not established (all of ours are new). Returns the
 * rate; *refused tells whether the table said no instead.
 */
static double
conn_full_inserts(struct uvs_conn_table *t, struct uvs_dest *dest,
    double secs, int *refused)
{
	struct uvs_flow f;
	uint32_t i = 2 * CONN_CAP;
	double t0 = bench_now(), el;
	unsigned k;

	*refused = 0;
	do {
		for (k = 0; k < 256; k++) {
			conn_key(&f, i++);
			if (!uvs_conn_insert(t, &f, dest, 1)) {
				*refused = 1;
				return 0;
			}
		}
		el = bench_now() - t0;
	} while (el < secs);
	return (double)(i - 2 * CONN_CAP) / el;
}

static int
bench_conn(struct bench *b, struct conn_result *cr)
{
	struct uvs_svc svc;
	struct uvs_dest dest;
	struct uvs_conn_table t;
	struct uvs_flow f;
	uint64_t misses = 0;
	double t0;
	uint32_t i;

	/* a dest whose service has no scheduler: only the table is timed */
	memset(&svc, 0, sizeof(svc));
	memset(&dest, 0, sizeof(dest));
	dest.svc = &svc;
	dest.weight = 1;
	cr->rss0 = rss_kib();
	if (uvs_conn_init(&t, CONN_CAP, 1, (uint32_t)b->seed) < 0)
		return -ENOMEM;
	cr->rss_init = rss_kib();
	t0 = bench_now();
	for (i = 0; i < CONN_CAP; i++) {
		conn_key(&f, i);
		if (!uvs_conn_insert(&t, &f, &dest, 1))
			break;
	}
	cr->insert_rate = (double)i / (bench_now() - t0);
	cr->rss_full = rss_kib();
	cr->hits = 0;
	cr->hit_rate1 = conn_lookups(&t, 0, b->secs, b->seed, 0, &cr->hits);
	cr->hit_rate = conn_lookups(&t, 0, b->secs, b->seed, 1, &cr->hits);
	cr->miss_rate = conn_lookups(&t, CONN_CAP, b->secs, b->seed, 1,
	    &misses);
	cr->full_rate = conn_full_inserts(&t, &dest, b->secs,
	    &cr->full_refused);
	cr->bucket_share = (double)t.nbuckets * sizeof(*t.buckets) /
	    t.capacity;
	cr->bytes_entry = sizeof(struct uvs_conn) +
	    sizeof(struct uvs_conn_link) + cr->bucket_share;
	/* new flows sit in state NONE: all are due two seconds on */
	t0 = bench_now();
	i = uvs_conn_expire(&t, 1 + t.timeouts.t[UVS_TCP_NONE]);
	cr->expire_rate = (double)i / (bench_now() - t0);
	uvs_conn_free(&t);
	return misses ? -EPROTO : 0;
}

static void
report_conn(struct bench *b, const struct conn_result *cr)
{
	char buf[32];
	double grow = (double)(cr->rss_full - cr->rss0) / 1024.0;

	printf("\nConnection table, capacity %u (1 M), one dest, no scheduler\n",
	    CONN_CAP);
	printf("  inserts/s          %9s  filling it from empty\n",
	    human(cr->insert_rate, buf, sizeof(buf)));
	printf("  lookups/s, hits    %9s  per CPU s, random keys, staged "
	    "bursts of %u; "
	    "goal >= 15M: %s\n", human(cr->hit_rate, buf, sizeof(buf)),
	    UVS_CONN_STAGE, cr->hit_rate >= GOAL_HITS ? "met" : "NOT met");
	printf("  lookups/s, hits 1  %9s  the same keys one by one: staged "
	    "%.2fx\n", human(cr->hit_rate1, buf, sizeof(buf)),
	    cr->hit_rate / cr->hit_rate1);
	printf("  lookups/s, misses  %9s  staged\n",
	    human(cr->miss_rate, buf, sizeof(buf)));
	printf("  expiries/s         %9s  all 1 M due at once\n",
	    human(cr->expire_rate, buf, sizeof(buf)));
	if (cr->full_refused)
		printf("  inserts/s, full    %9s  the full table refuses new "
		    "flows\n", "-");
	else
		printf("  inserts/s, full    %9s  each takes the oldest "
		    "unestablished flow's entry\n",
		    human(cr->full_rate, buf, sizeof(buf)));
	printf("  bytes per entry    %9.1f  %zu hot (one line) + %zu links + "
	    "%.1f buckets; goal <= %.0f: %s\n", cr->bytes_entry,
	    sizeof(struct uvs_conn), sizeof(struct uvs_conn_link),
	    cr->bucket_share, GOAL_BYTES,
	    cr->bytes_entry <= GOAL_BYTES ? "met" : "NOT met");
	printf("  RSS (VmRSS)        %.1f MiB before, %.1f after init, "
	    "%.1f full: +%.1f MiB; goal <= %.0f: %s\n",
	    cr->rss0 / 1024.0, cr->rss_init / 1024.0, cr->rss_full / 1024.0,
	    grow, GOAL_RSS_MIB, grow <= GOAL_RSS_MIB ? "met" : "NOT met");
	csv_row(b, "conn", "table", "", CONN_CAP, "inserts_per_s",
	    cr->insert_rate, "");
	csv_row(b, "conn", "table", "", CONN_CAP, "lookup_hits_per_s",
	    cr->hit_rate, ">=15M");
	csv_row(b, "conn", "table", "", CONN_CAP, "lookup_hits_one_by_one_per_s",
	    cr->hit_rate1, "");
	csv_row(b, "conn", "table", "", CONN_CAP, "lookup_misses_per_s",
	    cr->miss_rate, "");
	csv_row(b, "conn", "table", "", CONN_CAP, "full_inserts_per_s",
	    cr->full_rate, "");
	csv_row(b, "conn", "table", "", CONN_CAP, "expiries_per_s",
	    cr->expire_rate, "");
	csv_row(b, "conn", "table", "", CONN_CAP, "bytes_per_entry",
	    cr->bytes_entry, "<=64");
	csv_row(b, "conn", "table", "", CONN_CAP, "rss_before_mib",
	    cr->rss0 / 1024.0, "");
	csv_row(b, "conn", "table", "", CONN_CAP, "rss_full_mib",
	    cr->rss_full / 1024.0, "");
	csv_row(b, "conn", "table", "", CONN_CAP, "rss_growth_mib", grow,
	    "<=64");
}

/* ---- main ------------------------------------------------------------ */

static void
usage(void)
{
	fprintf(stderr, "usage: bench_sched [--time S] [--seed N] "
	    "[--max-dests N] [--out DIR]\n");
	exit(2);
}

static void
parse_args(struct bench *b, int argc, char **argv)
{
	unsigned max = 65536;
	int i;

	b->secs = 0.2;
	b->seed = 1;
	b->outdir = "bench/out";
	for (i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--time") == 0)
			b->secs = atof(argv[++i]);
		else if (strcmp(argv[i], "--seed") == 0)
			b->seed = strtoull(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--max-dests") == 0)
			max = (unsigned)strtoul(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--out") == 0)
			b->outdir = argv[++i];
		else
			usage();
	}
	if (b->secs <= 0)
		usage();
	for (b->nsizes = 0; b->nsizes < NSIZES &&
	    sizes[b->nsizes] <= max; b->nsizes++)
		;
	if (b->nsizes == 0)
		usage();
}

int
main(int argc, char **argv)
{
	static struct bench b;
	struct conn_result cr;
	char path[4096];
	int rc;

	parse_args(&b, argc, argv);
	if (mkdir(b.outdir, 0777) < 0 && errno != EEXIST) {
		perror(b.outdir);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/sched.csv", b.outdir);
	if (!(b.csv = fopen(path, "w"))) {
		perror(path);
		return 1;
	}
	fprintf(b.csv, "section,name,weights,ndests,metric,value,goal\n");
	/* the table first, while the process is small: its RSS is the table */
	fprintf(stderr, "bench_sched: connection table ...\n");
	if ((rc = bench_conn(&b, &cr)) < 0) {
		fprintf(stderr, "bench_sched: connection table: %s\n",
		    strerror(-rc));
		return 1;
	}
	report_conn(&b, &cr);
	fflush(stdout);
	if ((rc = bench_scheds(&b)) < 0) {
		fprintf(stderr, "bench_sched: %s\n", strerror(-rc));
		return 1;
	}
	printf("\nratio = fast picks/s over IPVS's scan picks/s, same run, "
	    "same state; CSV: %s\n", path);
	fclose(b.csv);
	return 0;
}
