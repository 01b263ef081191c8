/*
 * Worker threads. Each runs the same loop as the single-threaded uvsd:
 * poll its ring, drain bursts through pktloop, expire its flows once a
 * second. A call from the control thread arrives through an eventfd;
 * the worker runs it at the top of its loop, so never in the middle of a
 * burst, and answers on its own eventfd. Calls go to one worker at a
 * time, so a call may write into memory the caller owns (a FILE, a sum)
 * without a lock.
 *
 * Fanout by client address is a classic BPF program run by the kernel on
 * each frame: IPv4 source address modulo N (ARP goes to worker 0).
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fwd/data/clock.h"
#include "fwd/data/seed.h"
#include "fwd/data/workers.h"

#define WORKER_BURSTS	8	/* bursts between two looks at the mailbox */
#define CALL_TIMEOUT_MS	1000

static void
run_call(struct uvs_worker *w)
{
	uint64_t v = 1;
	uvs_worker_fn fn;

	if (read(w->wake, &v, sizeof(v)) != sizeof(v))
		return;
	fn = __atomic_load_n(&w->fn, __ATOMIC_ACQUIRE);
	if (fn)
		fn(&w->fw, w->arg);
	__atomic_store_n(&w->fn, NULL, __ATOMIC_RELEASE);
	v = 1;
	(void)!write(w->done, &v, sizeof(v));
}

static void *
worker_main(void *arg)
{
	struct uvs_worker *w = arg;
	struct pollfd pfd[2] = {
		{ .fd = w->cap.fd, .events = POLLIN },
		{ .fd = w->wake, .events = POLLIN },
	};
	uint32_t now = uvs_clock_seconds(), t;
	int i;

	while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE)) {
		if (poll(pfd, 2, 250) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN)
			run_call(w);
		if ((t = uvs_clock_seconds()) != now) {
			now = t;
			uvs_conn_expire(&w->fw.conns, now);
			w->fw.stats.rx_kernel_drops += uvs_capture_drops(&w->cap);
		}
		if (!(pfd[0].revents & POLLIN))
			continue;
		for (i = 0; i < WORKER_BURSTS; i++)
			if (uvs_pktloop_burst(&w->loop, now) <= 0)
				break;
	}
	return NULL;
}

/* IPv4 source address modulo n; everything else to worker 0. */
static int
fanout_by_client(int fd, unsigned n)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS,
		    (uint32_t)(SKF_AD_OFF + SKF_AD_PROTOCOL)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 3),
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
join_fanout(struct uvs_worker *w, unsigned group, const
    struct uvs_workers_conf *c)
{
	int type = c->fanout == UVS_FANOUT_CLIENT ? PACKET_FANOUT_CBPF :
	    PACKET_FANOUT_HASH;
	int arg = (int)(group & 0xffff) | type << 16;

	if (setsockopt(w->cap.fd, SOL_PACKET, PACKET_FANOUT, &arg,
	    sizeof(arg)) < 0)
		return -errno;
	/* the group's program: set once, by its first member */
	if (w->id == 0 && c->fanout == UVS_FANOUT_CLIENT)
		return fanout_by_client(w->cap.fd, c->n);
	return 0;
}

static int
worker_open(struct uvs_worker *w, unsigned group,
    const struct uvs_workers_conf *c, uint32_t now, char *err, size_t errlen)
{
	uint32_t seed;
	int rc;

	w->cap.fd = -1;
	w->wake = w->done = -1;
	uvs_svc_table_init(&w->fw.svcs);
	memcpy(w->fw.mac, c->mac, 6);
	memcpy(w->fw.arp_reply, c->arp_reply, sizeof(w->fw.arp_reply));
	w->fw.on_new_conn = c->on_new_conn;
	w->fw.sloppy_tcp = c->sloppy_tcp;
	/* the slices add up to conn_max */
	if ((rc = uvs_seed(&seed)) < 0 ||
	    (rc = uvs_conn_init(&w->fw.conns, c->conn_max / c->n +
	    (w->id < c->conn_max % c->n), now, seed)) < 0) {
		snprintf(err, errlen, "worker %u: connection table: %s", w->id,
		    strerror(-rc));
		return rc;
	}
	if ((rc = uvs_capture_open(&w->cap, c->ifindex)) < 0 ||
	    (rc = uvs_capture_use_ring(&w->cap, c->ring_version,
	    c->ring_block, c->ring_blocks)) < 0 ||
	    (rc = join_fanout(w, group, c)) < 0) {
		snprintf(err, errlen, "worker %u: packet socket: %s", w->id,
		    strerror(-rc));
		return rc;
	}
	if ((w->wake = eventfd(0, EFD_CLOEXEC)) < 0 ||
	    (w->done = eventfd(0, EFD_CLOEXEC)) < 0) {
		rc = -errno;
		snprintf(err, errlen, "worker %u: eventfd: %s", w->id,
		    strerror(errno));
		return rc;
	}
	w->loop = (struct uvs_pktloop){ .cap = &w->cap, .fw = &w->fw,
	    .on_arp_reply = c->on_arp_reply };
	return 0;
}

static void
worker_free(struct uvs_worker *w)
{
	uvs_capture_close(&w->cap);
	uvs_conn_free(&w->fw.conns);
	uvs_svc_table_free(&w->fw.svcs);
	if (w->wake >= 0)
		close(w->wake);
	if (w->done >= 0)
		close(w->done);
	w->wake = w->done = -1;
}

int
uvs_workers_start(struct uvs_workers *ws, const struct uvs_workers_conf *c,
    uint32_t now, char *err, size_t errlen)
{
	/* one group per uvsd: two on one link must not share frames */
	unsigned i, group = (unsigned)getpid() & 0xffff;
	int rc;

	memset(ws, 0, sizeof(*ws));
	if (c->n == 0 || c->n > UVS_WORKERS_MAX) {
		snprintf(err, errlen, "-j: 1 to %d workers", UVS_WORKERS_MAX);
		return -EINVAL;
	}
	if (!(ws->w = calloc(c->n, sizeof(*ws->w)))) {
		snprintf(err, errlen, "workers: out of memory");
		return -ENOMEM;
	}
	ws->n = c->n;
	for (i = 0; i < c->n; i++) {
		ws->w[i].id = i;
		if ((rc = worker_open(&ws->w[i], group, c, now, err,
		    errlen)) < 0)
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
	free(ws->w);
	ws->w = NULL;
	ws->n = 0;
}

int
uvs_workers_call(struct uvs_workers *ws, uvs_worker_fn fn, void *arg)
{
	uint64_t v = 1;
	unsigned i;
	int rc = 0;

	for (i = 0; i < ws->n; i++) {
		struct uvs_worker *w = &ws->w[i];
		struct pollfd pfd = { .fd = w->done, .events = POLLIN };

		/* a call that timed out before still owns the mailbox */
		if (__atomic_load_n(&w->fn, __ATOMIC_ACQUIRE)) {
			rc = -ETIMEDOUT;
			continue;
		}
		w->arg = arg;
		__atomic_store_n(&w->fn, fn, __ATOMIC_RELEASE);
		v = 1;
		if (write(w->wake, &v, sizeof(v)) != sizeof(v))
			return -errno;
		if (poll(&pfd, 1, CALL_TIMEOUT_MS) <= 0) {
			rc = -ETIMEDOUT;
			continue;
		}
		(void)!read(w->done, &v, sizeof(v));
	}
	return rc;
}

int
uvs_workers_set_filter(struct uvs_workers *ws, const struct sock_fprog *prog)
{
	unsigned i;
	int rc;

	for (i = 0; i < ws->n; i++)
		if ((rc = uvs_capture_set_filter(&ws->w[i].cap, prog)) < 0)
			return rc;
	return 0;
}
