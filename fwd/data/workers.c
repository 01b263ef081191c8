/*
 * Worker threads, uvsd's only packet path (-j 1 without -j). Each polls
 * its socket on every link, drains bursts through pktloop, expires its
 * flows once a second. At the top of each round, so never in the middle
 * of a burst, it applies what the change log (workers.h) holds past its
 * last entry and answers an ask if one is waiting. Its wake eventfd only rouses it
 * from poll; the log and the ask carry their own order (release/acquire
 * atomics), so a wake-up lost or doubled changes nothing.
 *
 * Fanout by client address is a classic BPF program run by the kernel on
 * each frame: IPv4 source address modulo N (ARP goes to worker 0).
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fwd/data/capture_ops.h"
#include "fwd/data/clock.h"
#include "fwd/data/filter.h"
#include "fwd/data/seed.h"
#include "fwd/data/workers.h"

#define WORKER_BURSTS	8	/* bursts between two looks at the log */
#define WORKER_POLL_MS	250	/* longest a worker stays away from it */

/*
 * Applies every log entry past the last one this worker applied. An
 * entry the table cannot take (memory) is counted, never hidden: the
 * control thread reports it (uvs_workers_diverged).
 */
static void
follow_log(struct uvs_worker *w)
{
	const struct uvs_wlog *e;

	while ((e = __atomic_load_n(&w->last->next, __ATOMIC_ACQUIRE))) {
		if (e->apply(&w->fw, e) < 0) {
			__atomic_store_n(&w->failed_gen, e->gen,
			    __ATOMIC_RELAXED);
			__atomic_add_fetch(&w->failed, 1, __ATOMIC_RELEASE);
		}
		w->last = e;
		__atomic_store_n(&w->seen, e->gen, __ATOMIC_RELEASE);
	}
}

static void
count_of(struct uvs_wcount *c, const struct uvs_svc *s,
    const struct uvs_dest *x)
{
	memset(c, 0, sizeof(*c));
	c->proto = s->proto;
	c->af = s->af;
	c->vip = s->addr;
	c->vport = s->port;
	if (!x) {
		c->conns = s->conns;
		c->inpkts = s->inpkts;
		c->inbytes = s->inbytes;
		return;
	}
	c->is_dest = 1;
	c->rip = x->addr;
	c->rport = x->port;
	c->active = x->activeconns;
	c->inactive = x->inactconns;
	c->persist = x->persistconns;
	c->conns = x->conns;
	c->inpkts = x->inpkts;
	c->inbytes = x->inbytes;
	c->nomac_drops = x->nomac_drops;
}

/* The worker's figures into its pub, table order: svc, its dests, ... */
static void
copy_counters(struct uvs_worker *w)
{
	const struct uvs_svc_table *t = &w->fw.svcs;
	struct uvs_wpub *p = &w->pub;
	unsigned i, k, need = t->nsvcs;
	struct uvs_wcount *nc;

	for (i = 0; i < t->nsvcs; i++)
		need += t->svcs[i]->ndests;
	p->ncount = 0;
	if (need > p->count_cap) {
		if (!(nc = realloc(p->count, need * sizeof(*nc))))
			need = 0;	/* the sums will miss this worker's */
		else {
			p->count = nc;
			p->count_cap = need;
		}
	}
	for (i = 0; i < t->nsvcs && p->ncount < need; i++) {
		const struct uvs_svc *s = t->svcs[i];

		count_of(&p->count[p->ncount++], s, NULL);
		for (k = 0; k < s->ndests; k++)
			count_of(&p->count[p->ncount++], s, s->dests[k]);
	}
	p->stats = w->fw.stats;
	p->nconns = w->fw.conns.count;
	p->nbuckets = w->fw.conns.nbuckets;
	p->capacity = w->fw.conns.capacity;
	p->reclaimed = w->fw.conns.reclaimed;
	p->reclaimed_udp = w->fw.conns.reclaimed_udp;
}

unsigned
uvs_workers_copy_conns(const struct uvs_conn_table *t, uint32_t *cursor,
    struct uvs_wconn *out, unsigned max)
{
	uint32_t i = *cursor;
	unsigned n = 0;

	for (; i < t->capacity && n < max; i++) {
		const struct uvs_conn *c = &t->conns[i];
		struct uvs_wconn *w = &out[n];

		if (!uvs_conn_live(t, i))
			continue;
		*w = (struct uvs_wconn){ .proto = c->proto,
		    .state = c->state, .flags = c->flags,
		    .cport = c->cport, .vport = c->vport,
		    .rport = c->dest->port, .raddr = c->dest->addr,
		    .left = (int32_t)(c->expires - t->clock) };
		w->af = (uint16_t)uvs_conn_addrs(t, c, &w->caddr, &w->vaddr);
		n++;
	}
	*cursor = i;
	return n;
}

/* Answers the control thread's ask, if a new one waits. */
static void
answer_ask(struct uvs_worker *w)
{
	uint64_t g = __atomic_load_n(&w->ask_gen, __ATOMIC_ACQUIRE), v = 1;

	if (g == __atomic_load_n(&w->answered, __ATOMIC_RELAXED))
		return;
	if (w->ask == UVS_WASK_COUNTERS)
		copy_counters(w);
	else {
		w->pub.cursor = w->ask_cursor;
		w->pub.nflows = uvs_workers_copy_conns(&w->fw.conns,
		    &w->pub.cursor, w->pub.conns, UVS_WORKERS_CHUNK);
	}
	__atomic_store_n(&w->answered, g, __ATOMIC_RELEASE);
	(void)!write(w->done, &v, sizeof(v));
}

/* Other workers' flows move shared totals: look at the marks again. */
static void
recheck_thresholds(struct uvs_fwd *fw)
{
	unsigned i, k;

	for (i = 0; i < fw->svcs.nsvcs; i++)
		for (k = 0; k < fw->svcs.svcs[i]->ndests; k++) {
			struct uvs_dest *x = fw->svcs.svcs[i]->dests[k];

			if (x->total_shared && x->u_threshold)
				(void)uvs_dest_thresholds_recheck(x);
		}
}

/*
 * Once a second: expire flows, take the kernel's drop counts and the
 * checksums the backend finished in software (xdp).
 */
static void
worker_tick(struct uvs_worker *w, uint32_t now)
{
	unsigned k;

	uvs_conn_expire(&w->fw.conns, now);
	for (k = 0; k < w->nlinks; k++) {
		w->fw.stats.rx_kernel_drops += uvs_capture_drops(&w->cap[k]);
		w->fw.stats.tx_sw_csum += uvs_capture_sw_csum(&w->cap[k]);
	}
	recheck_thresholds(&w->fw);
}

/*
 * A link's socket reports an error (the link went down): take it, or
 * poll would report it again at once. The control thread watches its
 * own socket on the link and says what happened.
 */
static void
clear_error(struct uvs_capture *c)
{
	socklen_t len = sizeof(int);
	int err;

	(void)getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
}

/* Bursts on each link with frames waiting, WORKER_BURSTS at most each. */
static void
drain_links(struct uvs_worker *w, const struct pollfd *pfd, uint32_t now)
{
	unsigned k;
	int i;

	for (k = 0; k < w->nlinks; k++) {
		if (pfd[k].revents & POLLERR)
			clear_error(&w->cap[k]);
		if (!(pfd[k].revents & POLLIN))
			continue;
		for (i = 0; i < WORKER_BURSTS; i++)
			if (uvs_pktloop_burst(&w->loop[k], now) <= 0)
				break;
	}
}

static void *
worker_main(void *arg)
{
	struct uvs_worker *w = arg;
	struct pollfd pfd[UVS_WORKERS_LINKS + 1];
	uint32_t now = uvs_clock_seconds(), t;
	unsigned k;
	uint64_t v;

	for (k = 0; k < w->nlinks; k++)
		pfd[k] = (struct pollfd){ .fd = uvs_capture_pollfd(&w->cap[k]),
		    .events = POLLIN };
	pfd[w->nlinks] = (struct pollfd){ .fd = w->wake, .events = POLLIN };
	while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE)) {
		/* an error is retried: the control thread counts on us */
		if (poll(pfd, w->nlinks + 1, WORKER_POLL_MS) < 0)
			continue;
		if (pfd[w->nlinks].revents & POLLIN)
			(void)!read(w->wake, &v, sizeof(v));
		follow_log(w);
		answer_ask(w);
		if ((t = uvs_clock_seconds()) != now)
			worker_tick(w, now = t);
		drain_links(w, pfd, now);
	}
	return NULL;
}

/*
 * IPv4 source address modulo n; everything else to worker 0. An ICMP
 * message goes by the destination of the packet it quotes instead: an
 * error about a flow comes from a router, and quotes the real server's
 * reply to the client, so this finds the worker holding the flow.
 */
static int
fanout_by_client(int fd, unsigned n)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS,
		    (uint32_t)(SKF_AD_OFF + SKF_AD_PROTOCOL)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 8),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, (uint32_t)SKF_NET_OFF + 9),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMP, 0, 3),
		/* X = the IP header's length; the quoted header follows the
		   8-byte ICMP header, its destination 16 bytes in */
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, (uint32_t)SKF_NET_OFF),
		BPF_STMT(BPF_LD | BPF_W | BPF_IND, (uint32_t)SKF_NET_OFF + 24),
		BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)SKF_NET_OFF + 12),
		BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, n),
		BPF_STMT(BPF_RET | BPF_A, 0),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { sizeof(code) / sizeof(code[0]), code };

	if (setsockopt(fd, SOL_PACKET, PACKET_FANOUT_DATA, &prog,
	    sizeof(prog)) < 0)
		return -errno;
	return 0;
}

static int
join_fanout(struct uvs_worker *w, struct uvs_capture *cap, unsigned group,
    const struct uvs_workers_conf *c)
{
	int type = c->fanout == UVS_FANOUT_CLIENT ? PACKET_FANOUT_CBPF :
	    PACKET_FANOUT_HASH;
	int arg = (int)(group & 0xffff) | type << 16;

	if (setsockopt(cap->fd, SOL_PACKET, PACKET_FANOUT, &arg,
	    sizeof(arg)) < 0)
		return -errno;
	/* the group's program: set once, by its first member */
	if (w->id == 0 && c->fanout == UVS_FANOUT_CLIENT)
		return fanout_by_client(cap->fd, c->n);
	return 0;
}

/* Worker id's slice of total split n ways: the slices add up to total. */
static uint32_t
slice(uint32_t total, unsigned n, unsigned id)
{
	return total / n + (id < total % n);
}

/*
 * Worker w's socket on link k, in fanout group group: the backend asked
 * for (xdp that cannot be had leaves the ring, its reason in w->xdp_rc;
 * a ring that cannot be had leaves the socket backend, as
 * uvs_capture_backend then says), --no-vnet, --trace.
 */
static int
link_open(struct uvs_worker *w, unsigned k, unsigned group,
    const struct uvs_workers_conf *c)
{
	struct uvs_capture *cap = &w->cap[k];
	int rc, xdp = 0;

	if ((rc = uvs_capture_open(cap, c->link[k].ifindex)) < 0)
		return rc;
	cap->trace = c->trace;
	if (c->xdp && (w->xdp_rc = uvs_capture_use(cap, "xdp", NULL)) == 0)
		xdp = 1;
	/* xdp keeps its packet socket, which --no-vnet still concerns */
	if (c->no_vnet)
		rc = uvs_capture_no_vnet(cap);
	else if (!xdp && c->ring_version >= 0)
		(void)uvs_capture_use_ring(cap, c->ring_version,
		    c->ring_block, c->ring_blocks);
	if (rc < 0 || (rc = join_fanout(w, cap, group, c)) < 0)
		return rc;
	/* the conf is the caller's: the worker keeps its own copy */
	memcpy(w->mac[k], c->link[k].mac, 6);
	w->loop[k] = (struct uvs_pktloop){ .cap = cap, .fw = &w->fw,
	    .on_arp_reply = c->on_arp_reply, .mac = k ? w->mac[k] : NULL };
	return 0;
}

/* Fanout group of link k: one per link and uvsd, never another's. */
static unsigned
link_group(unsigned k)
{
	return ((unsigned)getpid() * UVS_WORKERS_LINKS + k) & 0xffff;
}

static int
worker_open(struct uvs_worker *w, const struct uvs_workers_conf *c,
    uint32_t now, char *err, size_t errlen)
{
	uint32_t seed;
	unsigned k;
	int rc;

	w->wake = w->done = -1;
	uvs_svc_table_init(&w->fw.svcs);
	memcpy(w->fw.mac, c->link[0].mac, 6);
	memcpy(w->fw.arp_reply, c->arp_reply, sizeof(w->fw.arp_reply));
	w->fw.on_new_conn = c->on_new_conn;
	w->fw.sloppy_tcp = c->sloppy_tcp;
	if (c->vlans) {
		w->fw.vlan_list = c->vlans->vlan_list;
		memcpy(w->fw.vlan_ok, c->vlans->vlan_ok, sizeof(w->fw.vlan_ok));
	}
	/* this worker's shares, at least 1 each when there is a table */
	w->fw.frag_max = c->frag_max ? slice(c->frag_max, c->n, w->id) ?: 1 :
	    0;
	w->fw.frag_hold = c->frag_hold ? slice(c->frag_hold, c->n, w->id) ?:
	    1 : 0;
	if (w->fw.frag_max && (rc = uvs_fwd_frag_init(&w->fw, w->fw.frag_max,
	    w->fw.frag_hold, UVS_VNET_HLEN, (uint32_t)random())) < 0) {
		snprintf(err, errlen, "worker %u: fragment table: %s", w->id,
		    strerror(-rc));
		return rc;
	}
	if ((rc = uvs_seed(&seed)) < 0 ||
	    (rc = uvs_conn_init(&w->fw.conns, slice(c->conn_max, c->n, w->id)
	    ?: 1, now, seed)) < 0) {
		snprintf(err, errlen, "worker %u: connection table: %s", w->id,
		    strerror(-rc));
		return rc;
	}
	for (k = 0; k < c->nlinks; k++, w->nlinks++)
		if ((rc = link_open(w, k, link_group(k), c)) < 0) {
			snprintf(err, errlen, "worker %u: packet socket: %s",
			    w->id, strerror(-rc));
			uvs_capture_close(&w->cap[k]);
			return rc;
		}
	if ((w->wake = eventfd(0, EFD_CLOEXEC)) < 0 ||
	    (w->done = eventfd(0, EFD_CLOEXEC)) < 0) {
		rc = -errno;
		snprintf(err, errlen, "worker %u: eventfd: %s", w->id,
		    strerror(errno));
		return rc;
	}
	if (!(w->pub.conns = calloc(UVS_WORKERS_CHUNK,
	    sizeof(*w->pub.conns)))) {
		snprintf(err, errlen, "worker %u: out of memory", w->id);
		return -ENOMEM;
	}
	return 0;
}

static void
worker_free(struct uvs_worker *w)
{
	unsigned k;

	/* the trace is the caller's (workers.h): not closed with a socket */
	for (k = 0; k < w->nlinks; k++) {
		w->cap[k].trace = NULL;
		uvs_capture_close(&w->cap[k]);
	}
	w->nlinks = 0;
	uvs_conn_free(&w->fw.conns);
	uvs_frag_free(&w->fw.frags);
	uvs_svc_table_free(&w->fw.svcs);
	if (w->wake >= 0)
		close(w->wake);
	if (w->done >= 0)
		close(w->done);
	w->wake = w->done = -1;
	free(w->pub.conns);
	free(w->pub.count);
	memset(&w->pub, 0, sizeof(w->pub));
}

int
uvs_workers_start(struct uvs_workers *ws, const struct uvs_workers_conf *c,
    uint32_t now, char *err, size_t errlen)
{
	unsigned i;
	int rc;

	memset(ws, 0, sizeof(*ws));
	if (c->n == 0 || c->n > UVS_WORKERS_MAX) {
		snprintf(err, errlen, "-j: 1 to %d workers", UVS_WORKERS_MAX);
		return -EINVAL;
	}
	if (c->nlinks == 0 || c->nlinks > UVS_WORKERS_LINKS) {
		snprintf(err, errlen, "workers: 1 to %d links",
		    UVS_WORKERS_LINKS);
		return -EINVAL;
	}
	/* one XDP program per link, its queue's socket for one reader */
	if (c->xdp && (c->n > 1 || c->nlinks > 1)) {
		snprintf(err, errlen, "--backend xdp: one worker on one link");
		return -EINVAL;
	}
	ws->share_key = calloc(UVS_WSHARES, sizeof(*ws->share_key));
	ws->share_used = calloc(UVS_WSHARES, sizeof(*ws->share_used));
	ws->share_total = calloc(UVS_WSHARES, sizeof(*ws->share_total));
	if (!ws->share_key || !ws->share_used || !ws->share_total ||
	    !(ws->w = calloc(c->n, sizeof(*ws->w)))) {
		free(ws->share_key);
		free(ws->share_used);
		free(ws->share_total);
		snprintf(err, errlen, "workers: out of memory");
		return -ENOMEM;
	}
	ws->n = c->n;
	ws->oldest = ws->newest = &ws->origin;
	/* a failure part way closes only what was opened */
	for (i = 0; i < c->n; i++)
		ws->w[i].wake = ws->w[i].done = -1;
	for (i = 0; i < c->n; i++) {
		ws->w[i].id = i;
		ws->w[i].last = &ws->origin;
		if ((rc = worker_open(&ws->w[i], c, now, err, errlen)) < 0)
			goto fail;
	}
	for (i = 0; i < c->n; i++) {
		if ((rc = -pthread_create(&ws->w[i].thread, NULL, worker_main,
		    &ws->w[i])) < 0) {
			snprintf(err, errlen, "worker %u: thread: %s", i,
			    strerror(-rc));
			goto fail;
		}
		ws->w[i].started = 1;
	}
	return 0;
fail:
	uvs_workers_stop(ws);
	return rc;
}

/* Frees the whole log; the workers are stopped. */
static void
free_log(struct uvs_workers *ws)
{
	struct uvs_wlog *e, *next;

	for (e = ws->oldest; e; e = next) {
		next = e->next;
		if (e != &ws->origin)
			e->free_fn(e);
	}
	ws->oldest = ws->newest = NULL;
}

void
uvs_workers_stop(struct uvs_workers *ws)
{
	uint64_t one = 1;
	unsigned i;

	for (i = 0; i < ws->n; i++) {
		if (!ws->w[i].started)
			continue;
		__atomic_store_n(&ws->w[i].stop, 1, __ATOMIC_RELEASE);
		(void)!write(ws->w[i].wake, &one, sizeof(one));
		pthread_join(ws->w[i].thread, NULL);
	}
	for (i = 0; i < ws->n; i++)
		worker_free(&ws->w[i]);
	if (ws->oldest)
		free_log(ws);
	free(ws->share_key);
	free(ws->share_used);
	free(ws->share_total);
	ws->share_key = NULL;
	ws->share_used = NULL;
	ws->share_total = NULL;
	free(ws->w);
	ws->w = NULL;
	ws->n = 0;
}

void
uvs_workers_publish(struct uvs_workers *ws, struct uvs_wlog *e)
{
	uint64_t one = 1;
	unsigned i;

	e->gen = ++ws->gen;
	e->next = NULL;
	/* the entry is whole before a worker can reach it */
	__atomic_store_n(&ws->newest->next, e, __ATOMIC_RELEASE);
	ws->newest = e;
	for (i = 0; i < ws->n; i++)
		(void)!write(ws->w[i].wake, &one, sizeof(one));
	uvs_workers_reclaim(ws);
}

/*
 * A worker that has seen gen g holds entry g as its last and will read
 * its next pointer, so only entries older than every worker's last go.
 */
void
uvs_workers_reclaim(struct uvs_workers *ws)
{
	uint64_t min = UINT64_MAX, g;
	struct uvs_wlog *e;
	unsigned i;

	for (i = 0; i < ws->n; i++)
		if ((g = __atomic_load_n(&ws->w[i].seen, __ATOMIC_ACQUIRE)) <
		    min)
			min = g;
	while (ws->oldest != ws->newest && ws->oldest->gen < min) {
		e = ws->oldest;
		ws->oldest = e->next;
		if (e != &ws->origin)
			e->free_fn(e);
	}
}

static void
ask(struct uvs_worker *w, enum uvs_wask what, uint32_t cursor)
{
	uint64_t one = 1;

	w->ask = what;
	w->ask_cursor = cursor;
	__atomic_store_n(&w->ask_gen, w->ask_gen + 1, __ATOMIC_RELEASE);
	(void)!write(w->wake, &one, sizeof(one));
}

/* Waits, as long as it takes, for w to answer its latest ask. */
static int
wait_answer(struct uvs_worker *w)
{
	struct pollfd pfd = { .fd = w->done, .events = POLLIN };
	uint64_t v;

	while (__atomic_load_n(&w->answered, __ATOMIC_ACQUIRE) !=
	    w->ask_gen) {
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			return -errno;
		if (pfd.revents & POLLIN)
			(void)!read(w->done, &v, sizeof(v));
	}
	return 0;
}

int
uvs_workers_read_counters(struct uvs_workers *ws)
{
	unsigned i;
	int rc;

	for (i = 0; i < ws->n; i++)
		ask(&ws->w[i], UVS_WASK_COUNTERS, 0);
	for (i = 0; i < ws->n; i++)
		if ((rc = wait_answer(&ws->w[i])) < 0)
			return rc;
	return 0;
}

int
uvs_workers_read_conns(struct uvs_workers *ws, unsigned i, uint32_t cursor)
{
	if (i >= ws->n)
		return -EINVAL;
	ask(&ws->w[i], UVS_WASK_CONNS, cursor);
	return wait_answer(&ws->w[i]);
}

uint32_t *
uvs_workers_share(struct uvs_workers *ws, const struct uvs_wshare_key *k,
    int add)
{
	uint32_t h = (uvs_inaddr_fold(k->af, &k->vip) * 2654435761u) ^
	    (uvs_inaddr_fold(k->af, &k->rip) * 40503u) ^
	    ((uint32_t)k->vport << 16 | k->rport) ^ k->proto;
	unsigned i, n;

	if (!ws->share_key)
		return NULL;
	for (n = 0, i = h & (UVS_WSHARES - 1); n < UVS_WSHARES;
	    n++, i = (i + 1) & (UVS_WSHARES - 1)) {
		if (!__atomic_load_n(&ws->share_used[i], __ATOMIC_ACQUIRE)) {
			if (!add)
				return NULL;
			ws->share_key[i] = *k;
			__atomic_store_n(&ws->share_used[i], 1,
			    __ATOMIC_RELEASE);
			return &ws->share_total[i];
		}
		if (memcmp(&ws->share_key[i], k, sizeof(*k)) == 0)
			return &ws->share_total[i];
	}
	return NULL;
}

int
uvs_workers_set_filter(struct uvs_workers *ws, int families)
{
	struct sock_fprog prog;
	unsigned i, k;
	int rc = 0;

	/* the XDP program passes IPv6 to the kernel: none would reach us */
	for (k = 0; (families & UVS_FILTER_V6) && ws->n &&
	    k < ws->w[0].nlinks; k++)
		if (ws->w[0].cap[k].ops == &uvs_capture_xdp_ops)
			return -EAFNOSUPPORT;
	/* every worker has the same links: worker 0's say which MACs */
	for (k = 0; ws->n && k < ws->w[0].nlinks && rc == 0; k++) {
		if (uvs_filter_build(families, ws->w[0].mac[k], &prog) < 0)
			return -ENOMEM;
		for (i = 0; i < ws->n && rc == 0; i++)
			rc = uvs_capture_set_filter(&ws->w[i].cap[k], &prog);
		free(prog.filter);
	}
	return rc;
}

int
uvs_workers_set_vips(struct uvs_workers *ws, const uint32_t *vip, size_t n)
{
	unsigned i, k;
	int rc;

	for (i = 0; i < ws->n; i++)
		for (k = 0; k < ws->w[i].nlinks; k++)
			if ((rc = uvs_capture_set_vips(&ws->w[i].cap[k], vip,
			    n)) < 0)
				return rc;
	return 0;
}

uint64_t
uvs_workers_diverged(const struct uvs_workers *ws, unsigned *worker,
    uint64_t *gen)
{
	uint64_t sum = 0, f, g, latest = 0;
	unsigned i;

	for (i = 0; i < ws->n; i++) {
		if (!(f = __atomic_load_n(&ws->w[i].failed, __ATOMIC_ACQUIRE)))
			continue;
		sum += f;
		g = __atomic_load_n(&ws->w[i].failed_gen, __ATOMIC_RELAXED);
		if (g >= latest) {
			latest = g;
			*worker = i;
			*gen = g;
		}
	}
	return sum;
}
