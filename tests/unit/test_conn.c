/*
 * Unit tests for the connection table (sched/conn.c) and IPVS's
 * INPUT-ONLY TCP state machine (sched/tcp_state.c). The table's clock is
 * whatever the test says it is: expiry is driven by calling
 * uvs_conn_expire(t, now) with chosen seconds, so every timeout is
 * checked to the second ("gone at T, present at T - 1").
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "sched/conn.h"

#define VIP	0xc612000au	/* 198.18.0.10 */
#define CLIENT	0xc6120064u	/* 198.18.0.100 */
#define T0	100000u		/* an arbitrary start of the clock */

/* IPVS defaults, spelled out here rather than read from the code. */
#define TO_NONE		2
#define TO_ESTABLISHED	900
#define TO_SYN_RECV	60
#define TO_FIN_WAIT	120
#define TO_CLOSE	10
#define TO_UDP		300

struct env {
	struct uvs_svc		 svc;
	struct uvs_dest		 d[3];
	struct uvs_conn_table	 t;
};

static void
env_init(struct env *e, uint32_t capacity, uint32_t now)
{
	unsigned i;

	memset(e, 0, sizeof(*e));
	e->svc.proto = IPPROTO_TCP;
	e->svc.addr = uvs_inaddr4(htonl(VIP));
	e->svc.port = htons(80);
	for (i = 0; i < 3; i++) {
		e->d[i].addr = uvs_inaddr4(htonl(VIP + 1 + i));
		e->d[i].port = htons(80);
		e->d[i].weight = 1;
		e->d[i].svc = &e->svc;
	}
	assert_int_equal(uvs_conn_init(&e->t, capacity, now, 0x5eed), 0);
}

static void
env_free(struct env *e)
{
	uvs_conn_free(&e->t);
}

static struct uvs_flow
flow(uint8_t proto, uint32_t caddr, uint16_t cport, uint16_t vport)
{
	struct uvs_flow f;

	memset(&f, 0, sizeof(f));
	f.proto = proto;
	f.af = AF_INET;
	f.caddr = uvs_inaddr4(htonl(caddr));
	f.cport = htons(cport);
	f.vaddr = uvs_inaddr4(htonl(VIP));
	f.vport = htons(vport);
	return f;
}

static struct uvs_flow
tcp(uint16_t cport)
{
	return flow(IPPROTO_TCP, CLIENT, cport, 80);
}

static void
assert_counts(const struct uvs_dest *d, uint32_t active, uint32_t inactive)
{
	assert_int_equal(d->activeconns, active);
	assert_int_equal(d->inactconns, inactive);
}

/* Inserts a TCP flow and takes it to ESTABLISHED (SYN, then ACK). */
static struct uvs_conn *
established(struct env *e, uint16_t cport, struct uvs_dest *d, uint32_t now)
{
	struct uvs_flow f = tcp(cport);
	struct uvs_conn *c = uvs_conn_insert(&e->t, &f, d, now);

	assert_non_null(c);
	uvs_conn_update(&e->t, c, TH_SYN, now);
	uvs_conn_update(&e->t, c, TH_ACK, now);
	assert_int_equal(c->state, UVS_TCP_ESTABLISHED);
	return c;
}

static int
present(const struct env *e, uint16_t cport)
{
	struct uvs_flow f = tcp(cport);

	return uvs_conn_lookup(&e->t, &f) != NULL;
}

/* ------------------------------------------------------------ basics */

static void
test_init_args(void **state)
{
	struct uvs_conn_table t;

	(void)state;
	assert_int_equal(uvs_conn_init(&t, 0, 0, 0), -EINVAL);
	assert_int_equal(uvs_conn_init(&t, (1u << 30) + 1, 0, 0), -EINVAL);
	assert_int_equal(uvs_conn_init(&t, 3, 7, 0), 0);
	assert_int_equal(t.capacity, 3);
	assert_int_equal(t.count, 0);
	assert_int_equal(t.clock, 7);
	/* two buckets or more per entry, a power of two */
	assert_int_equal(t.nbuckets, 8);
	/* --set defaults: tcp 900, tcpfin 120, udp 300 */
	assert_int_equal(t.timeouts.t[UVS_TCP_ESTABLISHED], TO_ESTABLISHED);
	assert_int_equal(t.timeouts.t[UVS_TCP_FIN_WAIT], TO_FIN_WAIT);
	assert_int_equal(t.timeouts.t[UVS_UDP_NORMAL], TO_UDP);
	assert_int_equal(t.timeouts.t[UVS_TCP_SYN_RECV], TO_SYN_RECV);
	assert_int_equal(t.timeouts.t[UVS_TCP_CLOSE], TO_CLOSE);
	assert_int_equal(t.timeouts.t[UVS_TCP_NONE], TO_NONE);
	uvs_conn_free(&t);
}

/* A hit needs all five fields; differing in one alone is a miss. */
static void
test_insert_lookup(void **state)
{
	struct env e;
	struct uvs_flow f = tcp(40000), g;
	struct uvs_conn *c;

	(void)state;
	env_init(&e, 4, T0);
	assert_null(uvs_conn_lookup(&e.t, &f));
	c = uvs_conn_insert(&e.t, &f, &e.d[0], T0);
	assert_non_null(c);
	assert_int_equal(e.t.count, 1);
	assert_ptr_equal(uvs_conn_lookup(&e.t, &f), c);
	assert_int_equal(c->caddr, f.caddr.ip);
	assert_int_equal(c->cport, f.cport);
	assert_int_equal(c->vaddr, f.vaddr.ip);
	assert_int_equal(c->vport, f.vport);
	assert_int_equal(c->proto, IPPROTO_TCP);
	assert_int_equal(c->state, UVS_TCP_NONE);
	assert_ptr_equal(c->dest, &e.d[0]);
	assert_int_equal(c->expires, T0 + TO_NONE);
	assert_true(uvs_conn_live(&e.t, uvs_conn_index(&e.t, c)));
	assert_string_equal(uvs_conn_state_name(c->proto, c->state), "NONE");

	g = tcp(40001);					/* port only */
	assert_null(uvs_conn_lookup(&e.t, &g));
	g = flow(IPPROTO_UDP, CLIENT, 40000, 80);	/* proto only */
	assert_null(uvs_conn_lookup(&e.t, &g));
	g = flow(IPPROTO_TCP, CLIENT + 1, 40000, 80);	/* client addr */
	assert_null(uvs_conn_lookup(&e.t, &g));
	g = flow(IPPROTO_TCP, CLIENT, 40000, 443);	/* VIP port */
	assert_null(uvs_conn_lookup(&e.t, &g));
	g = tcp(40000);
	g.vaddr = uvs_inaddr4(htonl(VIP + 100));	/* VIP addr */
	assert_null(uvs_conn_lookup(&e.t, &g));

	/* the UDP twin is a flow of its own */
	g = flow(IPPROTO_UDP, CLIENT, 40000, 80);
	c = uvs_conn_insert(&e.t, &g, &e.d[1], T0);
	assert_non_null(c);
	assert_ptr_equal(uvs_conn_lookup(&e.t, &g), c);
	assert_ptr_not_equal(uvs_conn_lookup(&e.t, &f), c);
	assert_int_equal(uvs_conn_lookup(&e.t, &f)->proto, IPPROTO_TCP);
	assert_int_equal(e.t.count, 2);
	env_free(&e);
}

/* IPVS binds a new connection inactive (ip_vs_bind_dest). */
static void
test_new_conn_inactive(void **state)
{
	struct env e;
	struct uvs_flow f = tcp(40000);
	struct uvs_conn *c;

	(void)state;
	env_init(&e, 4, T0);
	c = uvs_conn_insert(&e.t, &f, &e.d[0], T0);
	assert_non_null(c);
	assert_counts(&e.d[0], 0, 1);
	assert_counts(&e.d[1], 0, 0);
	assert_true(c->flags & UVS_CONN_F_INACTIVE);
	assert_int_equal(e.d[0].conns, 1);
	assert_int_equal(e.svc.conns, 1);
	env_free(&e);
}

/*
 * A client's life seen from the director: SYN -> SYN_RECV (active),
 * ACK -> ESTABLISHED (active), FIN -> FIN_WAIT (inactive), ACK after FIN
 * stays FIN_WAIT, RST -> CLOSE. Each packet re-arms the state's timeout.
 */
static void
test_tcp_lifecycle(void **state)
{
	struct env e;
	struct uvs_flow f = tcp(40000);
	struct uvs_conn *c;

	(void)state;
	env_init(&e, 4, T0);
	c = uvs_conn_insert(&e.t, &f, &e.d[0], T0);

	uvs_conn_update(&e.t, c, TH_SYN, T0);
	assert_int_equal(c->state, UVS_TCP_SYN_RECV);
	assert_counts(&e.d[0], 1, 0);
	assert_false(c->flags & UVS_CONN_F_INACTIVE);
	assert_int_equal(c->expires, T0 + TO_SYN_RECV);
	assert_string_equal(uvs_conn_state_name(c->proto, c->state),
	    "SYN_RECV");

	uvs_conn_update(&e.t, c, TH_ACK, T0 + 1);
	assert_int_equal(c->state, UVS_TCP_ESTABLISHED);
	assert_counts(&e.d[0], 1, 0);
	assert_int_equal(c->expires, T0 + 1 + TO_ESTABLISHED);

	uvs_conn_update(&e.t, c, TH_ACK | TH_PUSH, T0 + 2);
	assert_int_equal(c->state, UVS_TCP_ESTABLISHED);
	assert_int_equal(c->expires, T0 + 2 + TO_ESTABLISHED);

	uvs_conn_update(&e.t, c, TH_FIN | TH_ACK, T0 + 3);
	assert_int_equal(c->state, UVS_TCP_FIN_WAIT);
	assert_counts(&e.d[0], 0, 1);
	assert_true(c->flags & UVS_CONN_F_INACTIVE);
	assert_int_equal(c->expires, T0 + 3 + TO_FIN_WAIT);

	uvs_conn_update(&e.t, c, TH_ACK, T0 + 4);
	assert_int_equal(c->state, UVS_TCP_FIN_WAIT);
	assert_counts(&e.d[0], 0, 1);
	assert_int_equal(c->expires, T0 + 4 + TO_FIN_WAIT);

	uvs_conn_update(&e.t, c, TH_RST, T0 + 5);
	assert_int_equal(c->state, UVS_TCP_CLOSE);
	assert_counts(&e.d[0], 0, 1);
	assert_int_equal(c->expires, T0 + 5 + TO_CLOSE);

	/* a new SYN on the same 4-tuple revives it: active again */
	uvs_conn_update(&e.t, c, TH_SYN, T0 + 6);
	assert_int_equal(c->state, UVS_TCP_SYN_RECV);
	assert_counts(&e.d[0], 1, 0);
	assert_int_equal(e.t.count, 1);
	env_free(&e);
}

/* RST straight from ESTABLISHED: active -> inactive in one step. */
static void
test_tcp_rst_from_established(void **state)
{
	struct env e;
	struct uvs_conn *c;

	(void)state;
	env_init(&e, 4, T0);
	c = established(&e, 40000, &e.d[2], T0);
	assert_counts(&e.d[2], 1, 0);
	uvs_conn_update(&e.t, c, TH_RST | TH_ACK, T0);
	assert_int_equal(c->state, UVS_TCP_CLOSE);
	assert_counts(&e.d[2], 0, 1);
	env_free(&e);
}

/*
 * The INPUT-ONLY table, copied from IPVS-REFERENCE.md 1.7 as text and
 * checked cell by cell (4 flag rows x 11 states).
 */
static const char *const ref_rows[4] = {
	/*     sNO sES sSS sSR sFW sTW sCL sCW sLA sLI sSA */
	"syn: sSR sES sES sSR sSR sSR sSR sSR sSR sSR sSR",
	"fin: sCL sFW sSS sTW sFW sTW sCL sCW sLA sLI sTW",
	"ack: sES sES sSS sES sFW sTW sCL sCW sCL sLI sES",
	"rst: sCL sCL sCL sSR sCL sCL sCL sCL sLA sLI sCL",
};

static int
ref_state(const char *abbr)
{
	static const char *const names[UVS_TCP_NSTATES] = {
		"sNO", "sES", "sSS", "sSR", "sFW", "sTW", "sCL", "sCW",
		"sLA", "sLI", "sSA",
	};
	int i;

	for (i = 0; i < UVS_TCP_NSTATES; i++)
		if (strncmp(abbr, names[i], 3) == 0)
			return i;
	fail_msg("bad state '%.3s'", abbr);
	return -1;
}

/* Expected next state from the reference text; row 0..3 = syn fin ack rst */
static uint8_t
ref_next(int row, int s)
{
	return (uint8_t)ref_state(ref_rows[row] + 5 + 4 * s);
}

/* Flag bytes whose tcp_state_idx is each row (RST > SYN > FIN > ACK). */
static const uint8_t row_flags[4] = { TH_SYN, TH_FIN, TH_ACK, TH_RST };

static void
test_tcp_input_only_table(void **state)
{
	int row, s;

	(void)state;
	/* first, that the transcription is what the reference says */
	assert_int_equal(ref_next(1, UVS_TCP_ESTABLISHED), UVS_TCP_FIN_WAIT);
	assert_int_equal(ref_next(3, UVS_TCP_SYN_RECV), UVS_TCP_SYN_RECV);
	assert_int_equal(ref_next(2, UVS_TCP_NONE), UVS_TCP_ESTABLISHED);
	for (row = 0; row < 4; row++) {
		for (s = 0; s < UVS_TCP_NSTATES; s++) {
			uint8_t want = ref_next(row, s);
			uint8_t got = uvs_tcp_next_state((uint8_t)s,
			    row_flags[row]);

			if (got != want)
				fail_msg("row %.3s state %s: got %s want %s",
				    ref_rows[row],
				    uvs_conn_state_name(IPPROTO_TCP, s),
				    uvs_conn_state_name(IPPROTO_TCP, got),
				    uvs_conn_state_name(IPPROTO_TCP, want));
		}
	}
}

/* Several flags at once: the row is chosen by RST > SYN > FIN > ACK. */
static void
test_tcp_flag_priority(void **state)
{
	int s;

	(void)state;
	for (s = 0; s < UVS_TCP_NSTATES; s++) {
		uint8_t u = (uint8_t)s;

		assert_int_equal(uvs_tcp_next_state(u, TH_RST | TH_SYN),
		    ref_next(3, s));
		assert_int_equal(uvs_tcp_next_state(u,
		    TH_RST | TH_FIN | TH_ACK), ref_next(3, s));
		assert_int_equal(uvs_tcp_next_state(u, TH_SYN | TH_FIN),
		    ref_next(0, s));
		assert_int_equal(uvs_tcp_next_state(u, TH_SYN | TH_ACK),
		    ref_next(0, s));
		assert_int_equal(uvs_tcp_next_state(u, TH_FIN | TH_ACK),
		    ref_next(1, s));
		assert_int_equal(uvs_tcp_next_state(u,
		    TH_ACK | TH_PUSH | TH_URG), ref_next(2, s));
		/* no SYN/FIN/ACK/RST: no row, the state stays */
		assert_int_equal(uvs_tcp_next_state(u, 0), s);
		assert_int_equal(uvs_tcp_next_state(u, TH_PUSH | TH_URG), s);
	}
	/* a state out of range is left alone rather than read past */
	assert_int_equal(uvs_tcp_next_state(UVS_TCP_NSTATES, TH_SYN),
	    UVS_TCP_NSTATES);
	assert_int_equal(uvs_tcp_next_state(200, TH_ACK), 200);
}

/* tcp_state_active_table: ESTABLISHED, SYN_SENT, SYN_RECV, SYNACK. */
static void
test_tcp_active_states(void **state)
{
	int s, n = 0;

	(void)state;
	for (s = 0; s < UVS_TCP_NSTATES; s++) {
		int want = s == UVS_TCP_ESTABLISHED || s == UVS_TCP_SYN_SENT ||
		    s == UVS_TCP_SYN_RECV || s == UVS_TCP_SYNACK;

		assert_int_equal(!!uvs_tcp_state_active((uint8_t)s), want);
		n += want;
	}
	assert_int_equal(n, 4);
	assert_false(uvs_tcp_state_active(UVS_UDP_NORMAL));
}

/* UDP: one state, always inactive, each packet re-arms 300 s. */
static void
test_udp_stays_inactive(void **state)
{
	struct env e;
	struct uvs_flow f = flow(IPPROTO_UDP, CLIENT, 5353, 53);
	struct uvs_conn *c;

	(void)state;
	env_init(&e, 4, T0);
	c = uvs_conn_insert(&e.t, &f, &e.d[1], T0);
	assert_non_null(c);
	assert_int_equal(c->state, UVS_UDP_NORMAL);
	assert_string_equal(uvs_conn_state_name(c->proto, c->state), "UDP");
	assert_int_equal(c->expires, T0 + TO_UDP);
	assert_counts(&e.d[1], 0, 1);
	/* flag bytes mean nothing to UDP, even if they look like SYN */
	uvs_conn_update(&e.t, c, TH_SYN, T0 + 10);
	uvs_conn_update(&e.t, c, TH_ACK, T0 + 20);
	assert_int_equal(c->state, UVS_UDP_NORMAL);
	assert_counts(&e.d[1], 0, 1);
	assert_int_equal(c->expires, T0 + 20 + TO_UDP);
	assert_int_equal(uvs_conn_expire(&e.t, T0 + 20 + TO_UDP - 1), 0);
	assert_non_null(uvs_conn_lookup(&e.t, &f));
	assert_int_equal(uvs_conn_expire(&e.t, T0 + 20 + TO_UDP), 1);
	assert_null(uvs_conn_lookup(&e.t, &f));
	assert_counts(&e.d[1], 0, 0);
	env_free(&e);
}

/* ------------------------------------------------------------ expiry */

/* SYN_RECV lives 60 s: there at T0+59, gone at T0+60 (stepping by 1 s). */
static void
test_expire_syn_recv(void **state)
{
	struct env e;
	struct uvs_flow f = tcp(40000);
	struct uvs_conn *c;
	uint32_t now;

	(void)state;
	env_init(&e, 8, T0);
	c = uvs_conn_insert(&e.t, &f, &e.d[0], T0);
	uvs_conn_update(&e.t, c, TH_SYN, T0);
	for (now = T0 + 1; now < T0 + TO_SYN_RECV; now++) {
		assert_int_equal(uvs_conn_expire(&e.t, now), 0);
		assert_ptr_equal(uvs_conn_lookup(&e.t, &f), c);
	}
	assert_int_equal(uvs_conn_expire(&e.t, T0 + TO_SYN_RECV), 1);
	assert_null(uvs_conn_lookup(&e.t, &f));
	assert_int_equal(e.t.count, 0);
	assert_counts(&e.d[0], 0, 0);
	env_free(&e);
}

/* The same, reached in one call: a jump of the clock loses nothing. */
static void
test_expire_syn_recv_jump(void **state)
{
	struct env e;
	struct uvs_flow f = tcp(40000);
	struct uvs_conn *c;

	(void)state;
	env_init(&e, 8, T0);
	c = uvs_conn_insert(&e.t, &f, &e.d[0], T0);
	uvs_conn_update(&e.t, c, TH_SYN, T0);
	assert_int_equal(uvs_conn_expire(&e.t, T0 + TO_SYN_RECV - 1), 0);
	assert_non_null(uvs_conn_lookup(&e.t, &f));
	assert_int_equal(uvs_conn_expire(&e.t, T0 + TO_SYN_RECV - 1), 0);
	assert_int_equal(uvs_conn_expire(&e.t, T0 + 10000), 1);
	assert_null(uvs_conn_lookup(&e.t, &f));
	assert_counts(&e.d[0], 0, 0);
	env_free(&e);
}

/* A new flow that never gets a flag lives 2 s (NONE). */
static void
test_expire_none(void **state)
{
	struct env e;

	(void)state;
	env_init(&e, 8, T0);
	assert_non_null(uvs_conn_insert(&e.t, &(struct uvs_flow){
	    .proto = IPPROTO_TCP, .af = AF_INET, .caddr = uvs_inaddr4(1),
	    .cport = 2, .vaddr = uvs_inaddr4(3), .vport = 4 }, &e.d[0], T0));
	assert_int_equal(uvs_conn_expire(&e.t, T0 + 1), 0);
	assert_int_equal(e.t.count, 1);
	assert_int_equal(uvs_conn_expire(&e.t, T0 + 2), 1);
	assert_int_equal(e.t.count, 0);
	assert_counts(&e.d[0], 0, 0);
	env_free(&e);
}

/*
 * ESTABLISHED refreshed every 100 s for 3000 s (well past 900 s) stays;
 * once the packets stop it goes exactly 900 s after the last one.
 */
static void
test_expire_established_refreshed(void **state)
{
	struct env e;
	struct uvs_conn *c;
	uint32_t now, last = T0;

	(void)state;
	env_init(&e, 8, T0);
	c = established(&e, 40000, &e.d[0], T0);
	for (now = T0 + 1; now <= T0 + 3000; now++) {
		assert_int_equal(uvs_conn_expire(&e.t, now), 0);
		if ((now - T0) % 100 == 0) {
			assert_true(present(&e, 40000));
			uvs_conn_update(&e.t, c, TH_ACK, now);
			last = now;
		}
	}
	assert_int_equal(last, T0 + 3000);
	assert_int_equal(c->expires, last + TO_ESTABLISHED);
	assert_int_equal(uvs_conn_expire(&e.t, last + TO_ESTABLISHED - 1), 0);
	assert_true(present(&e, 40000));
	assert_counts(&e.d[0], 1, 0);
	assert_int_equal(uvs_conn_expire(&e.t, last + TO_ESTABLISHED), 1);
	assert_false(present(&e, 40000));
	assert_counts(&e.d[0], 0, 0);
	env_free(&e);
}

/*
 * ESTABLISHED (900 s) then RST at T0+100: CLOSE, 10 s -> gone at T0+110,
 * not at T0+900. The same for FIN: FIN_WAIT, 120 s from the FIN.
 */
static void
test_expire_shortened_by_rst_and_fin(void **state)
{
	struct env e;
	struct uvs_conn *c;

	(void)state;
	env_init(&e, 8, T0);
	c = established(&e, 40000, &e.d[0], T0);
	assert_int_equal(uvs_conn_expire(&e.t, T0 + 100), 0);
	uvs_conn_update(&e.t, c, TH_RST, T0 + 100);
	assert_int_equal(c->state, UVS_TCP_CLOSE);
	c = established(&e, 40001, &e.d[1], T0 + 100);
	uvs_conn_update(&e.t, c, TH_FIN | TH_ACK, T0 + 100);
	assert_int_equal(c->state, UVS_TCP_FIN_WAIT);
	assert_counts(&e.d[0], 0, 1);
	assert_counts(&e.d[1], 0, 1);

	assert_int_equal(uvs_conn_expire(&e.t, T0 + 100 + TO_CLOSE - 1), 0);
	assert_true(present(&e, 40000));
	assert_int_equal(uvs_conn_expire(&e.t, T0 + 100 + TO_CLOSE), 1);
	assert_false(present(&e, 40000));
	assert_true(present(&e, 40001));
	assert_counts(&e.d[0], 0, 0);

	assert_int_equal(uvs_conn_expire(&e.t,
	    T0 + 100 + TO_FIN_WAIT - 1), 0);
	assert_true(present(&e, 40001));
	assert_int_equal(uvs_conn_expire(&e.t, T0 + 100 + TO_FIN_WAIT), 1);
	assert_false(present(&e, 40001));
	assert_counts(&e.d[1], 0, 0);
	assert_int_equal(e.t.count, 0);
	env_free(&e);
}

/*
 * Expiries past the 4096-slot wheel: ESTABLISHED set to 10000 s and to
 * 20000 s (several turns of the wheel). Checked both by stepping the
 * clock in uneven strides and in single jumps, from a start that is
 * not a multiple of the wheel size.
 */
static void
test_expire_beyond_wheel(void **state)
{
	static const uint32_t tos[] = { 4095, 4096, 4097, 10000, 20000 };
	const uint32_t t0 = 123457;
	unsigned k;

	(void)state;
	for (k = 0; k < sizeof(tos) / sizeof(tos[0]); k++) {
		struct env e;
		uint32_t to = tos[k], now;

		env_init(&e, 8, t0);
		e.t.timeouts.t[UVS_TCP_ESTABLISHED] = to;
		established(&e, 1, &e.d[0], t0);	/* stepped */
		established(&e, 2, &e.d[1], t0);	/* jumped */
		for (now = t0 + 7; now < t0 + to; now += 7)
			assert_int_equal(uvs_conn_expire(&e.t, now), 0);
		assert_int_equal(uvs_conn_expire(&e.t, t0 + to - 1), 0);
		assert_true(present(&e, 1));
		assert_true(present(&e, 2));
		assert_int_equal(uvs_conn_expire(&e.t, t0 + to), 2);
		assert_false(present(&e, 1));
		assert_false(present(&e, 2));
		env_free(&e);

		env_init(&e, 8, t0);
		e.t.timeouts.t[UVS_TCP_ESTABLISHED] = to;
		established(&e, 2, &e.d[1], t0);
		assert_int_equal(uvs_conn_expire(&e.t, t0 + to - 1), 0);
		assert_true(present(&e, 2));
		assert_int_equal(uvs_conn_expire(&e.t, t0 + to), 1);
		assert_false(present(&e, 2));
		assert_counts(&e.d[1], 0, 0);
		env_free(&e);
	}
}

/* A long flow shortened by RST after a wheel turn still goes 10 s later. */
static void
test_expire_beyond_wheel_then_rst(void **state)
{
	struct env e;
	struct uvs_conn *c;
	const uint32_t rst_at = T0 + 5000;

	(void)state;
	env_init(&e, 8, T0);
	e.t.timeouts.t[UVS_TCP_ESTABLISHED] = 10000;
	c = established(&e, 1, &e.d[0], T0);
	assert_int_equal(uvs_conn_expire(&e.t, rst_at), 0);
	uvs_conn_update(&e.t, c, TH_RST, rst_at);
	assert_int_equal(uvs_conn_expire(&e.t, rst_at + TO_CLOSE - 1), 0);
	assert_true(present(&e, 1));
	assert_int_equal(uvs_conn_expire(&e.t, rst_at + TO_CLOSE), 1);
	assert_false(present(&e, 1));
	assert_int_equal(uvs_conn_expire(&e.t, T0 + 20000), 0);
	env_free(&e);
}

/* Mixed states on three dests: after all expire, every counter is 0. */
static void
test_expire_counters_back_to_zero(void **state)
{
	struct env e;
	struct uvs_conn *c;
	uint16_t p;

	(void)state;
	env_init(&e, 64, T0);
	for (p = 1; p <= 30; p++) {
		struct uvs_flow f = tcp(p);

		c = uvs_conn_insert(&e.t, &f, &e.d[p % 3], T0 + p);
		assert_non_null(c);
		if (p % 5 >= 1)
			uvs_conn_update(&e.t, c, TH_SYN, T0 + p);
		if (p % 5 >= 2)
			uvs_conn_update(&e.t, c, TH_ACK, T0 + p);
		if (p % 5 >= 3)
			uvs_conn_update(&e.t, c, TH_FIN, T0 + p);
		if (p % 5 >= 4)
			uvs_conn_update(&e.t, c, TH_RST, T0 + p);
	}
	{
		struct uvs_flow u = flow(IPPROTO_UDP, CLIENT, 9, 53);

		assert_non_null(uvs_conn_insert(&e.t, &u, &e.d[0], T0));
	}
	/* 30 flows: p%5 == 1 (SYN_RECV), 2 (ESTABLISHED) are active */
	assert_int_equal(e.d[0].activeconns + e.d[1].activeconns +
	    e.d[2].activeconns, 12);
	assert_int_equal(e.d[0].inactconns + e.d[1].inactconns +
	    e.d[2].inactconns, 19);
	assert_int_equal(e.t.count, 31);
	assert_int_equal(uvs_conn_expire(&e.t, T0 + 30 + TO_ESTABLISHED), 31);
	assert_int_equal(e.t.count, 0);
	assert_counts(&e.d[0], 0, 0);
	assert_counts(&e.d[1], 0, 0);
	assert_counts(&e.d[2], 0, 0);
	env_free(&e);
}

/* ------------------------------------------------------------ capacity */

/*
 * A full table: a new flow takes the entry of the only flow that is not
 * established (flow 3, left in SYN_RECV); once every flow is established
 * the next insert returns NULL and counts nothing. When one flow expires
 * its entry is reused for a new flow.
 */
static void
test_table_full(void **state)
{
	struct env e;
	struct uvs_conn *c;
	uint16_t p;
	const uint32_t cap = 8;

	(void)state;
	env_init(&e, cap, T0);
	for (p = 1; p <= cap; p++) {
		struct uvs_flow f = tcp(p);

		c = uvs_conn_insert(&e.t, &f, &e.d[0], T0);
		assert_non_null(c);
		uvs_conn_update(&e.t, c, TH_SYN, T0);
		if (p != 3)
			uvs_conn_update(&e.t, c, TH_ACK, T0);
	}
	assert_int_equal(e.t.count, cap);
	assert_counts(&e.d[0], cap, 0);
	{
		struct uvs_flow f = tcp(cap + 1), g = tcp(cap + 2);

		c = uvs_conn_insert(&e.t, &f, &e.d[1], T0);
		assert_non_null(c);
		assert_false(present(&e, 3));
		assert_int_equal(e.t.reclaimed, 1);
		uvs_conn_update(&e.t, c, TH_SYN, T0);
		uvs_conn_update(&e.t, c, TH_ACK, T0);
		assert_null(uvs_conn_insert(&e.t, &g, &e.d[1], T0));
		assert_null(uvs_conn_lookup(&e.t, &g));
	}
	assert_int_equal(e.t.count, cap);
	assert_counts(&e.d[0], cap - 1, 0);
	assert_counts(&e.d[1], 1, 0);
	assert_int_equal(e.d[1].conns, 1);

	/* flow 1 ends with an RST: CLOSE, 10 s, then its entry is free */
	{
		struct uvs_flow f = tcp(1), g = tcp(cap + 2);

		uvs_conn_update(&e.t, uvs_conn_lookup(&e.t, &f), TH_RST, T0);
		assert_int_equal(uvs_conn_expire(&e.t, T0 + TO_CLOSE), 1);
		assert_false(present(&e, 1));
		c = uvs_conn_insert(&e.t, &g, &e.d[1], T0 + TO_CLOSE);
		assert_non_null(c);
		assert_ptr_equal(uvs_conn_lookup(&e.t, &g), c);
	}
	assert_int_equal(e.t.count, cap);
	assert_int_equal(e.t.reclaimed, 1);
	env_free(&e);
}

/*
 * A SYN flood against a full table of established flows and half-open
 * ones: every flood SYN gets an entry by taking the oldest half-open one,
 * and no established flow is ever evicted.
 */
static void
test_flood_spares_established(void **state)
{
	struct env e;
	struct uvs_conn *c;
	uint16_t p;
	const uint32_t cap = 8;

	(void)state;
	env_init(&e, cap, T0);
	for (p = 1; p <= cap; p++) {
		struct uvs_flow f = tcp(p);

		c = uvs_conn_insert(&e.t, &f, &e.d[0], T0);
		uvs_conn_update(&e.t, c, TH_SYN, T0);
		if (p <= 4)
			uvs_conn_update(&e.t, c, TH_ACK, T0);
	}
	for (p = 100; p < 200; p++) {
		struct uvs_flow f = tcp(p);

		c = uvs_conn_insert(&e.t, &f, &e.d[1], T0);
		assert_non_null(c);
		uvs_conn_update(&e.t, c, TH_SYN, T0);
		/* the oldest half-open flow went: the previous flood SYN's
		 * neighbour, never one of the four established flows */
		for (uint16_t q = 1; q <= 4; q++)
			assert_true(present(&e, q));
	}
	assert_int_equal(e.t.reclaimed, 100);
	assert_int_equal(e.t.count, cap);
	assert_counts(&e.d[0], 4, 0);
	assert_counts(&e.d[1], 4, 0);
	/* the four latest flood SYNs hold the half-open entries */
	for (p = 196; p < 200; p++)
		assert_true(present(&e, p));
	env_free(&e);
}

/*
 * Every bucket's chain runs oldest first and holds exactly the table's
 * flows: conn.c appends a new flow and a full table takes the oldest,
 * which is then a chain's head. Checked after each of 2 000 new flows
 * through a table of 64 (128 buckets: chains of two and three happen).
 */
static void
assert_chains_oldest_first(const struct uvs_conn_table *t,
    const uint32_t *seq)
{
	uint32_t b, i, prev, n = 0;

	for (b = 0; b < t->nbuckets; b++)
		for (prev = 0, i = t->buckets[b]; i; i = t->conns[i - 1].hnext) {
			assert_true(seq[i - 1] > prev);
			prev = seq[i - 1];
			n++;
		}
	assert_int_equal(n, t->count);
}

static void
test_chains_oldest_first(void **state)
{
	struct env e;
	struct uvs_conn *c;
	uint32_t seq[64] = { 0 }, n, chained = 0, b;
	const uint32_t cap = 64;

	(void)state;
	env_init(&e, cap, T0);
	assert_int_equal(e.t.nbuckets, 128);
	for (n = 1; n <= 2000; n++) {
		struct uvs_flow f = tcp((uint16_t)(1000 + n));

		c = uvs_conn_insert(&e.t, &f, &e.d[0], T0);
		assert_non_null(c);
		seq[uvs_conn_index(&e.t, c)] = n;
		assert_chains_oldest_first(&e.t, seq);
	}
	assert_int_equal(e.t.reclaimed, 2000 - cap);
	/* the check saw chains longer than one */
	for (b = 0; b < e.t.nbuckets; b++)
		if (e.t.buckets[b] && e.t.conns[e.t.buckets[b] - 1].hnext)
			chained++;
	assert_true(chained > 0);
	env_free(&e);
}

/*
 * A wheel slot keeps its tail as entries leave from anywhere in it: the
 * last one removed, then one added behind it, then the first and a
 * middle one; when the slot falls due, exactly the flows left expire and
 * the table is empty.
 */
static void
test_wheel_slot_tail(void **state)
{
	struct env e;
	struct uvs_conn *c[6];
	uint16_t p;

	(void)state;
	env_init(&e, 16, T0);
	for (p = 0; p < 5; p++) {
		struct uvs_flow f = tcp((uint16_t)(2000 + p));

		assert_non_null(c[p] = uvs_conn_insert(&e.t, &f, &e.d[0], T0));
	}
	uvs_conn_remove(&e.t, c[4]);		/* the tail */
	{
		struct uvs_flow f = tcp(2005);

		assert_non_null(c[5] = uvs_conn_insert(&e.t, &f, &e.d[0], T0));
	}
	uvs_conn_remove(&e.t, c[0]);		/* the head */
	uvs_conn_remove(&e.t, c[2]);		/* one between */
	assert_int_equal(e.t.count, 3);
	assert_int_equal(uvs_conn_expire(&e.t, T0 + TO_NONE - 1), 0);
	assert_int_equal(uvs_conn_expire(&e.t, T0 + TO_NONE), 3);
	assert_int_equal(e.t.count, 0);
	assert_false(present(&e, 2001));
	assert_false(present(&e, 2005));
	env_free(&e);
}

/* A table of one: insert, full, remove, insert again. */
static void
test_capacity_one(void **state)
{
	struct env e;
	struct uvs_flow f = tcp(1), g = tcp(2);
	struct uvs_conn *c;

	(void)state;
	env_init(&e, 1, T0);
	c = uvs_conn_insert(&e.t, &f, &e.d[0], T0);
	assert_non_null(c);
	uvs_conn_update(&e.t, c, TH_SYN, T0);
	uvs_conn_update(&e.t, c, TH_ACK, T0);	/* established: cannot go */
	assert_null(uvs_conn_insert(&e.t, &g, &e.d[0], T0));
	uvs_conn_remove(&e.t, c);
	assert_int_equal(e.t.count, 0);
	assert_counts(&e.d[0], 0, 0);
	assert_null(uvs_conn_lookup(&e.t, &f));
	assert_false(uvs_conn_live(&e.t, 0));
	c = uvs_conn_insert(&e.t, &g, &e.d[0], T0);
	assert_non_null(c);
	assert_ptr_equal(uvs_conn_lookup(&e.t, &g), c);
	/* the removed flow's timer must not fire on the new one */
	assert_int_equal(uvs_conn_expire(&e.t, T0 + 1), 0);
	assert_int_equal(uvs_conn_expire(&e.t, T0 + TO_NONE), 1);
	env_free(&e);
}

/* Removing flows in the middle of hash chains and timer slots. */
static void
test_remove(void **state)
{
	struct env e;
	uint16_t p;

	(void)state;
	env_init(&e, 16, T0);
	for (p = 1; p <= 16; p++)
		established(&e, p, &e.d[p % 2], T0);	/* one timer slot */
	for (p = 2; p <= 16; p += 3) {
		struct uvs_flow f = tcp(p);

		uvs_conn_remove(&e.t, uvs_conn_lookup(&e.t, &f));
	}
	assert_int_equal(e.t.count, 11);
	for (p = 1; p <= 16; p++)
		assert_int_equal(present(&e, p), (p - 2) % 3 != 0);
	assert_int_equal(e.d[0].activeconns + e.d[1].activeconns, 11);
	assert_int_equal(uvs_conn_expire(&e.t, T0 + TO_ESTABLISHED - 1), 0);
	assert_int_equal(uvs_conn_expire(&e.t, T0 + TO_ESTABLISHED), 11);
	assert_counts(&e.d[0], 0, 0);
	assert_counts(&e.d[1], 0, 0);
	env_free(&e);
}

/* ------------------------------------------------------------ flush */

static void
test_flush_dest(void **state)
{
	struct env e;
	uint16_t p;

	(void)state;
	env_init(&e, 32, T0);
	for (p = 1; p <= 12; p++) {
		struct uvs_conn *c = established(&e, p, &e.d[p % 3], T0);

		if (p % 2)
			uvs_conn_update(&e.t, c, TH_FIN, T0);
	}
	/* p%3==0: 3 6 9 12 -> d0; 1 4 7 10 -> d1; 2 5 8 11 -> d2 */
	assert_counts(&e.d[1], 2, 2);
	assert_counts(&e.d[2], 2, 2);
	assert_int_equal(uvs_conn_flush_dest(&e.t, &e.d[1]), 4);
	assert_counts(&e.d[1], 0, 0);
	assert_counts(&e.d[0], 2, 2);
	assert_counts(&e.d[2], 2, 2);
	assert_int_equal(e.t.count, 8);
	for (p = 1; p <= 12; p++)
		assert_int_equal(present(&e, p), p % 3 != 1);
	assert_int_equal(uvs_conn_flush_dest(&e.t, &e.d[1]), 0);

	/* the survivors' timers still work: FIN ones at 120 s, rest 900 s */
	assert_int_equal(uvs_conn_expire(&e.t, T0 + TO_FIN_WAIT), 4);
	assert_counts(&e.d[0], 2, 0);
	assert_counts(&e.d[2], 2, 0);

	/* NULL flushes everything */
	assert_int_equal(uvs_conn_flush_dest(&e.t, NULL), 4);
	assert_int_equal(e.t.count, 0);
	assert_counts(&e.d[0], 0, 0);
	assert_counts(&e.d[2], 0, 0);
	assert_int_equal(uvs_conn_expire(&e.t, T0 + 100000), 0);
	/* and the table is whole again */
	for (p = 1; p <= 32; p++)
		established(&e, p, &e.d[0], T0 + 100000);
	assert_int_equal(e.t.count, 32);
	env_free(&e);
}

/* ------------------------------------------------------------ random */

/* xorshift64*: a fixed seed makes every run the same. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

#define SPACE	300	/* possible flows */
#define CAP	64

struct shadow {
	int		 live;
	uint8_t		 state;
	uint32_t	 expires;
	unsigned	 dest;
	uint64_t	 rseq;	/* when it became reclaimable, 0 = is not */
};

/* The table's rule: TCP flows that are not established may give way. */
static int
model_reclaimable(uint8_t proto, uint8_t state)
{
	return proto == IPPROTO_TCP && state != UVS_TCP_ESTABLISHED;
}

/* Keeps rseq as the table keeps its reclaim list: FIFO of entry times. */
static void
model_rsync(struct shadow *x, uint8_t proto, uint64_t *clock)
{
	int want = model_reclaimable(proto, x->state);

	if (want && !x->rseq)
		x->rseq = ++*clock;
	else if (!want)
		x->rseq = 0;
}

static struct uvs_flow
space_flow(unsigned i)
{
	/* few clients, few ports: flows share addresses and hash chains */
	return flow(i % 3 ? IPPROTO_TCP : IPPROTO_UDP, CLIENT + i % 7,
	    (uint16_t)(1000 + i / 7), i % 2 ? 80 : 443);
}

/* Model of one packet: the reference table, or UDP's single state. */
static uint8_t
model_next(uint8_t proto, uint8_t s, uint8_t flags)
{
	int row = flags & TH_RST ? 3 : flags & TH_SYN ? 0 :
	    flags & TH_FIN ? 1 : flags & TH_ACK ? 2 : -1;

	if (proto != IPPROTO_TCP || row < 0)
		return s;
	return ref_next(row, s);
}

static void
check_model(const struct env *e, const struct shadow *sh)
{
	uint32_t act[3] = { 0, 0, 0 }, inact[3] = { 0, 0, 0 }, n = 0;
	unsigned i;

	for (i = 0; i < SPACE; i++) {
		struct uvs_flow f = space_flow(i);
		struct uvs_conn *c = uvs_conn_lookup(&e->t, &f);

		if (!sh[i].live) {
			assert_null(c);
			continue;
		}
		assert_non_null(c);
		assert_int_equal(c->state, sh[i].state);
		assert_int_equal(c->expires, sh[i].expires);
		assert_ptr_equal(c->dest, &e->d[sh[i].dest]);
		if (f.proto == IPPROTO_TCP &&
		    uvs_tcp_state_active(sh[i].state))
			act[sh[i].dest]++;
		else
			inact[sh[i].dest]++;
		n++;
	}
	assert_int_equal(e->t.count, n);
	for (i = 0; i < 3; i++)
		assert_counts(&e->d[i], act[i], inact[i]);
}

/*
 * 200000 random operations (insert, packet, remove, clock steps from 0
 * to 6000 s) against a shadow model that knows each flow's state and
 * expiry; ESTABLISHED is set past the wheel. After every expiry the
 * model drops what is due and the table must agree, flow by flow.
 */
static void
test_random_against_model(void **state)
{
	static const uint8_t flagset[] = {
		TH_SYN, TH_ACK, TH_ACK | TH_PUSH, TH_FIN | TH_ACK, TH_RST,
		TH_SYN | TH_ACK, 0,
	};
	static const uint32_t steps[] = { 0, 1, 1, 1, 2, 3, 5, 10, 61, 300 };
	static struct shadow sh[SPACE];
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	uint32_t now = 0xfff00000u;	/* the clock wraps during the run */
	unsigned op, i, nlive = 0, full_hits = 0, expired = 0, long_ones = 0;
	unsigned reclaims = 0;
	uint64_t rclock = 0;
	struct env e;

	(void)state;
	memset(sh, 0, sizeof(sh));
	env_init(&e, CAP, now);
	e.t.timeouts.t[UVS_TCP_ESTABLISHED] = 5000;
	/* UDP's reclaim by age has tests of its own: here UDP flows keep
	   their entries and a new one never takes a TCP flow's */
	e.t.udp_idle = 0;
	for (op = 0; op < 200000; op++) {
		unsigned r = (unsigned)(rnd(&seed) % 100);
		unsigned k = (unsigned)(rnd(&seed) % SPACE);
		struct uvs_flow f = space_flow(k);
		struct uvs_conn *c = uvs_conn_lookup(&e.t, &f);

		assert_true(sh[k].live ? c != NULL : c == NULL);
		if (r < 50) {			/* new flow */
			if (sh[k].live)
				continue;
			unsigned d = (unsigned)(rnd(&seed) % 3);

			c = uvs_conn_insert(&e.t, &f, &e.d[d], now);
			if (nlive == CAP) {
				/* the oldest reclaimable flow gives way */
				unsigned v = SPACE;

				full_hits++;
				for (i = 0; i < SPACE; i++)
					if (sh[i].live && sh[i].rseq &&
					    (v == SPACE ||
					    sh[i].rseq < sh[v].rseq))
						v = i;
				if (v == SPACE || f.proto == IPPROTO_UDP) {
					assert_null(c);
					continue;
				}
				sh[v].live = 0;
				nlive--;
				reclaims++;
			}
			assert_non_null(c);
			sh[k].live = 1;
			sh[k].dest = d;
			sh[k].state = f.proto == IPPROTO_TCP ? UVS_TCP_NONE :
			    UVS_UDP_NORMAL;
			sh[k].expires = now + e.t.timeouts.t[sh[k].state];
			sh[k].rseq = 0;
			model_rsync(&sh[k], f.proto, &rclock);
			nlive++;
		} else if (r < 85) {		/* a packet */
			uint8_t fl = flagset[rnd(&seed) % sizeof(flagset)];

			if (!sh[k].live)
				continue;
			uvs_conn_update(&e.t, c, fl, now);
			sh[k].state = model_next(f.proto, sh[k].state, fl);
			sh[k].expires = now + e.t.timeouts.t[sh[k].state];
			model_rsync(&sh[k], f.proto, &rclock);
		} else if (r < 90) {		/* removed by hand */
			if (!sh[k].live)
				continue;
			uvs_conn_remove(&e.t, c);
			sh[k].live = 0;
			nlive--;
		} else {			/* time passes */
			uint32_t n = 0;

			now += r == 99 && rnd(&seed) % 20 == 0 ? 6000 :
			    steps[rnd(&seed) % 10];
			for (i = 0; i < SPACE; i++) {
				if (sh[i].live &&
				    (int32_t)(sh[i].expires - now) <= 0) {
					sh[i].live = 0;
					long_ones += sh[i].state ==
					    UVS_TCP_ESTABLISHED;
					n++;
				}
			}
			assert_int_equal(uvs_conn_expire(&e.t, now), n);
			nlive -= n;
			expired += n;
		}
		if (op % 97 == 0)
			check_model(&e, sh);
	}
	check_model(&e, sh);
	/* the run did visit the interesting places */
	assert_true(full_hits > 100);
	assert_true(reclaims > 100);
	assert_true(full_hits > reclaims);	/* and some found nothing */
	assert_int_equal(e.t.reclaimed, reclaims);
	assert_true(expired > 10000);
	assert_true(long_ones > 100);		/* 5000 s: past the wheel */
	assert_true(now < 0xfff00000u);		/* wrapped */
	env_free(&e);
}


/* ------------------------------------------------ cache-aware lookup */

/* An entry is half a line and never straddles two: a hit is one line. */
static void
test_entry_one_line(void **state)
{
	struct env e;
	uint32_t i;

	(void)state;
	assert_int_equal(sizeof(struct uvs_conn), 32);
	env_init(&e, 1000, T0);
	assert_int_equal((uintptr_t)e.t.conns % 64, 0);
	for (i = 0; i < e.t.capacity; i++) {
		uintptr_t a = (uintptr_t)&e.t.conns[i];

		assert_int_equal(a / 64, (a + sizeof(struct uvs_conn) - 1) / 64);
	}
	env_free(&e);
}

/*
 * The staged lookup answers as one-by-one lookups do, for hits, misses,
 * keys sharing chains (a small table of many flows), repeated keys in
 * one burst and bursts that are not a multiple of the stage.
 */
static void
test_lookup_burst_matches(void **state)
{
	enum { CAPN = 3000, NKEYS = 4001 };
	static struct uvs_flow keys[NKEYS];
	static struct uvs_conn *got[NKEYS];
	struct env e;
	unsigned i, hits = 0, n;

	(void)state;
	env_init(&e, CAPN, T0);
	for (i = 0; i < CAPN; i++) {
		struct uvs_flow f = flow(i % 4 ? IPPROTO_TCP : IPPROTO_UDP,
		    CLIENT + i % 13, (uint16_t)(1000 + i), 80);

		assert_non_null(uvs_conn_insert(&e.t, &f, &e.d[i % 3], T0));
	}
	for (i = 0; i < NKEYS; i++) {	/* 3 in 4 present, 1 in 7 repeated */
		unsigned m = (i % 7 ? i : 7) % (CAPN + CAPN / 3);

		keys[i] = flow(m % 4 ? IPPROTO_TCP : IPPROTO_UDP,
		    CLIENT + m % 13, (uint16_t)(1000 + m), 80);
	}
	for (n = 0; n <= NKEYS; n += n < 70 ? 1 : 977) {
		uvs_conn_lookup_burst(&e.t, keys, n, got);
		for (i = 0; i < n; i++) {
			struct uvs_conn *c = uvs_conn_lookup(&e.t, &keys[i]);

			assert_ptr_equal(got[i], c);
			assert_ptr_equal(uvs_conn_lookup_hashed(&e.t, &keys[i],
			    uvs_conn_hash(&e.t, &keys[i])), c);
			hits += c != NULL;
		}
	}
	assert_true(hits > 1000);	/* both sides were exercised */
	env_free(&e);
}

/* A template is not found by a flow's staged lookup, nor the reverse. */
static void
test_lookup_burst_skips_templates(void **state)
{
	struct env e;
	struct uvs_flow key = flow(IPPROTO_TCP, CLIENT, 0, 80);
	struct uvs_conn *got[1];

	(void)state;
	env_init(&e, 8, T0);
	assert_non_null(uvs_conn_template_insert(&e.t, &key, &e.d[0], T0,
	    300));
	uvs_conn_lookup_burst(&e.t, &key, 1, got);
	assert_null(got[0]);
	assert_non_null(uvs_conn_template_lookup(&e.t, &key));
	env_free(&e);
}

/* ------------------------------------------- UDP gives way by age */

static struct uvs_flow
udp(uint16_t cport)
{
	return flow(IPPROTO_UDP, CLIENT, cport, 53);
}

/* Fills a table of cap with one-packet UDP flows, cport 1..cap, at now. */
static void
fill_udp(struct env *e, uint32_t cap, uint32_t now)
{
	uint16_t p;

	for (p = 1; p <= cap; p++) {
		struct uvs_flow f = udp(p);
		struct uvs_conn *c = uvs_conn_insert(&e->t, &f, &e->d[0], now);

		assert_non_null(c);
		uvs_conn_update(&e->t, c, 0, now);
	}
	assert_int_equal(e->t.count, cap);
}

static int
udp_present(const struct env *e, uint16_t cport)
{
	struct uvs_flow f = udp(cport);

	return uvs_conn_lookup(&e->t, &f) != NULL;
}

/*
 * A UDP flood fills the table. For UVS_CONN_UDP_IDLE seconds its flows
 * hold their entries (a DNS answer is on its way); then a new TCP flow,
 * and a new UDP flow, each take the oldest. Before this, they waited out
 * the whole 300 s UDP timeout.
 */
static void
test_udp_flood_gives_way(void **state)
{
	struct env e;
	struct uvs_flow s1 = tcp(1), s2 = tcp(2), u = udp(1000);
	struct uvs_conn *c;
	const uint32_t cap = 8;

	(void)state;
	env_init(&e, cap, T0);
	fill_udp(&e, cap, T0);
	assert_null(uvs_conn_insert(&e.t, &s1, &e.d[1], T0));
	assert_null(uvs_conn_insert(&e.t, &s1, &e.d[1], T0 + 1));
	assert_int_equal(e.t.reclaimed, 0);
	/* negative control: the old rule (udp_idle 0) keeps refusing */
	e.t.udp_idle = 0;
	assert_null(uvs_conn_insert(&e.t, &s1, &e.d[1], T0 + 250));
	e.t.udp_idle = UVS_CONN_UDP_IDLE;

	c = uvs_conn_insert(&e.t, &s1, &e.d[1], T0 + UVS_CONN_UDP_IDLE);
	assert_non_null(c);
	uvs_conn_update(&e.t, c, TH_SYN, T0 + UVS_CONN_UDP_IDLE);
	uvs_conn_update(&e.t, c, TH_ACK, T0 + UVS_CONN_UDP_IDLE);
	assert_false(udp_present(&e, 1));	/* the oldest went */
	assert_true(udp_present(&e, 2));
	c = uvs_conn_insert(&e.t, &u, &e.d[2], T0 + UVS_CONN_UDP_IDLE);
	assert_non_null(c);
	assert_false(udp_present(&e, 2));
	c = uvs_conn_insert(&e.t, &s2, &e.d[1], T0 + UVS_CONN_UDP_IDLE);
	assert_non_null(c);
	assert_false(udp_present(&e, 3));
	assert_int_equal(e.t.reclaimed, 3);
	assert_int_equal(e.t.reclaimed_udp, 3);
	assert_int_equal(e.t.count, cap);
	assert_counts(&e.d[0], 0, cap - 3);
	assert_counts(&e.d[1], 1, 1);
	assert_counts(&e.d[2], 0, 1);
	env_free(&e);
}

/*
 * A flow heard from lately is passed over (and goes to the back of the
 * list); one of more than UVS_CONN_FEW_PKTS packets is spared until it
 * has been quiet UVS_CONN_IDLE_BUSY seconds, as IPVS spares it.
 */
static void
test_udp_recent_and_busy_spared(void **state)
{
	struct env e;
	struct uvs_flow f1 = udp(1), f2 = udp(2);
	struct uvs_conn *c1, *c2;
	unsigned k;
	uint16_t p;
	const uint32_t cap = 4;

	(void)state;
	env_init(&e, cap, T0);
	fill_udp(&e, cap, T0);
	c1 = uvs_conn_lookup(&e.t, &f1);
	c2 = uvs_conn_lookup(&e.t, &f2);
	for (k = 0; k < UVS_CONN_FEW_PKTS; k++)	/* 9 packets in all */
		uvs_conn_update(&e.t, c2, 0, T0);
	assert_int_equal(uvs_conn_pkts(c2), UVS_CONN_FEW_PKTS + 1);
	uvs_conn_update(&e.t, c1, 0, T0 + 5);	/* flow 1 is talking */

	p = 100;
	{
		struct uvs_flow n = udp(p++);

		/* 1 is recent, 2 is busy: 3 goes */
		assert_non_null(uvs_conn_insert(&e.t, &n, &e.d[1], T0 + 6));
		assert_true(udp_present(&e, 1));
		assert_true(udp_present(&e, 2));
		assert_false(udp_present(&e, 3));
	}
	{
		struct uvs_flow n = udp(p++);

		assert_non_null(uvs_conn_insert(&e.t, &n, &e.d[1], T0 + 6));
		assert_false(udp_present(&e, 4));
	}
	{
		struct uvs_flow n = udp(p++);

		/* left: 1 (quiet 1 s), 2 (busy, 6 s), 100, 101 (new) */
		assert_null(uvs_conn_insert(&e.t, &n, &e.d[1], T0 + 6));
		/* at T0 + 59 flow 1 (quiet 54 s, 2 packets) goes, not 2 */
		assert_non_null(uvs_conn_insert(&e.t, &n, &e.d[1], T0 + 59));
		assert_false(udp_present(&e, 1));
		assert_true(udp_present(&e, 2));
	}
	{
		struct uvs_flow n = udp(p++);

		/* 60 s quiet: the busy flow may go too (oldest first) */
		assert_non_null(uvs_conn_insert(&e.t, &n, &e.d[1],
		    T0 + UVS_CONN_IDLE_BUSY));
		assert_false(udp_present(&e, 2));
	}
	assert_int_equal(e.t.reclaimed_udp, 4);
	env_free(&e);
}

/*
 * A new UDP flow never takes a TCP handshake in progress; a half-open
 * TCP flow as quiet as UVS_CONN_UDP_IDLE it may take. Established TCP
 * flows are never taken.
 */
static void
test_udp_spares_handshake(void **state)
{
	struct env e;
	struct uvs_flow u1 = udp(1), u2 = udp(2);
	struct uvs_conn *c;
	const uint32_t cap = 4;

	(void)state;
	env_init(&e, cap, T0);
	established(&e, 1, &e.d[0], T0);
	established(&e, 2, &e.d[0], T0);
	{
		struct uvs_flow f = tcp(3);

		c = uvs_conn_insert(&e.t, &f, &e.d[0], T0);
		uvs_conn_update(&e.t, c, TH_SYN, T0);	/* SYN_RECV */
	}
	assert_non_null(uvs_conn_insert(&e.t, &u1, &e.d[1], T0));
	assert_null(uvs_conn_insert(&e.t, &u2, &e.d[1], T0 + 1));
	assert_true(present(&e, 3));
	/* flow u1 is older but was refreshed; the half-open one is older
	   still in silence: u1 goes first anyway (UDP first for UDP) */
	c = uvs_conn_insert(&e.t, &u2, &e.d[1], T0 + UVS_CONN_UDP_IDLE);
	assert_non_null(c);
	assert_false(udp_present(&e, 1));
	assert_true(present(&e, 3));
	{
		struct uvs_flow u3 = udp(3);

		/* u2 is new: only the half-open TCP flow, quiet 2 s, can go */
		assert_non_null(uvs_conn_insert(&e.t, &u3, &e.d[1],
		    T0 + UVS_CONN_UDP_IDLE));
		assert_false(present(&e, 3));
	}
	assert_true(present(&e, 1) && present(&e, 2));
	assert_int_equal(e.t.reclaimed, 2);
	assert_int_equal(e.t.reclaimed_udp, 1);
	env_free(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_args),
		cmocka_unit_test(test_insert_lookup),
		cmocka_unit_test(test_new_conn_inactive),
		cmocka_unit_test(test_tcp_lifecycle),
		cmocka_unit_test(test_tcp_rst_from_established),
		cmocka_unit_test(test_tcp_input_only_table),
		cmocka_unit_test(test_tcp_flag_priority),
		cmocka_unit_test(test_tcp_active_states),
		cmocka_unit_test(test_udp_stays_inactive),
		cmocka_unit_test(test_expire_syn_recv),
		cmocka_unit_test(test_expire_syn_recv_jump),
		cmocka_unit_test(test_expire_none),
		cmocka_unit_test(test_expire_established_refreshed),
		cmocka_unit_test(test_expire_shortened_by_rst_and_fin),
		cmocka_unit_test(test_expire_beyond_wheel),
		cmocka_unit_test(test_expire_beyond_wheel_then_rst),
		cmocka_unit_test(test_expire_counters_back_to_zero),
		cmocka_unit_test(test_table_full),
		cmocka_unit_test(test_flood_spares_established),
		cmocka_unit_test(test_capacity_one),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_flush_dest),
		cmocka_unit_test(test_random_against_model),
		cmocka_unit_test(test_entry_one_line),
		cmocka_unit_test(test_lookup_burst_matches),
		cmocka_unit_test(test_lookup_burst_skips_templates),
		cmocka_unit_test(test_chains_oldest_first),
		cmocka_unit_test(test_wheel_slot_tail),
		cmocka_unit_test(test_udp_flood_gives_way),
		cmocka_unit_test(test_udp_recent_and_busy_spared),
		cmocka_unit_test(test_udp_spares_handshake),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
