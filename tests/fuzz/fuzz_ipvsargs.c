/*
 * libFuzzer harness for uvsadm's command line (fwd/lang/ipvsargs.c): the input
 * split on NUL or newline is argv after "uvsadm". Beyond memory errors it
 * checks the round trip uvsadm relies on: a change command that parses
 * becomes a request line uvsd reads back (fwd/lang/ctlmsg.c, fwd/control/ctlreq.c) as
 * exactly the service, dest or timeouts that were parsed, health checks
 * and sorry server included (fwd/health/checkconf.c). A scheduler
 * name with blanks is left out, as uvsadm refuses it before sending.
 * Host names are looked up: fuzz_nonet() keeps that off the network.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwd/health/checkconf.h"
#include "fwd/lang/ctlmsg.h"
#include "fwd/control/ctlreq.h"
#include "fwd/lang/ipvsargs.h"
#include "nonet.h"

#define ARGV_MAX	64
#define INPUT_MAX	4096

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void __attribute__((noreturn))
broken(const char *what, const char *req)
{
	fprintf(stderr, "fuzz_ipvsargs: %s: '%s'\n", what, req);
	abort();
}

#define VS_HEALTH_OPTS	((1ULL << O_SORRY) | (1ULL << O_QUORUM) | \
			    (1ULL << O_HYSTERESIS))

/* -A/-E's sorry server, quorum and hysteresis, read back. */
static void
check_vs_health(const struct ipvs_cmd *ce, const struct uvs_ctl_msg *m,
    const char *req)
{
	struct uvs_vs_health v;
	int rc = uvs_ctlreq_vs_health(m, &v);

	if (!(ce->options & VS_HEALTH_OPTS)) {
		if (rc != 0)
			broken("health words nobody gave", req);
		return;
	}
	if (rc != 1)
		broken("uvsd refuses the service health uvsadm accepted", req);
	if (v.sorry != ce->vsh.sorry || v.quorum != ce->vsh.quorum ||
	    v.hysteresis != ce->vsh.hysteresis)
		broken("the service health changed on the way", req);
}

/* -a/-e's --check, read back field by field. */
static void
check_check(const struct ipvs_cmd *ce, const struct uvs_ctl_msg *m,
    const char *req)
{
	const struct uvs_check_conf *a = &ce->check;
	struct uvs_check_conf b;
	int rc = uvs_ctlreq_check_conf(m, &b);

	if (!(ce->options & (1ULL << O_CHECK)) || ce->cmd == CMD_DELDEST) {
		if (rc != 0)
			broken("check words nobody gave", req);
		return;
	}
	if (rc != 1)
		broken("uvsd refuses a check uvsadm accepted", req);
	if (a->type != b.type)
		broken("the check type changed on the way", req);
	if (a->type == UVS_CHECK_NONE)
		return;
	if (a->port != b.port || strcmp(a->status, b.status) ||
	    strcmp(a->path, b.path) || strcmp(a->expect, b.expect) ||
	    strcmp(a->digest, b.digest) || strcmp(a->cmd, b.cmd) ||
	    strcmp(a->helo, b.helo) || strcmp(a->payload, b.payload) ||
	    a->reply != b.reply || strcmp(a->host, b.host) ||
	    a->nmore != b.nmore || a->alpha != b.alpha ||
	    a->interval_ms != b.interval_ms || a->timeout_ms != b.timeout_ms ||
	    a->retry_ms != b.retry_ms || a->rise != b.rise ||
	    a->fall != b.fall || a->on_fail != b.on_fail)
		broken("the check changed on the way", req);
	for (unsigned i = 0; i < a->nmore; i++)
		if (strcmp(a->more[i].path, b.more[i].path) ||
		    strcmp(a->more[i].digest, b.more[i].digest) ||
		    strcmp(a->more[i].status, b.more[i].status))
			broken("a further url changed on the way", req);
}

static void
check_svc(const struct ipvs_cmd *ce, const struct uvs_ctl_msg *m,
    const char *req)
{
	struct uvs_svc_conf c;
	union uvs_inaddr addr;
	uint8_t proto;
	uint16_t af, port;

	if (uvs_ctlreq_svc_key(m, &proto, &af, &addr, &port) < 0)
		broken("uvsd cannot read the service key", req);
	if (proto != ce->svc.proto || af != ce->svc.af ||
	    !uvs_inaddr_eq(&addr, &ce->svc.addr) ||
	    port != htons(ce->svc.port))
		broken("the service key changed on the way", req);
	if (ce->cmd != CMD_ADD && ce->cmd != CMD_EDIT)
		return;
	if (uvs_ctlreq_svc_conf(m, &c) < 0)
		broken("uvsd refuses a service uvsadm accepted", req);
	if (strcmp(c.sched, ce->svc.sched) != 0 || c.flags != ce->svc.flags ||
	    c.timeout != ce->svc.timeout || c.netmask != ce->svc.netmask)
		broken("the service changed on the way", req);
	check_vs_health(ce, m, req);
}

static void
check_dest(const struct ipvs_cmd *ce, const struct uvs_ctl_msg *m,
    const char *req)
{
	struct uvs_dest_conf c;

	if (uvs_ctlreq_dest_conf(m, &c) < 0)
		broken("uvsd refuses a dest uvsadm accepted", req);
	if (c.af != ce->dest.af || !uvs_inaddr_eq(&c.addr, &ce->dest.addr) ||
	    c.port != htons(ce->dest.port))
		broken("the dest key changed on the way", req);
	if (ce->cmd != CMD_DELDEST && (c.weight != ce->dest.weight ||
	    c.u_threshold != (uint32_t)ce->dest.uthr ||
	    c.l_threshold != (uint32_t)ce->dest.lthr))
		broken("the dest changed on the way", req);
	check_check(ce, m, req);
}

/* The request uvsadm would send, read back as uvsd reads it. */
static void
check_request(const struct ipvs_cmd *ce)
{
	char req[UVS_CTL_LINE_MAX], line[UVS_CTL_LINE_MAX];
	struct uvs_ctl_msg m;
	uint32_t t[3];
	int i, k;

	if ((ce->cmd == CMD_ADD || ce->cmd == CMD_EDIT) &&
	    strcspn(ce->svc.sched, " \t\r\n") != strlen(ce->svc.sched))
		return;		/* uvsadm.c run_change() refuses it */
	uvs_ipvsargs_request(ce, req, sizeof(req));
	if (strlen(req) + 2 > UVS_CTL_LINE_MAX || strpbrk(req, "\r\n"))
		broken("the request is not one line uvsd reads", req);
	memcpy(line, req, sizeof(line));
	if (uvs_ctl_parse(line, &m) < 0)
		broken("uvsd cannot parse the request", req);
	for (i = 0; i < m.nkv; i++)
		for (k = 0; k < i; k++)
			if (strcmp(m.kv[i].key, m.kv[k].key) == 0)
				broken("the request names a key twice", req);
	switch (ce->cmd) {
	case CMD_ADD:
	case CMD_EDIT:
	case CMD_DEL:
		check_svc(ce, &m, req);
		break;
	case CMD_ADDDEST:
	case CMD_EDITDEST:
	case CMD_DELDEST:
		check_svc(ce, &m, req);
		check_dest(ce, &m, req);
		break;
	case CMD_ZERO:
		if (ce->options & (1ULL << O_SERVICE))
			check_svc(ce, &m, req);
		else if (m.nkv)
			broken("zero names a service nobody gave", req);
		break;
	case CMD_TIMEOUT:
		if (uvs_ctlreq_timeouts(&m, t) < 0 ||
		    t[0] != (uint32_t)ce->timeouts[0] ||
		    t[1] != (uint32_t)ce->timeouts[1] ||
		    t[2] != (uint32_t)ce->timeouts[2])
			broken("the timeouts changed on the way", req);
		break;
	case CMD_FLUSH:
		if (strcmp(m.verb, "clear") != 0 || m.nkv)
			broken("flush is not a bare clear", req);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[INPUT_MAX + 1], *argv[ARGV_MAX + 1], err[512];
	struct ipvs_cmd ce;
	int argc = 1, status;
	size_t i, start = 0;

	if (size > INPUT_MAX)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = "uvsadm";
	for (i = 0; i <= size && argc < ARGV_MAX; i++) {
		if (i < size && buf[i] != '\0' && buf[i] != '\n')
			continue;
		buf[i] = '\0';
		if (i > start || i < size)	/* no empty word at the end */
			argv[argc++] = buf + start;
		start = i + 1;
	}
	argv[argc] = NULL;

	memset(err, 'x', sizeof(err));
	status = uvs_ipvsargs_parse(&ce, argc, argv, err, sizeof(err));
	if (memchr(err, '\0', sizeof(err)) == NULL)
		broken("the message is not terminated", "");
	if (status != 0 && status != EXIT_USAGE && status != EXIT_REFUSED &&
	    status != EXIT_LIST)
		broken("an exit status ipvsadm never gives", err);
	if (status != 0 && err[0] == '\0')
		broken("a refusal without a message", "");
	if (status == 0 && uvs_ipvsargs_is_change(ce.cmd))
		check_request(&ce);
	return 0;
}
