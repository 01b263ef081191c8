/*
 * bench_sim: a discrete-event simulation of a Direct Routing cluster whose
 * director is the real sched/ code: each registered scheduler picks the
 * dest of every new request through svc->sched->schedule, and the real
 * connection table counts the flows (SYN, ACK on arrival; FIN when the
 * reply is done, then FIN_WAIT lingers inactive as IPVS keeps it).
 *
 * Cluster: NSERVERS processor-sharing servers of different capacity
 * (work units per second; weight = capacity). Requests arrive as a
 * Poisson stream at LOAD of the total capacity, from a pool of clients,
 * all to one VIP; their work is Pareto (alpha 1.5, mean 1: heavy-tailed,
 * like web object sizes). One server fails at a third of the arrivals
 * (removed, as a health checker does; its requests in flight are retried
 * at once) and comes back at two thirds. Every scheduler sees the same
 * arrivals, sizes and clients (common random numbers, fixed seed).
 *
 * For hashing schedulers (found by asking: the same flow always gets the
 * same dest, and flows spread) it also counts how many of FLOWS_MOVE
 * distinct flows change dest when one server goes and when it comes back.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "bench/bench.h"
#include "sched/sched.h"
#include "sched/conn.h"

#define VIP		0xc612000au	/* 198.18.0.10 */
#define RIP_BASE	0xc612000bu	/* 198.18.0.11 ... */
#define CLIENT_BASE	0xc6130000u	/* 198.19.0.0/16 */
#define NSERVERS	8
#define FAIL_SERVER	5		/* capacity 8: 15% of the cluster */
#define LOAD		0.8
#define PARETO_ALPHA	1.5
#define CLIENTS		5000
#define FLOWS_MOVE	100000
#define CONN_CAP	(1u << 18)
#define MAX_SCHEDS	64
#define DEFAULT_ARRIVALS 1000000

/* work units per second; the weights are the same numbers */
static const int capacity[NSERVERS] = { 2, 2, 4, 4, 6, 8, 12, 16 };

struct job {
	double		 arrival;	/* first try, for the response time */
	double		 size;		/* work units */
	uint32_t	 client;	/* index in the pool */
	uint16_t	 cport;		/* network order */
};

struct slot {
	double		 tag;		/* virtual finish time */
	uint32_t	 job;
};

/* A processor-sharing server: virtual time runs at cap / n. */
struct server {
	struct uvs_dest	*dest;		/* NULL while down */
	double		 cap;
	double		 vt, last;	/* virtual time, taken at real time last */
	struct slot	*heap;		/* jobs by tag, smallest first */
	uint32_t	 n, heap_cap;
	double		 busy;		/* seconds with work */
	double		 busy_win;	/* busy when the arrivals stopped */
	uint32_t	 max_n;
};

struct result {
	const char	*name;
	double		 mean, p50, p99, imbalance, util[NSERVERS];
	uint32_t	 completed, retried, no_dest, max_queue;
	uint64_t	 reclaimed;
	int		 hashing;
	double		 moved_rm, ideal_rm, moved_add, ideal_add, back;
	double		 wall;
};

struct sim {
	uint64_t		 seed;
	uint32_t		 narrivals;
	const char		*outdir;
	double			 lambda;
	/* one run */
	struct uvs_svc_table	 svcs;
	struct uvs_svc		*svc;
	struct uvs_conn_table	 conns;
	struct server		 srv[NSERVERS];
	struct job		*jobs;
	uint16_t		*next_port;	/* per client */
	double			*resp;
	uint32_t		 nresp;
	double			 now, t_fail, t_back, t_end;
	struct result		*r;
};

/* Uniform in (0, 1]. */
static double
unit(uint64_t *s)
{
	return (double)((bench_rng(s) >> 11) + 1) * 0x1.0p-53;
}

/*
 * Arrival i's gap since the one before, its work and its client: a
 * function of (seed, i) alone, so every scheduler gets the same stream.
 */
static void
arrival_draw(const struct sim *s, uint32_t i, double *gap, double *size,
    uint32_t *client)
{
	uint64_t st = s->seed * 0x2545f4914f6cdd1dull + i;
	double xm = (PARETO_ALPHA - 1) / PARETO_ALPHA;	/* mean 1 */

	*gap = -log(unit(&st)) / s->lambda;
	*size = xm / pow(unit(&st), 1.0 / PARETO_ALPHA);
	*client = (uint32_t)(bench_rng(&st) % CLIENTS);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* ---- the service --------------------------------------------------- */

static struct uvs_dest_conf
server_conf(unsigned i)
{
	struct uvs_dest_conf dc;

	memset(&dc, 0, sizeof(dc));
	dc.af = AF_INET;
	dc.addr = uvs_inaddr4(htonl(RIP_BASE + i));
	dc.port = htons(80);
	dc.weight = capacity[i];
	return dc;
}

static unsigned
server_of(const struct uvs_dest *d)
{
	return ntohl(d->addr.ip) - RIP_BASE;
}

/* A TCP VIP:80 service on sched with the cluster's dests, list order 0..7. */
static struct uvs_svc *
svc_setup(struct uvs_svc_table *t, const char *sched)
{
	struct uvs_svc_conf sc;
	unsigned i;

	memset(&sc, 0, sizeof(sc));
	sc.proto = IPPROTO_TCP;
	sc.af = AF_INET;
	sc.addr = uvs_inaddr4(htonl(VIP));
	sc.port = htons(80);
	sc.netmask = 0xffffffffu;
	snprintf(sc.sched, sizeof(sc.sched), "%s", sched);
	uvs_svc_table_init(t);
	if (uvs_svc_add(t, &sc) < 0)
		return NULL;
	for (i = NSERVERS; i-- > 0;) {
		struct uvs_dest_conf dc = server_conf(i);
		struct uvs_svc *svc = t->svcs[0];

		if (uvs_dest_add(svc, &dc) < 0)
			return NULL;
	}
	return t->svcs[0];
}

/* ---- processor sharing ---------------------------------------------- */

static void
server_advance(struct server *sv, double t)
{
	if (sv->n > 0) {
		sv->vt += (t - sv->last) * sv->cap / sv->n;
		sv->busy += t - sv->last;
	}
	sv->last = t;
}

/* When the server's next job would finish, or INFINITY. */
static double
server_next(const struct server *sv)
{
	if (!sv->dest || sv->n == 0)
		return INFINITY;
	return sv->last + (sv->heap[0].tag - sv->vt) * sv->n / sv->cap;
}

static void
heap_sift_up(struct slot *h, uint32_t i)
{
	while (i > 0) {
		uint32_t p = (i - 1) / 2;
		struct slot tmp;

		if (h[p].tag <= h[i].tag)
			break;
		tmp = h[p];
		h[p] = h[i];
		h[i] = tmp;
		i = p;
	}
}

static void
heap_sift_down(struct slot *h, uint32_t n, uint32_t i)
{
	for (;;) {
		uint32_t l = 2 * i + 1, m = i;
		struct slot tmp;

		if (l < n && h[l].tag < h[m].tag)
			m = l;
		if (l + 1 < n && h[l + 1].tag < h[m].tag)
			m = l + 1;
		if (m == i)
			return;
		tmp = h[m];
		h[m] = h[i];
		h[i] = tmp;
		i = m;
	}
}

static int
server_push(struct server *sv, uint32_t job, double size)
{
	if (sv->n == sv->heap_cap) {
		uint32_t ncap = sv->heap_cap ? 2 * sv->heap_cap : 64;
		struct slot *h = realloc(sv->heap, ncap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		sv->heap = h;
		sv->heap_cap = ncap;
	}
	sv->heap[sv->n].tag = sv->vt + size;
	sv->heap[sv->n].job = job;
	heap_sift_up(sv->heap, sv->n++);
	if (sv->n > sv->max_n)
		sv->max_n = sv->n;
	return 0;
}

static uint32_t
server_pop(struct server *sv)
{
	uint32_t job = sv->heap[0].job;

	sv->heap[0] = sv->heap[--sv->n];
	heap_sift_down(sv->heap, sv->n, 0);
	return job;
}

/* ---- the director --------------------------------------------------- */

static uint32_t
table_now(const struct sim *s)
{
	return 1 + (uint32_t)s->now;
}

static void
job_flow(const struct sim *s, const struct job *j, struct uvs_flow *f)
{
	memset(f, 0, sizeof(*f));
	f->proto = IPPROTO_TCP;
	f->af = AF_INET;
	f->caddr = uvs_inaddr4(htonl(CLIENT_BASE + j->client));
	f->cport = j->cport;
	f->vaddr = uvs_inaddr4(htonl(VIP));
	f->vport = htons(80);
	f->now = table_now(s);
}

/*
 * A new connection for job: a fresh client port, the scheduler's pick,
 * the table entry (SYN, then the handshake's ACK), a place on the server.
 */
static int
dispatch(struct sim *s, uint32_t job)
{
	struct job *j = &s->jobs[job];
	struct uvs_flow f;
	struct uvs_dest *d;
	struct uvs_conn *c;
	struct server *sv;
	uint32_t now = table_now(s);

	j->cport = htons((uint16_t)(1024 + s->next_port[j->client]++));
	job_flow(s, j, &f);
	uvs_conn_expire(&s->conns, now);
	if ((c = uvs_conn_lookup(&s->conns, &f)))
		uvs_conn_remove(&s->conns, c);	/* port reuse */
	if (!(d = s->svc->sched->schedule(s->svc, &f))) {
		s->r->no_dest++;
		return 0;
	}
	if ((c = uvs_conn_insert(&s->conns, &f, d, now))) {
		uvs_conn_update(&s->conns, c, TH_SYN, now);
		uvs_conn_update(&s->conns, c, TH_ACK, now);
	}
	sv = &s->srv[server_of(d)];
	server_advance(sv, s->now);
	return server_push(sv, job, j->size);
}

static void
complete(struct sim *s, struct server *sv)
{
	struct uvs_flow f;
	struct uvs_conn *c;
	struct job *j;

	server_advance(sv, s->now);
	j = &s->jobs[server_pop(sv)];
	s->resp[s->nresp++] = s->now - j->arrival;
	job_flow(s, j, &f);
	uvs_conn_expire(&s->conns, table_now(s));
	/* gone if it outlived ESTABLISHED's 900 s without a packet */
	if ((c = uvs_conn_lookup(&s->conns, &f)))
		uvs_conn_update(&s->conns, c, TH_FIN | TH_ACK, table_now(s));
}

/* The health checker removes the server; its requests are retried. */
static int
server_fail(struct sim *s, unsigned i)
{
	struct server *sv = &s->srv[i];
	uint32_t k, n;
	uint32_t *lost;

	server_advance(sv, s->now);
	uvs_conn_expire(&s->conns, table_now(s));
	uvs_conn_flush_dest(&s->conns, sv->dest);
	uvs_dest_del(s->svc, sv->dest);
	sv->dest = NULL;
	n = sv->n;
	if (!(lost = malloc((n + 1) * sizeof(*lost))))
		return -ENOMEM;
	for (k = 0; k < n; k++)
		lost[k] = sv->heap[k].job;
	sv->n = 0;
	s->r->retried += n;
	for (k = 0; k < n; k++)
		if (dispatch(s, lost[k]) < 0)
			break;
	free(lost);
	return k < n ? -ENOMEM : 0;
}

static int
server_back(struct sim *s, unsigned i)
{
	struct uvs_dest_conf dc = server_conf(i);
	struct server *sv = &s->srv[i];

	if (uvs_dest_add(s->svc, &dc) < 0)
		return -ENOMEM;
	sv->dest = uvs_dest_find(s->svc, &dc.addr, dc.port);
	sv->vt = 0;
	sv->last = s->now;
	return 0;
}

/* ---- one run -------------------------------------------------------- */

static int
sim_init(struct sim *s, const char *sched, struct result *r)
{
	unsigned i;

	memset(r, 0, sizeof(*r));
	r->name = sched;
	s->r = r;
	s->now = 0;
	s->nresp = 0;
	memset(s->next_port, 0, CLIENTS * sizeof(*s->next_port));
	if (!(s->svc = svc_setup(&s->svcs, sched)))
		return -ENOMEM;
	if (uvs_conn_init(&s->conns, CONN_CAP, 1, (uint32_t)s->seed) < 0)
		return -ENOMEM;
	for (i = 0; i < NSERVERS; i++) {
		struct server *sv = &s->srv[i];
		union uvs_inaddr rip = uvs_inaddr4(htonl(RIP_BASE + i));

		free(sv->heap);
		memset(sv, 0, sizeof(*sv));
		sv->cap = capacity[i];
		sv->dest = uvs_dest_find(s->svc, &rip, htons(80));
	}
	return 0;
}

static void
sim_done(struct sim *s)
{
	s->r->reclaimed = s->conns.reclaimed;
	uvs_conn_flush_dest(&s->conns, NULL);
	uvs_conn_free(&s->conns);
	uvs_svc_table_free(&s->svcs);
}

/* The earliest completion: its server, or NULL when all are idle. */
static struct server *
next_completion(struct sim *s, double *at)
{
	struct server *best = NULL;
	unsigned i;

	*at = INFINITY;
	for (i = 0; i < NSERVERS; i++) {
		double t = server_next(&s->srv[i]);

		if (t < *at) {
			*at = t;
			best = &s->srv[i];
		}
	}
	return best;
}

/* The arrivals stop: note what each server did in [0, now]. */
static void
close_window(struct sim *s)
{
	unsigned i;

	s->t_end = s->now;
	for (i = 0; i < NSERVERS; i++) {
		if (s->srv[i].dest)
			server_advance(&s->srv[i], s->now);
		s->srv[i].busy_win = s->srv[i].busy;
	}
}

static int
arrive(struct sim *s, uint32_t i, double at)
{
	uint32_t third = s->narrivals / 3;
	int rc = 0;

	s->now = at;
	if (i == third) {
		s->t_fail = at;
		rc = server_fail(s, FAIL_SERVER);
	} else if (i == 2 * third) {
		s->t_back = at;
		rc = server_back(s, FAIL_SERVER);
	}
	if (rc < 0)
		return rc;
	rc = dispatch(s, i);
	if (i + 1 == s->narrivals)
		close_window(s);
	return rc;
}

static int
run_events(struct sim *s)
{
	uint32_t i = 0;

	for (;;) {
		double tc;
		struct server *sv = next_completion(s, &tc);

		if (i < s->narrivals && s->jobs[i].arrival <= tc) {
			if (arrive(s, i, s->jobs[i].arrival) < 0)
				return -ENOMEM;
			i++;
		} else if (sv) {
			s->now = tc;
			complete(s, sv);
		} else {
			return 0;
		}
	}
}

/* Response times and utilisation of the run just finished. */
static void
summarise(struct sim *s)
{
	struct result *r = s->r;
	double sum = 0, umax = 0, umean = 0;
	uint32_t k;
	unsigned i;

	r->completed = s->nresp;
	if (s->nresp) {
		qsort(s->resp, s->nresp, sizeof(*s->resp), cmp_double);
		for (k = 0; k < s->nresp; k++)
			sum += s->resp[k];
		r->mean = sum / s->nresp;
		r->p50 = s->resp[(uint32_t)(0.50 * (s->nresp - 1))];
		r->p99 = s->resp[(uint32_t)(0.99 * (s->nresp - 1))];
	}
	for (i = 0; i < NSERVERS; i++) {
		double up = s->t_end;

		if (i == FAIL_SERVER)
			up -= s->t_back - s->t_fail;
		r->util[i] = up > 0 ? s->srv[i].busy_win / up : 0;
		umean += r->util[i] / NSERVERS;
		if (r->util[i] > umax)
			umax = r->util[i];
		if (s->srv[i].max_n > r->max_queue)
			r->max_queue = s->srv[i].max_n;
	}
	r->imbalance = umean > 0 ? umax / umean : 0;
}

static int
run_sched(struct sim *s, const struct job *base, const char *sched,
    struct result *r)
{
	double t0 = bench_now();
	int rc;

	if ((rc = sim_init(s, sched, r)) < 0)
		return rc;
	memcpy(s->jobs, base, s->narrivals * sizeof(*base));
	rc = run_events(s);
	summarise(s);
	sim_done(s);
	r->wall = bench_now() - t0;
	return rc;
}

/* ---- flows that move ------------------------------------------------ */

/*
 * Server index for each of FLOWS_MOVE distinct flows, or -1 for no dest,
 * asking in order or backwards. Client and VIP addresses both vary, so that whatever field a hashing
 * scheduler keys on (sh the client, dh the destination) takes many values.
 */
static void
map_flows(struct uvs_svc *svc, int8_t *map, int backwards)
{
	struct uvs_flow f;
	uint32_t i, k;

	memset(&f, 0, sizeof(f));
	f.proto = IPPROTO_TCP;
	f.af = AF_INET;
	f.vport = htons(80);
	f.now = 1;
	for (i = 0; i < FLOWS_MOVE; i++) {
		struct uvs_dest *d;

		k = backwards ? FLOWS_MOVE - 1 - i : i;
		f.caddr = uvs_inaddr4(htonl(0xc6120000u + 0x100 + k));
		f.vaddr = uvs_inaddr4(htonl(0xc6130000u + k));
		f.cport = htons((uint16_t)(1024 + k % 60000));
		d = svc->sched->schedule(svc, &f);
		map[k] = d ? (int8_t)server_of(d) : -1;
	}
}

static double
share(const int8_t *a, const int8_t *b, int same, int8_t only)
{
	uint32_t k, n = 0;

	for (k = 0; k < FLOWS_MOVE; k++)
		if ((a[k] == b[k]) == same && (only < 0 || b[k] == only))
			n++;
	return (double)n / FLOWS_MOVE;
}

/* Does sched map a flow the same way every time, to more than one dest? */
static int
is_hashing(const int8_t *m0, const int8_t *again)
{
	uint32_t k;

	for (k = 0; k < FLOWS_MOVE; k++)
		if (m0[k] != again[k] || m0[k] < 0)
			return 0;
	for (k = 1; k < FLOWS_MOVE; k++)
		if (m0[k] != m0[0])
			return 1;
	return 0;
}

static int
measure_moves(const char *sched, struct result *r)
{
	struct uvs_svc_table t;
	struct uvs_svc *svc;
	struct uvs_dest_conf dc = server_conf(FAIL_SERVER);
	int8_t *m0 = malloc(FLOWS_MOVE), *m1 = malloc(FLOWS_MOVE),
	    *m2 = malloc(FLOWS_MOVE);
	int rc = -ENOMEM;

	uvs_svc_table_init(&t);
	if (!m0 || !m1 || !m2 || !(svc = svc_setup(&t, sched)))
		goto out;
	map_flows(svc, m0, 0);
	map_flows(svc, m1, 1);	/* a rotation (rr) answers differently */
	if ((r->hashing = is_hashing(m0, m1))) {
		uvs_dest_del(svc, uvs_dest_find(svc, &dc.addr, dc.port));
		map_flows(svc, m1, 0);
		if (uvs_dest_add(svc, &dc) < 0)
			goto out;
		map_flows(svc, m2, 0);
		r->moved_rm = share(m0, m1, 0, -1);
		r->ideal_rm = share(m1, m0, 0, FAIL_SERVER);	/* were there */
		r->moved_add = share(m1, m2, 0, -1);
		r->ideal_add = share(m1, m2, 0, FAIL_SERVER);	/* go there */
		r->back = share(m0, m2, 1, -1);
	}
	rc = 0;
out:
	uvs_svc_table_free(&t);
	free(m0);
	free(m1);
	free(m2);
	return rc;
}

/* ---- output --------------------------------------------------------- */

static void
print_table(const struct sim *s, const struct result *r, size_t n)
{
	size_t i;

	printf("\nCluster of %d servers, capacities", NSERVERS);
	for (i = 0; i < NSERVERS; i++)
		printf(" %d", capacity[i]);
	printf(" (= weights), load %.0f%%, Pareto(%.1f) work, %u arrivals, "
	    "seed %llu;\nserver %d (capacity %d) removed at 1/3, back at 2/3. "
	    "Times in seconds; imbalance = max/mean utilisation.\n",
	    LOAD * 100, PARETO_ALPHA, s->narrivals,
	    (unsigned long long)s->seed, FAIL_SERVER, capacity[FAIL_SERVER]);
	printf("%-6s %9s %9s %10s %9s %9s %7s %7s\n", "sched", "mean",
	    "p50", "p99", "imbalance", "max queue", "retried", "no dest");
	for (i = 0; i < n; i++)
		printf("%-6s %9.2f %9.2f %10.2f %9.2f %9u %7u %7u\n", r[i].name,
		    r[i].mean, r[i].p50, r[i].p99, r[i].imbalance,
		    r[i].max_queue, r[i].retried, r[i].no_dest);
	printf("\nFlows that move (%d distinct flows, client and destination "
	    "address both vary), hashing schedulers only;\nideal = the least "
	    "that must move: the removed server's flows, then the flows it "
	    "gets back.\n", FLOWS_MOVE);
	printf("%-6s %10s %10s %10s %10s %12s\n", "sched", "remove", "ideal",
	    "add back", "ideal", "as before");
	for (i = 0; i < n; i++)
		if (r[i].hashing)
			printf("%-6s %9.1f%% %9.1f%% %9.1f%% %9.1f%% %11.1f%%\n",
			    r[i].name, 100 * r[i].moved_rm, 100 * r[i].ideal_rm,
			    100 * r[i].moved_add, 100 * r[i].ideal_add,
			    100 * r[i].back);
}

static int
write_csv(const char *path, const struct result *r, size_t n)
{
	FILE *f = fopen(path, "w");
	size_t i;
	unsigned k;

	if (!f)
		return -errno;
	fprintf(f, "sched,mean_s,p50_s,p99_s,imbalance,max_queue,completed,"
	    "retried,no_dest,reclaimed,moved_remove,ideal_remove,moved_add,"
	    "ideal_add,same_as_before");
	for (k = 0; k < NSERVERS; k++)
		fprintf(f, ",util%u", k);
	fprintf(f, "\n");
	for (i = 0; i < n; i++) {
		fprintf(f, "%s,%.6g,%.6g,%.6g,%.6g,%u,%u,%u,%u,%llu", r[i].name,
		    r[i].mean, r[i].p50, r[i].p99, r[i].imbalance,
		    r[i].max_queue, r[i].completed, r[i].retried,
		    r[i].no_dest, (unsigned long long)r[i].reclaimed);
		if (r[i].hashing)
			fprintf(f, ",%.6g,%.6g,%.6g,%.6g,%.6g", r[i].moved_rm,
			    r[i].ideal_rm, r[i].moved_add, r[i].ideal_add,
			    r[i].back);
		else
			fprintf(f, ",,,,,");
		for (k = 0; k < NSERVERS; k++)
			fprintf(f, ",%.4f", r[i].util[k]);
		fprintf(f, "\n");
	}
	return fclose(f) == 0 ? 0 : -errno;
}

/* Mean and p99 per scheduler as bars, log scale; skipped without gnuplot. */
static void
plot(const char *outdir)
{
	char gp[4096], cmd[4200];
	FILE *f;

	if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
		fprintf(stderr, "bench_sim: gnuplot not installed (apt-get "
		    "install gnuplot-nox): no %s/sim.png\n", outdir);
		return;
	}
	snprintf(gp, sizeof(gp), "%s/sim.gp", outdir);
	if (!(f = fopen(gp, "w")))
		return;
	fprintf(f,
	    "set terminal png size 1000,560 noenhanced\n"
	    "set output '%s/sim.png'\n"
	    "set datafile separator ','\n"
	    "set title 'bench_sim: response time per scheduler (log scale)'\n"
	    "set ylabel 'seconds'\n"
	    "set logscale y\n"
	    "set grid ytics\n"
	    "set style data histogram\n"
	    "set style histogram clustered gap 1\n"
	    "set style fill solid 0.8 border -1\n"
	    "set key top left\n"
	    "plot '%s/sim.csv' using 2:xtic(1) title columnheader(2), "
	    "'' using 3 title columnheader(3), "
	    "'' using 4 title columnheader(4)\n", outdir, outdir);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "gnuplot '%s'", gp);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_sim: gnuplot failed, no plot\n");
	else
		fprintf(stderr, "bench_sim: plot in %s/sim.png\n", outdir);
}

/* ---- main ----------------------------------------------------------- */

static void
usage(void)
{
	fprintf(stderr, "usage: bench_sim [--seed N] [--events N] "
	    "[--out DIR] [sched ...]\n");
	exit(2);
}

/* The fixed stream of arrivals every scheduler gets. */
static struct job *
make_arrivals(const struct sim *s)
{
	struct job *base = calloc(s->narrivals, sizeof(*base));
	double t = 0, gap;
	uint32_t i;

	if (!base)
		return NULL;
	for (i = 0; i < s->narrivals; i++) {
		arrival_draw(s, i, &gap, &base[i].size, &base[i].client);
		t += gap;
		base[i].arrival = t;
	}
	return base;
}

static int
sim_alloc(struct sim *s)
{
	unsigned i;

	s->lambda = 0;
	for (i = 0; i < NSERVERS; i++)
		s->lambda += capacity[i];
	s->lambda *= LOAD;
	s->jobs = calloc(s->narrivals, sizeof(*s->jobs));
	s->resp = calloc(s->narrivals, sizeof(*s->resp));
	s->next_port = calloc(CLIENTS, sizeof(*s->next_port));
	return s->jobs && s->resp && s->next_port ? 0 : -ENOMEM;
}

static void
sim_free(struct sim *s)
{
	unsigned i;

	for (i = 0; i < NSERVERS; i++)
		free(s->srv[i].heap);
	free(s->jobs);
	free(s->resp);
	free(s->next_port);
}

/* Names from the command line, else every registered scheduler. */
static size_t
pick_names(int argc, char **argv, int first, const char **names)
{
	size_t n = 0;
	int i;

	if (first >= argc)
		return uvs_sched_names(names, MAX_SCHEDS);
	for (i = first; i < argc && n < MAX_SCHEDS; i++) {
		if (!uvs_sched_find(argv[i])) {
			fprintf(stderr, "bench_sim: no scheduler %s\n",
			    argv[i]);
			exit(2);
		}
		names[n++] = argv[i];
	}
	return n;
}

static int
parse_args(struct sim *s, int argc, char **argv)
{
	int i;

	s->seed = 1;
	s->narrivals = DEFAULT_ARRIVALS;
	s->outdir = "bench/out";
	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--seed") == 0)
			s->seed = strtoull(argv[i + 1], NULL, 0);
		else if (strcmp(argv[i], "--events") == 0)
			s->narrivals = (uint32_t)strtoul(argv[i + 1], NULL, 0);
		else if (strcmp(argv[i], "--out") == 0)
			s->outdir = argv[i + 1];
		else
			usage();
	}
	if (s->narrivals < 3)
		usage();
	return i;
}

int
main(int argc, char **argv)
{
	static struct sim s;
	static struct result res[MAX_SCHEDS];
	const char *names[MAX_SCHEDS];
	struct job *base;
	char path[4096];
	size_t n, i;
	int rc;

	n = pick_names(argc, argv, parse_args(&s, argc, argv), names);
	if (sim_alloc(&s) < 0 || !(base = make_arrivals(&s))) {
		fprintf(stderr, "bench_sim: out of memory\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		if ((rc = run_sched(&s, base, names[i], &res[i])) < 0 ||
		    (rc = measure_moves(names[i], &res[i])) < 0) {
			fprintf(stderr, "bench_sim: %s: %s\n", names[i],
			    strerror(-rc));
			return 1;
		}
		fprintf(stderr, "bench_sim: [%zu/%zu] %s: p99 %.2f s, %.1f s\n",
		    i + 1, n, names[i], res[i].p99, res[i].wall);
	}
	print_table(&s, res, n);
	if (mkdir(s.outdir, 0777) < 0 && errno != EEXIST) {
		perror(s.outdir);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/sim.csv", s.outdir);
	if ((rc = write_csv(path, res, n)) < 0) {
		fprintf(stderr, "bench_sim: %s: %s\n", path, strerror(-rc));
		return 1;
	}
	printf("\nCSV: %s\n", path);
	fflush(stdout);
	plot(s.outdir);
	free(base);
	sim_free(&s);
	return 0;
}
