/*
 * uvsadm: ipvsadm's command line, driving uvsd over its control socket.
 *
 * The words are parsed as ipvsadm 1.31 parses them (ipvsadm.c, here in
 * ipvsargs.c); only then is one request sent to uvsd. List replies go to
 * the printers in uvsadm_list.c. -R reads a rules file (rules.c) and
 * sends it as one batch, which uvsd applies whole or not at all.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwd/lang/ctlclient.h"
#include "fwd/lang/ctlmsg.h"
#include "fwd/lang/ipvsargs.h"
#include "fwd/lang/rules.h"
#include "sched/sched.h"
#include "fwd/uvsadm/uvsadm.h"

#define UVSADM_VERSION		"v0.1"
#define PROG			"uvsadm"

static void __attribute__((noreturn, format(printf, 2, 3)))
fail(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}


static void
version(FILE *f)
{
	fprintf(f, "%s %s (compatible with ipvsadm v1.31 and IPVS v1.2.1)\n",
	    PROG, UVSADM_VERSION);
}

static void __attribute__((noreturn))
usage_exit(void)
{
	const char *names[16];
	size_t i, n = uvs_sched_names(names, 16);

	version(stdout);
	printf("Usage:\n"
	    "  %1$s -A|E virtual-service [-s scheduler] [-p [timeout]] "
	    "[-M netmask] [-b sched-flags]\n"
	    "  %1$s -D virtual-service\n"
	    "  %1$s -C\n"
	    "  %1$s -R\n"
	    "  %1$s -S [-n]\n"
	    "  %1$s -a|e virtual-service -r server-address [options]\n"
	    "  %1$s -d virtual-service -r server-address\n"
	    "  %1$s -L|l [virtual-service] [options]\n"
	    "  %1$s -L --checks [virtual-service] [-n]\n"
	    "  %1$s -Z [virtual-service]\n"
	    "  %1$s --set tcp tcpfin udp\n"
	    "  %1$s --counters\n"
	    "  %1$s -h\n\n", PROG);
	printf("Commands:\n"
	    "Either long or short options are allowed.\n"
	    "  --add-service     -A        add virtual service with options\n"
	    "  --edit-service    -E        edit virtual service with options\n"
	    "  --delete-service  -D        delete virtual service\n"
	    "  --clear           -C        clear the whole table\n"
	    "  --restore         -R        restore rules from stdin\n"
	    "  --save            -S        save rules to stdout\n"
	    "  --add-server      -a        add real server with options\n"
	    "  --edit-server     -e        edit real server with options\n"
	    "  --delete-server   -d        delete real server\n"
	    "  --list            -L|-l     list the table\n"
	    "  --zero            -Z        zero counters in a service or all "
	    "services\n"
	    "  --set tcp tcpfin udp        set connection timeout values\n"
	    "  --counters                  uvs extension: print uvsd's "
	    "counters (packets,\n"
	    "                              drops by reason), one "
	    "\"name value\" a line\n"
	    "  --help            -h        display this help message\n\n");
	printf("virtual-service:\n"
	    "  --tcp-service|-t  service-address   service-address is "
	    "host[:port]\n"
	    "  --udp-service|-u  service-address   service-address is "
	    "host[:port]\n\n");
	printf("Options:\n"
	    "  --scheduler    -s scheduler         one of ");
	for (i = 0; i < n; i++)
		printf("%s%s", i ? "|" : "", names[i]);
	printf(",\n"
	    "                                      the default scheduler is "
	    "%s.\n"
	    "  --persistent   -p [timeout]         persistent service\n"
	    "  --netmask      -M netmask           persistent granularity "
	    "mask\n"
	    "  --real-server  -r server-address    server-address is host "
	    "(and port)\n"
	    "  --gatewaying   -g                   gatewaying (direct "
	    "routing) (default)\n"
	    "  --weight       -w weight            capacity of real server\n"
	    "  --u-threshold  -x uthreshold        upper threshold of "
	    "connections\n"
	    "  --l-threshold  -y lthreshold        lower threshold of "
	    "connections\n"
	    "  --connection   -c                   output of current IPVS "
	    "connections\n"
	    "  --timeout                           output of timeout (tcp "
	    "tcpfin udp)\n"
	    "  --daemon                            output of daemon "
	    "information\n"
	    "  --stats                             output of statistics "
	    "information\n"
	    "  --rate                              output of rate "
	    "information\n"
	    "  --exact                             expand numbers (display "
	    "exact values)\n"
	    "  --thresholds                        output of thresholds "
	    "information\n"
	    "  --persistent-conn                   output of persistent "
	    "connection info\n"
	    "  --tun-info                          output of tunnel "
	    "information\n"
	    "  --nosort                            disable sorting output of "
	    "service/server entries\n"
	    "  --sort                              does nothing, for "
	    "backwards compatibility\n"
	    "  --ops          -o                   one-packet scheduling\n"
	    "  --numeric      -n                   numeric output of "
	    "addresses and ports\n"
	    "  --sched-flags  -b flags             scheduler flags "
	    "(comma-separated)\n"
	    "  --json                              uvs extension: -L as JSON, "
	    "every figure\n"
	    "  --checks                            uvs extension: -L the health "
	    "checks\n\n", DEF_SCHED);
	printf("Health checks (uvs extension), on -a|e:\n"
	    "  --check TYPE                        how to check the real server:"
	    " tcp, http,\n"
	    "                                      ssl (https), smtp, udp, ping, "
	    "cmd or none\n"
	    "  --check-port port                   port to check (default: the "
	    "server's)\n"
	    "  --check-path path                   http, ssl: what to GET "
	    "(default /)\n"
	    "  --check-status list                 http, ssl: statuses wanted, "
	    "200-299,503\n"
	    "                                      (default: any 2xx)\n"
	    "  --check-host name                   http, ssl: the Host (and TLS "
	    "name) asked\n"
	    "  --check-url 'path [md5] [list]'     http, ssl: one more url that "
	    "must pass\n"
	    "                                      too (up to 3)\n"
	    "  --check-expect text                 http, ssl: text the body must "
	    "hold\n"
	    "  --check-digest md5hex               http, ssl: the body's MD5 "
	    "(keepalived's\n"
	    "                                      digest)\n"
	    "  --check-helo name                   smtp: the HELO name (default "
	    "keepalived's)\n"
	    "  --check-payload hex                 udp: the datagram (default "
	    "32 zero bytes)\n"
	    "  --check-reply                       udp: an answer is required "
	    "(default: only\n"
	    "                                      an ICMP error fails)\n"
	    "  --check-cmd 'command'               cmd: /bin/sh -c command, "
	    "healthy on exit 0\n"
	    "  --check-alpha                       start DOWN until the first "
	    "success\n"
	    "                                      (keepalived's alpha)\n"
	    "  --check-interval secs               time between checks "
	    "(default 5)\n"
	    "  --check-timeout secs                time a check may take "
	    "(default: the\n"
	    "                                      interval, at most 5)\n"
	    "  --check-retry secs                  after a failure, check again "
	    "this soon\n"
	    "  --rise n, --fall n                  successes to come back (2), "
	    "failures\n"
	    "                                      to go down (3)\n"
	    "  --on-fail inhibit|remove            down: weight 0 (default), or "
	    "out of the\n"
	    "                                      table with its flows\n"
	    "and on -A|E:\n"
	    "  --sorry-server address|none         serves alone while the "
	    "service lacks quorum\n"
	    "  --quorum n                          weight of up servers the "
	    "service needs (1)\n"
	    "  --hysteresis n                      slack on quorum, both ways "
	    "(0)\n\n");
	printf("Not in uvs (Direct Routing over IPv4, TCP and UDP only):\n"
	    "  -m (NAT), -i and --tun-* (tunneling), -f and -6 (fwmark, "
	    "IPv6), --sctp-service,\n"
	    "  --pe, --start-daemon, --stop-daemon and the daemon options.\n\n"
	    "Environment:\n"
	    "  %s  uvsd's control socket (default %s)\n",
	    UVS_CTL_SOCKET_ENV, UVS_CTL_SOCKET);
	exit(0);
}

/* libipvs's ipvs_strerror() table, keyed by command as it is by call. */
static const struct {
	int		 cmd;		/* CMD_NONE: any command */
	int		 err;
	const char	*msg;
} ipvs_errors[] = {
	{ CMD_ADD, EEXIST, "Service already exists" },
	{ CMD_ADD, ENOENT, "Scheduler or persistence engine not found" },
	{ CMD_EDIT, ESRCH, "No such service" },
	{ CMD_EDIT, ENOENT, "Scheduler or persistence engine not found" },
	{ CMD_DEL, ESRCH, "No such service" },
	{ CMD_ZERO, ESRCH, "No such service" },
	{ CMD_ADDDEST, ESRCH, "Service not defined" },
	{ CMD_ADDDEST, EEXIST, "Destination already exists" },
	{ CMD_EDITDEST, ESRCH, "Service not defined" },
	{ CMD_EDITDEST, ENOENT, "No such destination" },
	{ CMD_DELDEST, ESRCH, "Service not defined" },
	{ CMD_DELDEST, ENOENT, "No such destination" },
	{ CMD_LIST, ESRCH, "No such service" },
	{ CMD_NONE, EPERM, "Permission denied (you must be root)" },
};

/*
 * ipvsadm's text for a refusal. Past the table, uvsd's own message says
 * more than libipvs's kernel-module guesses ("Possibly wrong module
 * version" for EINVAL), so it is printed instead.
 */
static const char *
error_text(int cmd, int err, const char *msg)
{
	size_t i;

	for (i = 0; i < sizeof(ipvs_errors) / sizeof(ipvs_errors[0]); i++)
		if ((ipvs_errors[i].cmd == cmd ||
		    ipvs_errors[i].cmd == CMD_NONE) && ipvs_errors[i].err == err)
			return ipvs_errors[i].msg;
	return *msg ? msg : strerror(err);
}

static int
connect_uvsd(const char *path)
{
	int fd;

	/* the socket is root-only: say so, as ipvsadm's EPERM text does */
	if ((fd = uvs_ctl_connect(path)) == -EACCES || fd == -EPERM)
		fail(EXIT_USAGE, "%s: cannot reach uvsd at %s: %s", PROG, path,
		    error_text(CMD_NONE, EPERM, ""));
	if (fd < 0)
		fail(EXIT_USAGE, "%s: cannot reach uvsd at %s: %s "
		    "(is uvsd running?)", PROG, path, strerror(-fd));
	return fd;
}

/*
 * Sends one request and returns uvsd's reply if it says "ok"; otherwise
 * prints why and exits with status.
 */
static char *
call_uvsd(const char *req, int cmd, int status)
{
	const char *path = uvs_ctl_socket_path();
	char *reply, msg[256];
	int rc, err;

	if ((rc = uvs_ctl_transact(connect_uvsd(path), req, &reply)) < 0)
		fail(status, "%s: no reply from uvsd at %s: %s", PROG, path,
		    strerror(-rc));
	if (uvs_ctl_reply_status(reply, &err, msg, sizeof(msg)) < 0)
		fail(status, "%s: malformed reply from uvsd", PROG);
	/* ipvsadm fails at ipvs_init() when not root: exit 2 */
	if (err) {
		fprintf(stderr, "%s\n", error_text(cmd, err, msg));
		exit(err == EPERM ? EXIT_USAGE : status);
	}
	return reply;
}

/*
 * -R: the whole of stdin as one batch. uvsd checks every request before
 * it applies any, so a refusal names the line and changes nothing.
 */
static int
run_restore(void)
{
	const char *path = uvs_ctl_socket_path();
	struct uvs_rules r;
	char why[512], *reply;
	unsigned at;
	int rc, err, status;

	if ((status = uvs_rules_read(stdin, &r, why, sizeof(why))) != 0)
		fail(status, "%s: -R: %s; nothing was changed", PROG, why);
	if (r.n == 0)
		return 0;
	if ((rc = uvs_ctl_transact_batch(connect_uvsd(path),
	    (const char *const *)r.req, r.n, &reply)) < 0)
		fail(EXIT_REFUSED, "%s: no reply from uvsd at %s: %s", PROG,
		    path, strerror(-rc));
	if (uvs_ctl_reply_status(reply, &err, why, sizeof(why)) < 0)
		fail(EXIT_REFUSED, "%s: malformed reply from uvsd", PROG);
	free(reply);
	if (err && uvs_ctl_batch_error(why, &at) == 0 && at < r.n) {
		fprintf(stderr, "%s: -R: line %u: %s; nothing was changed\n",
		    PROG, r.lineno[at], error_text(r.cmd[at], err, why));
		uvs_rules_free(&r);
		exit(EXIT_REFUSED);
	}
	uvs_rules_free(&r);
	if (err)
		fail(err == EPERM ? EXIT_USAGE : EXIT_REFUSED, "%s: -R: %s",
		    PROG, *why ? why : strerror(err));
	return 0;
}

static int
run_change(const struct ipvs_cmd *ce)
{
	char req[UVS_CTL_LINE_MAX];

	/*
	 * No scheduler can have a name with blanks in it, so answer as
	 * uvsd would (ENOENT) rather than send a line it cannot parse.
	 */
	if ((ce->cmd == CMD_ADD || ce->cmd == CMD_EDIT) &&
	    strcspn(ce->svc.sched, " \t\r\n") != strlen(ce->svc.sched))
		fail(EXIT_REFUSED, "%s", error_text(ce->cmd, ENOENT, ""));
	uvs_ipvsargs_request(ce, req, sizeof(req));
	free(call_uvsd(req, ce->cmd, EXIT_REFUSED));
	return 0;
}

/* -L -c, line by line as uvsd sends it: a million flows stream through. */
struct conns_out {
	unsigned int	 fmt;
	int		 header;	/* printed */
};

static int
conns_line(void *arg, char *line)
{
	struct conns_out *o = arg;

	if (!o->header) {
		uvsadm_conns_header(stdout, o->fmt);
		o->header = 1;
	}
	return uvsadm_conns_line(stdout, line, o->fmt);
}

static int
run_conns(unsigned int fmt)
{
	const char *path = uvs_ctl_socket_path();
	struct conns_out o = { fmt, 0 };
	char msg[256];
	int rc, err;

	rc = uvs_ctl_transact_lines(connect_uvsd(path), "conns", conns_line,
	    &o, &err, msg, sizeof(msg));
	if (rc == -EPROTO)
		fail(EXIT_LIST, "%s: malformed reply from uvsd", PROG);
	if (rc < 0)
		fail(EXIT_LIST, "%s: no reply from uvsd at %s: %s", PROG, path,
		    strerror(-rc));
	if (err) {
		fprintf(stderr, "%s\n", error_text(CMD_LIST, err, msg));
		exit(err == EPERM ? EXIT_USAGE : EXIT_LIST);
	}
	if (!o.header)
		uvsadm_conns_header(stdout, fmt);
	return 0;
}

/* Prints a printer's failure the way ipvsadm reports a failed listing. */
static int
printed(int rc, int cmd)
{
	if (rc == -EPROTO)
		fail(EXIT_LIST, "%s: malformed reply from uvsd", PROG);
	if (rc == -ENODATA)
		fail(EXIT_LIST, "%s: uvsd does not report the figures this "
		    "listing needs", PROG);
	if (rc < 0)
		fail(EXIT_LIST, "%s", error_text(cmd, -rc, ""));
	return 0;
}

/*
 * -L --daemon, as ipvsadm 1.31's print_daemon: one line per daemon that
 * runs, nothing when none does. uvsd reports every setting, defaults
 * included, as the kernel does.
 */
static int
run_daemons(void)
{
	char *reply = call_uvsd("daemon", CMD_LIST, EXIT_LIST), *line, *save;
	struct uvs_ctl_msg m;
	int rc = 0;

	for (line = strtok_r(reply, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		if (uvs_ctl_parse(line, &m) < 0 || strcmp(m.verb, "daemon"))
			continue;
		if (printf("%s sync daemon (mcast=%s, syncid=%s, maxlen=%s, "
		    "group=%s, port=%s, ttl=%s)\n", uvs_ctl_get(&m, "state"),
		    uvs_ctl_get(&m, "ifn"), uvs_ctl_get(&m, "syncid"),
		    uvs_ctl_get(&m, "maxlen"), uvs_ctl_get(&m, "group"),
		    uvs_ctl_get(&m, "port"), uvs_ctl_get(&m, "ttl")) < 0)
			rc = -1;
	}
	free(reply);
	return printed(rc, CMD_LIST);
}

static int
run_list(const struct ipvs_cmd *ce)
{
	struct uvsadm_svc_key key = { ce->svc.proto, ce->svc.af,
	    ce->svc.addr, ce->svc.port };
	unsigned int fmt = ce->fmt;
	char *reply;
	int rc;

	if (ce->options & (1ULL << O_DAEMON))
		return run_daemons();
	if (ce->options & (1ULL << O_CONNECTION))
		return run_conns(fmt);
	if (ce->options & (1ULL << O_TIMEOUT)) {
		reply = call_uvsd("timeout", CMD_LIST, EXIT_LIST);
		rc = uvsadm_timeout_print(stdout, reply);
	} else {
		if (ce->cmd == CMD_SAVE)
			fmt |= UVSADM_FMT_RULE;
		reply = call_uvsd("list", CMD_LIST, EXIT_LIST);
		rc = uvsadm_list_print(stdout, reply, fmt,
		    ce->options & (1ULL << O_SERVICE) ? &key : NULL);
	}
	free(reply);
	return printed(rc, CMD_LIST);
}

static int
run(const struct ipvs_cmd *ce)
{
	char *reply;
	int rc;

	switch (ce->cmd) {
	case CMD_LIST:
	case CMD_SAVE:
		return run_list(ce);
	case CMD_COUNTERS:
		reply = call_uvsd("counters", CMD_COUNTERS, EXIT_LIST);
		rc = uvsadm_counters_print(stdout, reply);
		free(reply);
		return printed(rc, CMD_COUNTERS);
	case CMD_RESTORE:
		return run_restore();
	default:
		return run_change(ce);
	}
}

int
main(int argc, char **argv)
{
	struct ipvs_cmd ce;
	char why[512];
	int status;

	if (argc == 1) {	/* bare ipvsadm lists the table */
		memset(&ce, 0, sizeof(ce));
		ce.cmd = CMD_LIST;
		return run(&ce);
	}
	if ((status = uvs_ipvsargs_parse(&ce, argc, argv, why,
	    sizeof(why))) != 0)
		fail(status, "%s", why);
	if (ce.cmd == CMD_HELP)
		usage_exit();
	if (ce.cmd == CMD_VERSION) {
		version(stdout);
		return 0;
	}
	return run(&ce);
}
