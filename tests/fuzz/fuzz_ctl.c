/*
 * libFuzzer harness for the control protocol's pure half: the input is
 * what a client writes to uvsd's socket. It is cut as fwd/control/ctl.c cuts it
 * (one line, or "batch n=K" and the K lines after it), each line goes
 * through uvs_ctl_parse() (fwd/lang/ctlmsg.c), every typed getter and every
 * decoder of fwd/control/ctlreq.c (health words and their %XX escapes of
 * fwd/health/checkconf.c included), and the lines are checked as one batch
 * (fwd/control/batch.c) against a small table of a few services and schedulers.
 * The batch check must leave that table as it was and name the line it
 * refused. The socket, the peer check and the live director (fwd/control/ctl.c
 * uvs_ctl_serve, uvs_ctl_handle) are tested end to end instead, by
 * tests/e2e/ctl_hostile.sh.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwd/control/batch.h"
#include "fwd/health/checkconf.h"
#include "fwd/lang/ctlmsg.h"
#include "fwd/control/ctlreq.h"

#define INPUT_MAX	(64 * 1024)
#define LINES_MAX	256

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void __attribute__((noreturn))
broken(const char *what)
{
	fprintf(stderr, "fuzz_ctl: %s\n", what);
	abort();
}

/* The live table: TCP VIP:80 wlc, UDP VIP:53 sh -b sh-port, TCP VIP:0 -p
 * lblc. */
static void
table_build(struct uvs_svc_table *t)
{
	static const struct {
		uint8_t		 proto;
		uint16_t	 port;
		const char	*sched;
		uint32_t	 flags, timeout;
	} svcs[] = {
		{ IPPROTO_TCP, 80, "wlc", 0, 0 },
		{ IPPROTO_UDP, 53, "sh", UVS_SVC_F_SH_PORT, 0 },
		{ IPPROTO_TCP, 0, "lblc", UVS_SVC_F_PERSISTENT, 360 },
	};
	unsigned i, k;

	uvs_svc_table_init(t);
	for (i = 0; i < sizeof(svcs) / sizeof(svcs[0]); i++) {
		struct uvs_svc_conf sc = { .proto = svcs[i].proto,
		    .af = AF_INET, .addr = uvs_inaddr4(htonl(0xc612000au)),
		    .port = htons(svcs[i].port),
		    .flags = svcs[i].flags, .timeout = svcs[i].timeout,
		    .netmask = 0xffffffff };
		struct uvs_svc *s;

		snprintf(sc.sched, sizeof(sc.sched), "%s", svcs[i].sched);
		if (uvs_svc_add(t, &sc) < 0 ||
		    !(s = uvs_svc_find(t, sc.proto, sc.af, &sc.addr, sc.port)))
			abort();
		for (k = 0; k < 3; k++) {
			struct uvs_dest_conf dc = { .af = AF_INET,
			    .addr = uvs_inaddr4(htonl(0xc6120000u | (11 + k))),
			    .port = sc.port, .weight = (int)k + 1 };

			if (uvs_dest_add(s, &dc) < 0)
				abort();
		}
	}
}

/* What a batch check must not touch, summed up. */
static uint64_t
table_print(const struct uvs_svc_table *t)
{
	uint64_t h = t->nsvcs;
	unsigned i, k;

	for (i = 0; i < t->nsvcs; i++) {
		const struct uvs_svc *s = t->svcs[i];

		h = h * 31 + (uintptr_t)s + (uintptr_t)s->sched + s->flags +
		    s->timeout + s->netmask + s->ndests;
		for (k = 0; k < s->ndests; k++)
			h = h * 31 + (uintptr_t)s->dests[k] +
			    (uint64_t)s->dests[k]->weight +
			    s->dests[k]->u_threshold + s->dests[k]->flags;
	}
	return h;
}

/*
 * A value's %XX escapes: what unescapes must escape to a blank-free word
 * that unescapes to the same bytes.
 */
static void
check_escapes(const char *v)
{
	char u[UVS_CTL_LINE_MAX], u2[UVS_CTL_LINE_MAX];
	char e[3 * UVS_CTL_LINE_MAX + 1];
	const char *p;

	if (uvs_check_unescape(v, u, sizeof(u)) < 0)
		return;
	if (uvs_check_escape(u, e, sizeof(e)) >= sizeof(e))
		broken("an escaped value does not fit three times its size");
	for (p = e; *p; p++)
		if (*p <= ' ' || *p >= 0x7f)
			broken("an escaped value holds a blank");
	if (uvs_check_unescape(e, u2, sizeof(u2)) < 0 || strcmp(u, u2) != 0)
		broken("escaping does not round-trip");
}

/* Every getter and decoder on one parsed line: none may misread. */
static void
decode_all(const struct uvs_ctl_msg *m)
{
	static const char *const keys[] = { "proto", "vip", "vport", "sched",
	    "flags", "timeout", "netmask", "rip", "rport", "weight", "uthr",
	    "lthr", "tcp", "tcpfin", "udp", "n", "check", "check_port",
	    "check_path", "check_cmd", "check_interval", "sorry", "quorum",
	    "" };
	struct uvs_check_conf cc;
	struct uvs_vs_health vh;
	struct uvs_svc_conf sc;
	struct uvs_dest_conf dc;
	uint64_t u64;
	uint32_t u32, t[3];
	union uvs_inaddr addr;
	uint16_t af, port;
	uint8_t proto;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		(void)uvs_ctl_get(m, keys[i]);
		(void)uvs_ctl_get_u64(m, keys[i], &u64);
		if (uvs_ctl_get_u32(m, keys[i], 65535, &u32) == 0 &&
		    u32 > 65535)
			broken("a u32 above its maximum");
		(void)uvs_ctl_get_addr(m, keys[i], &u32);
		(void)uvs_ctl_get_proto(m, keys[i], &proto);
	}
	(void)uvs_ctlreq_svc_key(m, &proto, &af, &addr, &port);
	if (uvs_ctlreq_svc_conf(m, &sc) == 0 &&
	    (sc.sched[sizeof(sc.sched) - 1] != '\0' ||
	    (sc.port == 0 && !(sc.flags & UVS_SVC_F_PERSISTENT))))
		broken("a service conf uvsd must not take");
	if (uvs_ctlreq_dest_conf(m, &dc) == 0 &&
	    (dc.weight < 0 || dc.weight > 65535))
		broken("a dest weight out of range");
	(void)uvs_ctlreq_timeouts(m, t);
	if (uvs_ctlreq_check_conf(m, &cc) == 1 && uvs_check_invalid(&cc))
		broken("a check conf uvsd took is not coherent");
	(void)uvs_ctlreq_vs_health(m, &vh);
	for (i = 0; i < (size_t)m->nkv; i++)
		check_escapes(m->kv[i].val);
}

/* The lines of a batch, parsed and checked on the table. */
static void
check_lines(char **lines, unsigned n)
{
	struct uvs_ctl_msg m[LINES_MAX];
	struct uvs_svc_table t;
	char err[256];
	unsigned i, at;
	uint64_t before;
	int rc;

	for (i = 0; i < n; i++) {
		if (uvs_ctl_parse(lines[i], &m[i]) < 0)
			return;		/* uvsd: "malformed request" */
		if (m[i].nkv < 0 || m[i].nkv > UVS_CTL_MAX_KV || !m[i].verb ||
		    !*m[i].verb)
			broken("a parsed line with an impossible shape");
		decode_all(&m[i]);
	}
	table_build(&t);
	before = table_print(&t);
	err[0] = '\0';
	rc = uvs_batch_check(&t, m, n, &at, err, sizeof(err));
	if (rc < 0 && (at >= n || err[0] == '\0'))
		broken("a refused batch without its line and why");
	if (rc > 0)
		broken("a batch check returned a positive value");
	if (table_print(&t) != before)
		broken("the batch check changed the live table");
	uvs_svc_table_free(&t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *lines[LINES_MAX], *p, *nl;
	unsigned n = 0, nbatch = 0, i;

	if (size > INPUT_MAX)
		return 0;
	if (!(text = malloc(size + 1)))
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	/* as fwd/control/ctl.c: the first line is the request, or a batch header */
	if (!(nl = strchr(text, '\n')))
		goto out;
	if (sscanf(text, "batch n=%u", &nbatch) == 1 && nbatch > 0) {
		if (nbatch > LINES_MAX)
			goto out;
		for (p = nl + 1, i = 0; i < nbatch; i++, p = nl + 1) {
			if (!(nl = strchr(p, '\n')))
				goto out;	/* "batch shorter than ..." */
			*nl = '\0';
			lines[n++] = p;
		}
	} else {
		*nl = '\0';
		if (nl - text >= UVS_CTL_LINE_MAX - 1)
			goto out;	/* "request line too long" */
		lines[n++] = text;
	}
	check_lines(lines, n);
out:
	free(text);
	return 0;
}
