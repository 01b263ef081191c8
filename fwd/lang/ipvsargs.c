/*
 * ipvsadm's option parsing (ipvsadm.c parse_options, process_options):
 * the first option must be a command; the rest are applied one by one,
 * each failing at once with ipvsadm's message; then the command x option
 * table decides what is required or illegal. The same words, the same
 * order of checks and the same exit statuses, so scripts written for
 * ipvsadm keep working. What uvs cannot do (NAT, fwmarks, SCTP, IPv6,
 * persistence engines) is refused in one line.
 *
 * A failure anywhere in the walk longjmps back to uvs_ipvsargs_parse()
 * with the message, as ipvsadm's fail() exits: the checks stay one line
 * each, in ipvsadm's order, and nothing is left half-parsed.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fwd/lang/ipvsargs.h"
#include "sched/sched.h"

#define PROG			"uvsadm"

/* The walk's state: the command being filled and where a failure goes. */
struct parse {
	struct ipvs_cmd	*ce;
	jmp_buf		 bail;
	int		 status;
	char		*err;
	size_t		 errlen;
};

static void __attribute__((noreturn, format(printf, 3, 4)))
fail(struct parse *p, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	p->status = status;
	longjmp(p->bail, 1);
}

static void __attribute__((noreturn))
tryhelp(struct parse *p)
{
	fail(p, EXIT_REFUSED, "Try `%s -h' or '%s --help' for more "
	    "information.", PROG, PROG);
}

static const char *const cmd_names[NCMD] = {
	[CMD_ADD] = "add-service", [CMD_EDIT] = "edit-service",
	[CMD_DEL] = "delete-service", [CMD_FLUSH] = "flush",
	[CMD_LIST] = "list", [CMD_ADDDEST] = "add-server",
	[CMD_DELDEST] = "delete-server", [CMD_EDITDEST] = "edit-server",
	[CMD_TIMEOUT] = "set", [CMD_STARTDAEMON] = "start-daemon",
	[CMD_STOPDAEMON] = "stop-daemon", [CMD_RESTORE] = "restore",
	[CMD_SAVE] = "save", [CMD_ZERO] = "zero", [CMD_COUNTERS] = "counters",
};

static const char *const opt_names[NOPT] = {
	"numeric", "connection", "service-address", "scheduler",
	"persistent", "netmask", "real-server", "forwarding-method", "weight",
	"u-threshold", "l-threshold", "mcast-interface", "timeout", "daemon",
	"stats", "rate", "thresholds", "persistent-conn", "nosort", "syncid",
	"exact", "ops", "pe", "sched-flags", "mcast-group", "mcast-port",
	"mcast-ttl", "sync-maxlen", "tun-info", "tun-type", "tun-port",
	"tun-nocsum", "tun-csum", "tun-remcsum", "json",
	"check", "check-port", "check-path", "check-status", "check-expect",
	"check-digest", "check-cmd", "check-interval", "check-timeout",
	"check-retry", "rise", "fall", "on-fail", "sorry-server", "quorum",
	"hysteresis", "checks", "check-helo", "check-payload", "check-reply",
	"check-host", "check-url", "check-alpha", "quorum-up", "quorum-down",
	"omega",
};

_Static_assert(NOPT <= 64, "options are bits of a uint64_t");

/*
 * ipvsadm's commands_v_options table, one string per command, one
 * character per option above: '+' required, 'x' illegal, '1' at most one
 * of the '1's, ' ' optional. Each string is exactly NOPT long (a longer
 * one does not compile). The columns from 35 on are uvs's health options:
 * the check's on -a/-e, sorry server and quorum on -A/-E, --checks on -L.
 */
static const char legal[NCMD][NOPT] = {
	/*                 0123456789012345678901234567890123456789012345678901234567890 */
	[CMD_ADD] =       "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxxxxxxxxxxxxxxxx   xxxxxxx   ",
	[CMD_EDIT] =      "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxxxxxxxxxxxxxxxx   xxxxxxx   ",
	[CMD_DEL] =       "xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	[CMD_FLUSH] =     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	[CMD_LIST] =      " 11xxxxxxxxx11       xxxxxxx xxxxx xxxxxxxxxxxxxxxx xxxxxxxxx",
	[CMD_ADDDEST] =   "xx+xxx+    xxxxxxxxxxxxxxxxxx     x             xxxx      xxx",
	[CMD_DELDEST] =   "xx+xxx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	[CMD_EDITDEST] =  "xx+xxx+    xxxxxxxxxxxxxxxxxx     x             xxxx      xxx",
	[CMD_TIMEOUT] =   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	[CMD_STARTDAEMON] = "xxxxxxxxxxx xxxxxxx xxxx    xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	[CMD_STOPDAEMON] = "xxxxxxxxxxxxxxxxxxx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	[CMD_RESTORE] =   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	[CMD_SAVE] =      " xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	[CMD_ZERO] =      "xx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	[CMD_COUNTERS] =  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
};

/* Option tags: the short letter where there is one, else from 128. */
enum {
	TAG_SET = 128, TAG_START_DAEMON, TAG_STOP_DAEMON, TAG_MCAST_INTERFACE,
	TAG_TIMEOUT, TAG_DAEMON, TAG_STATS, TAG_RATE, TAG_THRESHOLDS,
	TAG_PERSISTENTCONN, TAG_SORT, TAG_NO_SORT, TAG_PERSISTENCE_ENGINE,
	TAG_SCTP_SERVICE, TAG_MCAST_GROUP, TAG_MCAST_PORT, TAG_MCAST_TTL,
	TAG_SYNC_MAXLEN, TAG_TUN_INFO, TAG_TUN_TYPE, TAG_TUN_PORT,
	TAG_TUN_NOCSUM, TAG_TUN_CSUM, TAG_TUN_REMCSUM, TAG_COUNTERS, TAG_JSON,
	TAG_CHECK, TAG_CHECK_PORT, TAG_CHECK_PATH, TAG_CHECK_STATUS,
	TAG_CHECK_EXPECT, TAG_CHECK_DIGEST, TAG_CHECK_CMD, TAG_CHECK_INTERVAL,
	TAG_CHECK_TIMEOUT, TAG_CHECK_RETRY, TAG_RISE, TAG_FALL, TAG_ON_FAIL,
	TAG_SORRY, TAG_QUORUM, TAG_HYSTERESIS, TAG_CHECKS, TAG_CHECK_HELO,
	TAG_CHECK_PAYLOAD, TAG_CHECK_REPLY, TAG_CHECK_HOST, TAG_CHECK_URL,
	TAG_CHECK_ALPHA, TAG_QUORUM_UP, TAG_QUORUM_DOWN, TAG_OMEGA,
};

enum { ARG_NONE, ARG_REQUIRED, ARG_OPTIONAL };

struct opt {
	const char	*name;
	int		 letter;	/* 0: long only */
	int		 arg;
	int		 tag;
};

/* ipvsadm's popt table (its "syncid" tag is 'I' without a short form). */
static const struct opt opts[] = {
	{ "add-service", 'A', ARG_NONE, 'A' },
	{ "edit-service", 'E', ARG_NONE, 'E' },
	{ "delete-service", 'D', ARG_NONE, 'D' },
	{ "clear", 'C', ARG_NONE, 'C' },
	{ "list", 'L', ARG_NONE, 'L' },
	{ "list", 'l', ARG_NONE, 'l' },
	{ "zero", 'Z', ARG_NONE, 'Z' },
	{ "add-server", 'a', ARG_NONE, 'a' },
	{ "edit-server", 'e', ARG_NONE, 'e' },
	{ "delete-server", 'd', ARG_NONE, 'd' },
	{ "set", 0, ARG_NONE, TAG_SET },
	{ "help", 'h', ARG_NONE, 'h' },
	{ "version", 'v', ARG_NONE, 'v' },
	{ "restore", 'R', ARG_NONE, 'R' },
	{ "save", 'S', ARG_NONE, 'S' },
	{ "start-daemon", 0, ARG_REQUIRED, TAG_START_DAEMON },
	{ "stop-daemon", 0, ARG_REQUIRED, TAG_STOP_DAEMON },
	{ "tcp-service", 't', ARG_REQUIRED, 't' },
	{ "udp-service", 'u', ARG_REQUIRED, 'u' },
	{ "sctp-service", 0, ARG_REQUIRED, TAG_SCTP_SERVICE },
	{ "fwmark-service", 'f', ARG_REQUIRED, 'f' },
	{ "scheduler", 's', ARG_REQUIRED, 's' },
	{ "persistent", 'p', ARG_OPTIONAL, 'p' },
	{ "netmask", 'M', ARG_REQUIRED, 'M' },
	{ "real-server", 'r', ARG_REQUIRED, 'r' },
	{ "masquerading", 'm', ARG_NONE, 'm' },
	{ "ipip", 'i', ARG_NONE, 'i' },
	{ "gatewaying", 'g', ARG_NONE, 'g' },
	{ "weight", 'w', ARG_REQUIRED, 'w' },
	{ "u-threshold", 'x', ARG_REQUIRED, 'x' },
	{ "l-threshold", 'y', ARG_REQUIRED, 'y' },
	{ "numeric", 'n', ARG_NONE, 'n' },
	{ "connection", 'c', ARG_NONE, 'c' },
	{ "mcast-interface", 0, ARG_REQUIRED, TAG_MCAST_INTERFACE },
	{ "syncid", 0, ARG_REQUIRED, 'I' },
	{ "timeout", 0, ARG_NONE, TAG_TIMEOUT },
	{ "daemon", 0, ARG_NONE, TAG_DAEMON },
	{ "stats", 0, ARG_NONE, TAG_STATS },
	{ "rate", 0, ARG_NONE, TAG_RATE },
	{ "thresholds", 0, ARG_NONE, TAG_THRESHOLDS },
	{ "persistent-conn", 0, ARG_NONE, TAG_PERSISTENTCONN },
	{ "nosort", 0, ARG_NONE, TAG_NO_SORT },
	{ "sort", 0, ARG_NONE, TAG_SORT },
	{ "exact", 'X', ARG_NONE, 'X' },
	{ "ipv6", '6', ARG_NONE, '6' },
	{ "ops", 'o', ARG_NONE, 'o' },
	{ "pe", 0, ARG_REQUIRED, TAG_PERSISTENCE_ENGINE },
	{ "sched-flags", 'b', ARG_REQUIRED, 'b' },
	{ "mcast-group", 0, ARG_REQUIRED, TAG_MCAST_GROUP },
	{ "mcast-port", 0, ARG_REQUIRED, TAG_MCAST_PORT },
	{ "mcast-ttl", 0, ARG_REQUIRED, TAG_MCAST_TTL },
	{ "sync-maxlen", 0, ARG_REQUIRED, TAG_SYNC_MAXLEN },
	{ "tun-info", 0, ARG_NONE, TAG_TUN_INFO },
	{ "tun-type", 0, ARG_REQUIRED, TAG_TUN_TYPE },
	{ "tun-port", 0, ARG_REQUIRED, TAG_TUN_PORT },
	{ "tun-nocsum", 0, ARG_NONE, TAG_TUN_NOCSUM },
	{ "tun-csum", 0, ARG_NONE, TAG_TUN_CSUM },
	{ "tun-remcsum", 0, ARG_NONE, TAG_TUN_REMCSUM },
	{ "counters", 0, ARG_NONE, TAG_COUNTERS },	/* uvs extension */
	{ "json", 0, ARG_NONE, TAG_JSON },		/* uvs extension */
	/* uvs extension: health checks */
	{ "check", 0, ARG_REQUIRED, TAG_CHECK },
	{ "check-port", 0, ARG_REQUIRED, TAG_CHECK_PORT },
	{ "check-path", 0, ARG_REQUIRED, TAG_CHECK_PATH },
	{ "check-status", 0, ARG_REQUIRED, TAG_CHECK_STATUS },
	{ "check-expect", 0, ARG_REQUIRED, TAG_CHECK_EXPECT },
	{ "check-digest", 0, ARG_REQUIRED, TAG_CHECK_DIGEST },
	{ "check-cmd", 0, ARG_REQUIRED, TAG_CHECK_CMD },
	{ "check-interval", 0, ARG_REQUIRED, TAG_CHECK_INTERVAL },
	{ "check-timeout", 0, ARG_REQUIRED, TAG_CHECK_TIMEOUT },
	{ "check-retry", 0, ARG_REQUIRED, TAG_CHECK_RETRY },
	{ "rise", 0, ARG_REQUIRED, TAG_RISE },
	{ "fall", 0, ARG_REQUIRED, TAG_FALL },
	{ "on-fail", 0, ARG_REQUIRED, TAG_ON_FAIL },
	{ "sorry-server", 0, ARG_REQUIRED, TAG_SORRY },
	{ "quorum", 0, ARG_REQUIRED, TAG_QUORUM },
	{ "hysteresis", 0, ARG_REQUIRED, TAG_HYSTERESIS },
	{ "checks", 0, ARG_NONE, TAG_CHECKS },
	{ "check-helo", 0, ARG_REQUIRED, TAG_CHECK_HELO },
	{ "check-payload", 0, ARG_REQUIRED, TAG_CHECK_PAYLOAD },
	{ "check-reply", 0, ARG_NONE, TAG_CHECK_REPLY },
	{ "check-host", 0, ARG_REQUIRED, TAG_CHECK_HOST },
	{ "check-url", 0, ARG_REQUIRED, TAG_CHECK_URL },
	{ "check-alpha", 0, ARG_NONE, TAG_CHECK_ALPHA },
	{ "quorum-up", 0, ARG_REQUIRED, TAG_QUORUM_UP },
	{ "quorum-down", 0, ARG_REQUIRED, TAG_QUORUM_DOWN },
	{ "omega", 0, ARG_NONE, TAG_OMEGA },
};

#define NOPTS	(sizeof(opts) / sizeof(opts[0]))

/* What uvs cannot do, refused before anything is sent. */
static const struct {
	int		 tag;
	const char	*why;
} unsupported[] = {
	{ 'm', "-m (masquerading/NAT) is not supported: uvs forwards by "
	    "direct routing (-g) or tunnelling (-i), never rewriting addresses" },
	{ 'f', "-f (firewall-mark services) is not supported: "
	    "uvs matches services by protocol, address and port" },
	{ TAG_SCTP_SERVICE, "--sctp-service is not supported: "
	    "uvs forwards TCP and UDP only" },
	{ TAG_PERSISTENCE_ENGINE, "--pe is not supported: "
	    "uvs has no persistence engines" },
	{ '6', "-6 (IPv6 firewall-mark services) is not supported: "
	    "uvs matches services by protocol, address and port" },
};

/* popt's error codes and words, which ipvsadm prints as they are. */
#define ARG_END		(-1)
#define ARG_NOARG	(-10)
#define ARG_BADOPT	(-11)
#define ARG_UNWANTED	(-12)

/* A popt-like walk over argv: options in order, other words kept apart. */
struct argscan {
	int		 argc;
	char		**argv;
	int		 next;		/* next argv word */
	const char	*cluster;	/* rest of a "-abc" word */
	const char	*cur;		/* word last taken (poptBadOption) */
	int		 dashdash;	/* after "--": only arguments */
	char		**rest;		/* non-option words, in order */
	int		 nrest, restpos;
};



static const struct opt *
find_long(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NOPTS; i++)
		if (strlen(opts[i].name) == len &&
		    strncmp(opts[i].name, name, len) == 0)
			return &opts[i];
	return NULL;
}

static const struct opt *
find_short(int c)
{
	size_t i;

	for (i = 0; i < NOPTS; i++)
		if (opts[i].letter == c)
			return &opts[i];
	return NULL;
}

/* Takes an option's value from the rest of its word or the next word. */
static int
take_arg(struct argscan *s, const struct opt *o, const char *inl,
    const char **optarg)
{
	*optarg = NULL;
	if (inl) {
		*optarg = inl;
		return o->tag;
	}
	if (s->next == s->argc)
		return o->arg == ARG_OPTIONAL ? o->tag : ARG_NOARG;
	/* popt leaves "-word" alone for an optional value */
	if (o->arg == ARG_OPTIONAL && s->argv[s->next][0] == '-')
		return o->tag;
	*optarg = s->argv[s->next++];
	return o->tag;
}

/*
 * The next option's tag with its value in *optarg, ARG_END when argv is
 * used up, or a negative popt error. Non-option words are set aside.
 */
static int
argscan_next(struct argscan *s, const char **optarg)
{
	const struct opt *o;
	const char *w, *eq;

	*optarg = NULL;
	if (s->cluster && *s->cluster) {
		if (!(o = find_short((unsigned char)*s->cluster++)))
			return ARG_BADOPT;
		if (o->arg == ARG_NONE)
			return o->tag;
		w = *s->cluster ? s->cluster + (*s->cluster == '=') : NULL;
		s->cluster = NULL;
		return take_arg(s, o, w, optarg);
	}
	s->cluster = NULL;
	while (s->next < s->argc) {
		w = s->argv[s->next++];
		s->cur = w;
		if (s->dashdash || w[0] != '-' || w[1] == '\0') {
			s->rest[s->nrest++] = (char *)w;
			continue;
		}
		if (strcmp(w, "--") == 0) {
			s->dashdash = 1;
			continue;
		}
		if (w[1] != '-') {
			s->cluster = w + 1;
			return argscan_next(s, optarg);
		}
		eq = strchr(w + 2, '=');
		if (!(o = find_long(w + 2, eq ? (size_t)(eq - w - 2) :
		    strlen(w + 2))))
			return ARG_BADOPT;
		if (o->arg == ARG_NONE)
			return eq ? ARG_UNWANTED : o->tag;
		return take_arg(s, o, eq ? eq + 1 : NULL, optarg);
	}
	return ARG_END;
}

static const char *
arg_strerror(int err)
{
	switch (err) {
	case ARG_NOARG:
		return "missing argument";
	case ARG_UNWANTED:
		return "option does not take an argument";
	default:
		return "unknown option";
	}
}

static void
check_supported(struct parse *p, int tag)
{
	size_t i;

	for (i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++)
		if (unsupported[i].tag == tag)
			fail(p, EXIT_USAGE, "%s: %s", PROG, unsupported[i].why);
}

/* ipvsadm's string_to_number(): the whole word, within [min, max]. */
static int
string_to_number(const char *s, int min, int max)
{
	long n;
	char *end;

	errno = 0;
	n = strtol(s, &end, 10);
	if (*end == '\0' && end != s && errno != ERANGE && n >= min &&
	    n <= max)
		return (int)n;
	return -1;
}

/* True when every character of s passes is() (true for ""). */
static int
str_all(const char *s, int (*is)(int))
{
	for (; *s; s++)
		if (!is((unsigned char)*s))
			return 0;
	return 1;
}

/* Host name or dotted quad to an IPv4 address; 0 or -1. */
static int
host_to_addr(const char *name, uint32_t *addr)
{
	struct addrinfo hints = { .ai_family = AF_INET,
	    .ai_socktype = SOCK_STREAM }, *res;
	struct in_addr in;

	if (inet_aton(name, &in)) {
		*addr = in.s_addr;
		return 0;
	}
	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return -1;
	*addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr;
	freeaddrinfo(res);
	return 0;
}

static int
service_to_port(const char *name, uint8_t proto)
{
	struct servent *se;

	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return -1;
	if (!(se = getservbyname(name, proto == IPPROTO_TCP ? "tcp" : "udp")))
		return -1;
	return ntohs((uint16_t)se->s_port);
}

#define SERVICE_NONE	0
#define SERVICE_ADDR	1
#define SERVICE_PORT	2

/*
 * ipvsadm's parse_service(): "host[:port]", "[v6]:port" or a bare v6
 * address, port a number or a service name. SERVICE_ADDR, plus
 * SERVICE_PORT when a port was given, or SERVICE_NONE. As in ipvsadm, a
 * bracket must close and be followed by ":port", and a v4 address in
 * brackets loses its port (only a v6 one keeps the bracket's).
 */
static int
parse_service(const char *arg, uint8_t proto, int *af,
    union uvs_inaddr *addr, uint16_t *port)
{
	union uvs_inaddr a = { .all = { 0 } };
	char buf[NI_MAXHOST + 32], *host = buf, *portp = NULL;
	int n;

	if (snprintf(buf, sizeof(buf), "%s", arg) >= (int)sizeof(buf) ||
	    str_all(buf, isdigit))
		return SERVICE_NONE;
	if (buf[0] == '[') {
		host = buf + 1;
		if (!(portp = strchr(host, ']')))
			return SERVICE_NONE;
		*portp++ = '\0';
		if (*portp != ':')
			return SERVICE_NONE;
		*portp = '\0';
	}
	if (inet_pton(AF_INET6, host, &a.in6) == 1) {
		*af = AF_INET6;
	} else {
		if ((portp = strrchr(host, ':')))
			*portp = '\0';
		if (host_to_addr(host, &a.ip) < 0)
			return SERVICE_NONE;
		*af = AF_INET;
	}
	*addr = a;
	if (!portp)
		return SERVICE_ADDR;
	portp++;
	if ((n = string_to_number(portp, 0, 65535)) == -1 &&
	    (n = service_to_port(portp, proto)) == -1)
		return SERVICE_NONE;
	*port = (uint16_t)n;
	return SERVICE_ADDR | SERVICE_PORT;
}

static int
parse_timeout(struct parse *p, const char *arg, int min, int max)
{
	int n;

	if (!arg)	/* -p without a value */
		return PERSISTENT_TIMEOUT;
	if ((n = string_to_number(arg, min, max)) == -1)
		fail(p, EXIT_USAGE, "invalid timeout value `%s' specified", arg);
	return n;
}

/* ipvsadm's parse_sched_flags(); sched is what -s gave so far. */
static uint32_t
parse_sched_flags(struct parse *p, const char *sched, char *arg)
{
	static const struct {
		const char	*name;
		uint32_t	 flag;
		const char	*only;	/* scheduler it belongs to */
	} names[] = {
		{ "flag-1", UVSADM_SVC_F_SCHED1, NULL },
		{ "flag-2", UVSADM_SVC_F_SCHED2, NULL },
		{ "flag-3", UVSADM_SVC_F_SCHED3, NULL },
		{ "sh-fallback", UVSADM_SVC_F_SCHED1, "sh" },
		{ "sh-port", UVSADM_SVC_F_SCHED2, "sh" },
		{ "mh-fallback", UVSADM_SVC_F_SCHED1, "mh" },
		{ "mh-port", UVSADM_SVC_F_SCHED2, "mh" },
	};
	uint32_t flags = 0;
	char *flag, *save = NULL;
	size_t i;

	sched = *sched ? sched : DEF_SCHED;
	for (flag = strtok_r(arg, ",", &save); flag;
	    flag = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(flag, names[i].name) == 0)
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			fail(p, EXIT_USAGE, "invalid scheduler flag `%s'", flag);
		if (names[i].only && strcmp(sched, names[i].only) != 0)
			fail(p, EXIT_USAGE, "incompatible scheduler flag `%s'",
			    flag);
		flags |= names[i].flag;
	}
	if (!flags)	/* only commas: ipvsadm would crash here */
		fail(p, EXIT_USAGE, "invalid scheduler flag `%s'", "");
	return flags;
}

static void
set_option(struct parse *p, int optc)
{
	uint64_t *options = &p->ce->options;

	if (*options & (1ULL << optc))
		fail(p, EXIT_USAGE, "multiple '%s' options specified",
		    opt_names[optc]);
	*options |= 1ULL << optc;
}

/* ipvsadm's generic_opt_check(): walks the options in table order. */
static void
check_options(struct parse *p)
{
	int cmd = p->ce->cmd;
	uint64_t options = p->ce->options;
	int j, last = 0, count = 0;
	char rule;

	for (j = 0; j < NOPT; j++) {
		rule = legal[cmd][j];
		if (!(options & (1ULL << j))) {
			if (rule == '+')
				fail(p, EXIT_USAGE, "You need to supply the '%s' "
				    "option for the '%s' command",
				    opt_names[j], cmd_names[cmd]);
			continue;
		}
		if (rule == 'x')
			fail(p, EXIT_USAGE, "Illegal '%s' option with the '%s' "
			    "command", opt_names[j], cmd_names[cmd]);
		if (rule == '1' && ++count > 1)
			fail(p, EXIT_USAGE, "The option '%s' conflicts with the "
			    "'%s' option in the '%s' command", opt_names[j],
			    opt_names[last], cmd_names[cmd]);
		if (rule == '1')
			last = j;
	}
}

static int
command_of(int tag)
{
	switch (tag) {
	case 'A':
		return CMD_ADD;
	case 'E':
		return CMD_EDIT;
	case 'D':
		return CMD_DEL;
	case 'a':
		return CMD_ADDDEST;
	case 'e':
		return CMD_EDITDEST;
	case 'd':
		return CMD_DELDEST;
	case 'C':
		return CMD_FLUSH;
	case 'L':
	case 'l':
		return CMD_LIST;
	case 'Z':
		return CMD_ZERO;
	case TAG_SET:
		return CMD_TIMEOUT;
	case 'R':
		return CMD_RESTORE;
	case 'S':
		return CMD_SAVE;
	case TAG_COUNTERS:
		return CMD_COUNTERS;
	case TAG_START_DAEMON:
		return CMD_STARTDAEMON;
	case TAG_STOP_DAEMON:
		return CMD_STOPDAEMON;
	}
	return CMD_NONE;
}

static void
parse_mcast_group(struct parse *p, const char *arg)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (strchr(arg, ':')) {
		if (inet_pton(AF_INET6, arg, &a6) <= 0 ||
		    !IN6_IS_ADDR_MULTICAST(&a6))
			fail(p, EXIT_USAGE, "invalid IPv6 mcast-group `%s'", arg);
	} else if (inet_pton(AF_INET, arg, &a4) <= 0 ||
	    !IN_MULTICAST(ntohl(a4.s_addr)))
		fail(p, EXIT_USAGE, "invalid IPv4 mcast-group `%s'", arg);
}

/* Sets *field from a number in [min, max] or fails with "illegal WHAT". */
static void
parse_number(struct parse *p, const char *arg, int min, int max, const char *what,
    int *field)
{
	if ((*field = string_to_number(arg, min, max)) == -1)
		fail(p, EXIT_USAGE, "illegal %s specified", what);
}

static void
opt_service(struct parse *p, int tag, const char *arg)
{
	struct ipvs_cmd *ce = p->ce;

	set_option(p, O_SERVICE);
	ce->svc.proto = tag == 't' ? IPPROTO_TCP : IPPROTO_UDP;
	if (!(parse_service(arg, ce->svc.proto, &ce->svc.af, &ce->svc.addr,
	    &ce->svc.port) & SERVICE_ADDR))
		fail(p, EXIT_USAGE, "illegal virtual server address[:port] "
		    "specified");
	/* ipvsadm's parse_service: a v6 service persists per address */
	if (ce->svc.af == AF_INET6)
		ce->svc.netmask = 128;
}

static void
opt_server(struct parse *p, const char *arg)
{
	struct ipvs_cmd *ce = p->ce;
	uint16_t port = ce->svc.port;
	int parse;

	set_option(p, O_SERVER);
	parse = parse_service(arg, ce->svc.proto, &ce->dest.af,
	    &ce->dest.addr, &port);
	if (!(parse & SERVICE_ADDR))
		fail(p, EXIT_USAGE, "illegal real server address[:port] "
		    "specified");
	/* copy vport to dport if not specified */
	ce->dest.port = parse == SERVICE_ADDR ? ce->svc.port : port;
}

static void
opt_netmask(struct parse *p, const char *arg)
{
	struct ipvs_cmd *ce = p->ce;

	set_option(p, O_NETMASK);
	/* ipvsadm: a prefix length once the service is known to be v6 */
	if (ce->svc.af == AF_INET6) {
		ce->svc.netmask = (uint32_t)atoi(arg);
		if (ce->svc.netmask < 1 || ce->svc.netmask > 128)
			fail(p, EXIT_USAGE, "illegal ipv6 netmask specified");
		return;
	}
	if (host_to_addr(arg, &ce->svc.netmask) < 0)
		fail(p, EXIT_USAGE, "illegal virtual server persistent mask "
		    "specified");
}

/* Options that only select an output format. */
static int
opt_format(struct parse *p, int tag)
{
	struct ipvs_cmd *ce = p->ce;
	static const struct {
		int		tag, optc;
		unsigned int	fmt;
	} fmts[] = {
		{ 'n', O_NUMERIC, UVSADM_FMT_NUMERIC },
		{ 'c', O_CONNECTION, 0 },
		{ TAG_TIMEOUT, O_TIMEOUT, 0 },
		{ TAG_DAEMON, O_DAEMON, 0 },
		{ TAG_STATS, O_STATS, UVSADM_FMT_STATS },
		{ TAG_RATE, O_RATE, UVSADM_FMT_RATE },
		{ TAG_THRESHOLDS, O_THRESHOLDS, UVSADM_FMT_THRESHOLDS },
		{ TAG_PERSISTENTCONN, O_PERSISTENTCONN,
		    UVSADM_FMT_PERSISTENTCONN },
		{ TAG_NO_SORT, O_NOSORT, UVSADM_FMT_NOSORT },
		{ 'X', O_EXACT, UVSADM_FMT_EXACT },
		{ TAG_TUN_INFO, O_TUN_INFO, UVSADM_FMT_TUN_INFO },
		{ TAG_TUN_NOCSUM, O_TUN_NOCSUM, 0 },
		{ TAG_TUN_CSUM, O_TUN_CSUM, 0 },
		{ TAG_TUN_REMCSUM, O_TUN_REMCSUM, 0 },
		{ TAG_JSON, O_JSON, UVSADM_FMT_JSON },
		{ TAG_CHECKS, O_CHECKS, UVSADM_FMT_CHECKS },
	};
	size_t i;

	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		if (fmts[i].tag != tag)
			continue;
		set_option(p, fmts[i].optc);
		ce->fmt |= fmts[i].fmt;
		return 1;
	}
	return 0;
}

/* Options that only validate a value uvs then has no use for. */
static int
opt_ignored(struct parse *p, int tag, const char *arg)
{
	struct daemon_arg *dm = &p->ce->daemon;
	int dummy;

	switch (tag) {
	case TAG_MCAST_INTERFACE:
		set_option(p, O_MCAST);
		/* ipvsadm keeps IP_VS_IFNAME_MAXLEN - 1 characters */
		snprintf(dm->mcast_ifn, sizeof(dm->mcast_ifn), "%s", arg);
		return 1;
	case 'I':
		set_option(p, O_SYNCID);
		parse_number(p, arg, 0, 255, "syncid", &dm->syncid);
		return 1;
	case TAG_MCAST_GROUP:
		set_option(p, O_MCAST_GROUP);
		parse_mcast_group(p, arg);
		if (strchr(arg, ':'))
			fail(p, EXIT_USAGE, "%s: --mcast-group: IPv6 groups are "
			    "not supported", PROG);
		snprintf(dm->mcast_group, sizeof(dm->mcast_group), "%s", arg);
		return 1;
	case TAG_MCAST_PORT:
		set_option(p, O_MCAST_PORT);
		parse_number(p, arg, 1, 65535, "mcast-port", &dm->mcast_port);
		return 1;
	case TAG_MCAST_TTL:
		set_option(p, O_MCAST_TTL);
		parse_number(p, arg, 1, 255, "mcast-ttl", &dm->mcast_ttl);
		return 1;
	case TAG_SYNC_MAXLEN:
		set_option(p, O_SYNC_MAXLEN);
		parse_number(p, arg, 1, 65535 - 20 - 8, "sync-maxlen",
		    &dm->sync_maxlen);
		return 1;
	case TAG_TUN_TYPE:
		set_option(p, O_TUN_TYPE);
		if (strcmp(arg, "ipip") && strcmp(arg, "gue") &&
		    strcmp(arg, "gre"))
			fail(p, EXIT_USAGE, "illegal tunnel type specified");
		p->ce->dest.tun_type = !strcmp(arg, "gue") ? UVS_TUN_GUE :
		    !strcmp(arg, "gre") ? UVS_TUN_GRE : UVS_TUN_IPIP;
		return 1;
	case TAG_TUN_PORT:
		set_option(p, O_TUN_PORT);
		parse_number(p, arg, 1, 65535, "tunnel port", &dummy);
		p->ce->dest.tun_port = (uint16_t)dummy;
		return 1;
	case TAG_SORT:		/* sorting is the default */
		return 1;
	}
	return 0;
}

/*
 * -i's options, as IPVS takes them: GUE needs its UDP port, only GUE has
 * one, only GUE has remote checksum offload, and one checksum word.
 */
static void
check_tunnel(struct parse *p)
{
	struct dest_arg *d = &p->ce->dest;
	uint64_t o = p->ce->options;
	int words = !!(o & (1ULL << O_TUN_NOCSUM)) +
	    !!(o & (1ULL << O_TUN_CSUM)) + !!(o & (1ULL << O_TUN_REMCSUM));

	if (words > 1)
		fail(p, EXIT_USAGE, "only one of --tun-nocsum, --tun-csum and "
		    "--tun-remcsum");
	if (d->tun_type == UVS_TUN_GUE && !d->tun_port)
		fail(p, EXIT_USAGE, "--tun-type gue needs --tun-port");
	if (d->tun_type != UVS_TUN_GUE && d->tun_port)
		fail(p, EXIT_USAGE, "--tun-port is for --tun-type gue only");
	if (d->tun_type != UVS_TUN_GUE && (o & (1ULL << O_TUN_REMCSUM)))
		fail(p, EXIT_USAGE, "--tun-remcsum is for --tun-type gue only");
	if (d->tun_type == UVS_TUN_IPIP && (o & (1ULL << O_TUN_CSUM)))
		fail(p, EXIT_USAGE, "--tun-csum is for --tun-type gue or gre");
	if (o & (1ULL << O_TUN_CSUM))
		d->tun_flags = UVS_TUN_F_CSUM;
	if (o & (1ULL << O_TUN_REMCSUM))
		d->tun_flags = UVS_TUN_F_REMCSUM;
}

/* Copies a text option's value, failing when it does not fit. */
static void
copy_text(struct parse *p, const char *arg, char *out, size_t size,
    const char *what)
{
	if (!*arg || strlen(arg) >= size)
		fail(p, EXIT_USAGE, "illegal %s specified (1 to %zu bytes)",
		    what, size - 1);
	memcpy(out, arg, strlen(arg) + 1);
}

/* Seconds ("2", "0.5") into milliseconds, 0.1 s to one day. */
static void
parse_secs(struct parse *p, const char *arg, const char *what, uint32_t *ms)
{
	if (uvs_check_secs_parse(arg, UVS_CHECK_MS_MIN, UVS_CHECK_MS_MAX,
	    ms) < 0)
		fail(p, EXIT_USAGE, "illegal %s specified (seconds, 0.1 to "
		    "86400)", what);
}

/* --sorry-server host[:port] | none; the port is checked later. */
static void
opt_sorry(struct parse *p, const char *arg)
{
	struct ipvs_cmd *ce = p->ce;
	union uvs_inaddr a;
	uint16_t port = 0;
	int parse, af = AF_INET;

	set_option(p, O_SORRY);
	if (strcmp(arg, "none") == 0)
		return;
	parse = parse_service(arg, ce->svc.proto ? ce->svc.proto :
	    IPPROTO_TCP, &af, &a, &port);
	/* a sorry server is IPv4: its word carries a v4 address (checkconf.h) */
	ce->vsh.sorry = af == AF_INET ? a.ip : 0;
	if (!(parse & SERVICE_ADDR) || !ce->vsh.sorry)
		fail(p, EXIT_USAGE, "illegal sorry server address[:port] "
		    "specified");
	ce->sorry_port = parse & SERVICE_PORT ? port : 0;
}

/* The health options (uvs extension); 1 when tag was one of them. */
static int
opt_health(struct parse *p, int tag, const char *arg)
{
	struct uvs_check_conf *c = &p->ce->check;
	int n;

	switch (tag) {
	case TAG_CHECK:
		set_option(p, O_CHECK);
		if ((c->type = uvs_check_type_parse(arg)) < 0)
			fail(p, EXIT_USAGE, "illegal check type `%s' specified "
			    "(tcp, http, ssl, smtp, udp, ping, cmd or none)", arg);
		return 1;
	case TAG_CHECK_PORT:
		set_option(p, O_CHECK_PORT);
		parse_number(p, arg, 1, 65535, "check port", &n);
		c->port = (uint16_t)n;
		return 1;
	case TAG_CHECK_PATH:
		set_option(p, O_CHECK_PATH);
		copy_text(p, arg, c->path, sizeof(c->path), "check path");
		return 1;
	case TAG_CHECK_STATUS:
		set_option(p, O_CHECK_STATUS);
		copy_text(p, arg, c->status, sizeof(c->status), "check status");
		if (!uvs_check_status_valid(c->status))
			fail(p, EXIT_USAGE, "illegal check status specified "
			    "(100..599, or ranges split by commas: 200-299,503)");
		return 1;
	case TAG_CHECK_ALPHA:
		set_option(p, O_CHECK_ALPHA);
		c->alpha = 1;
		return 1;
	case TAG_CHECK_HOST:
		set_option(p, O_CHECK_HOST);
		copy_text(p, arg, c->host, sizeof(c->host), "check host");
		return 1;
	case TAG_CHECK_URL:
		/* repeatable: one more url each time */
		p->ce->options |= 1ULL << O_CHECK_URL;
		if (c->nmore == UVS_CHECK_MORE_URLS)
			fail(p, EXIT_USAGE, "at most %d --check-url",
			    UVS_CHECK_MORE_URLS);
		if (uvs_check_url_parse(arg, &c->more[c->nmore++]) < 0)
			fail(p, EXIT_USAGE, "illegal check url `%s' specified "
			    "('PATH [MD5] [STATUS]')", arg);
		return 1;
	case TAG_CHECK_EXPECT:
		set_option(p, O_CHECK_EXPECT);
		copy_text(p, arg, c->expect, sizeof(c->expect), "expected text");
		return 1;
	case TAG_CHECK_DIGEST:
		set_option(p, O_CHECK_DIGEST);
		if (strlen(arg) != UVS_CHECK_DIGEST_LEN ||
		    strspn(arg, "0123456789abcdefABCDEF") != strlen(arg))
			fail(p, EXIT_USAGE, "illegal check digest specified (an "
			    "MD5 sum: 32 hex digits)");
		copy_text(p, arg, c->digest, sizeof(c->digest), "check digest");
		return 1;
	case TAG_CHECK_HELO:
		set_option(p, O_CHECK_HELO);
		copy_text(p, arg, c->helo, sizeof(c->helo), "check HELO name");
		return 1;
	case TAG_CHECK_PAYLOAD:
		set_option(p, O_CHECK_PAYLOAD);
		copy_text(p, arg, c->payload, sizeof(c->payload), "check payload");
		return 1;
	case TAG_CHECK_REPLY:
		set_option(p, O_CHECK_REPLY);
		c->reply = 1;
		return 1;
	case TAG_CHECK_CMD:
		set_option(p, O_CHECK_CMD);
		copy_text(p, arg, c->cmd, sizeof(c->cmd), "check command");
		return 1;
	case TAG_CHECK_INTERVAL:
		set_option(p, O_CHECK_INTERVAL);
		parse_secs(p, arg, "check interval", &c->interval_ms);
		return 1;
	case TAG_CHECK_TIMEOUT:
		set_option(p, O_CHECK_TIMEOUT);
		parse_secs(p, arg, "check timeout", &c->timeout_ms);
		return 1;
	case TAG_CHECK_RETRY:
		set_option(p, O_CHECK_RETRY);
		parse_secs(p, arg, "check retry", &c->retry_ms);
		return 1;
	case TAG_RISE:
	case TAG_FALL:
		set_option(p, tag == TAG_RISE ? O_RISE : O_FALL);
		parse_number(p, arg, 1, UVS_CHECK_COUNT_MAX, tag == TAG_RISE ?
		    "rise count" : "fall count", &n);
		*(tag == TAG_RISE ? &c->rise : &c->fall) = (uint32_t)n;
		return 1;
	case TAG_ON_FAIL:
		set_option(p, O_ON_FAIL);
		if ((c->on_fail = uvs_check_onfail_parse(arg)) < 0)
			fail(p, EXIT_USAGE, "illegal on-fail action `%s' specified "
			    "(inhibit or remove)", arg);
		return 1;
	case TAG_SORRY:
		opt_sorry(p, arg);
		return 1;
	case TAG_QUORUM_UP:
	case TAG_QUORUM_DOWN:
		set_option(p, tag == TAG_QUORUM_UP ? O_QUORUM_UP : O_QUORUM_DOWN);
		if (tag == TAG_QUORUM_UP)
			copy_text(p, arg, p->ce->vsh.quorum_up,
			    sizeof(p->ce->vsh.quorum_up), "quorum-up command");
		else
			copy_text(p, arg, p->ce->vsh.quorum_down,
			    sizeof(p->ce->vsh.quorum_down), "quorum-down command");
		return 1;
	case TAG_OMEGA:
		set_option(p, O_OMEGA);
		p->ce->vsh.omega = 1;
		return 1;
	case TAG_QUORUM:
	case TAG_HYSTERESIS:
		set_option(p, tag == TAG_QUORUM ? O_QUORUM : O_HYSTERESIS);
		parse_number(p, arg, 0, (int)UVS_QUORUM_MAX, tag == TAG_QUORUM ?
		    "quorum" : "hysteresis", &n);
		*(tag == TAG_QUORUM ? &p->ce->vsh.quorum :
		    &p->ce->vsh.hysteresis) = (uint32_t)n;
		return 1;
	}
	return 0;
}

/* One option after the command, as ipvsadm's parse_options() loop. */
static void
apply_option(struct parse *p, int tag, const char *arg,
    const char *word)
{
	struct ipvs_cmd *ce = p->ce;

	if (opt_format(p, tag) || opt_ignored(p, tag, arg) ||
	    opt_health(p, tag, arg))
		return;
	switch (tag) {
	case 't':
	case 'u':
		opt_service(p, tag, arg);
		break;
	case 's':
		set_option(p, O_SCHEDULER);
		snprintf(ce->svc.sched, sizeof(ce->svc.sched), "%s", arg);
		break;
	case 'p':
		set_option(p, O_PERSISTENT);
		ce->svc.flags |= UVSADM_SVC_F_PERSISTENT;
		ce->svc.timeout = (uint32_t)parse_timeout(p, arg, 1, MAX_TIMEOUT);
		break;
	case 'M':
		opt_netmask(p, arg);
		break;
	case 'r':
		opt_server(p, arg);
		break;
	case 'g':
		set_option(p, O_FORWARD);
		break;
	case 'i':
		set_option(p, O_FORWARD);
		ce->dest.tunnel = 1;
		break;
	case 'w':
		set_option(p, O_WEIGHT);
		parse_number(p, arg, 0, 65535, "weight", &ce->dest.weight);
		break;
	case 'x':
		set_option(p, O_UTHRESHOLD);
		parse_number(p, arg, 0, INT_MAX, "u_threshold", &ce->dest.uthr);
		break;
	case 'y':
		set_option(p, O_LTHRESHOLD);
		parse_number(p, arg, 0, INT_MAX, "l_threshold", &ce->dest.lthr);
		break;
	case 'o':
		set_option(p, O_ONEPACKET);
		ce->svc.flags |= UVSADM_SVC_F_ONEPACKET;
		break;
	case 'b':
		set_option(p, O_SCHED_FLAGS);
		snprintf(ce->sched_flags, sizeof(ce->sched_flags), "%s", arg);
		break;
	default:	/* a second command, -h, -v ... */
		fail(p, EXIT_USAGE, "invalid option `%s'", word);
	}
}

/* The leftover words: --set's three timeouts, and nothing else. */
static void
take_leftovers(struct parse *p, struct argscan *s)
{
	struct ipvs_cmd *ce = p->ce;
	int i;

	if (ce->cmd == CMD_TIMEOUT) {
		if (s->nrest < 3)
			fail(p, EXIT_USAGE, "--set option requires 3 timeout "
			    "values");
		for (i = 0; i < 3; i++)
			ce->timeouts[i] = parse_timeout(p, s->rest[i], 0,
			    MAX_TIMEOUT);
		s->restpos = 3;
	}
	if (s->restpos < s->nrest)
		fail(p, EXIT_USAGE, "unexpected argument %s", s->rest[s->restpos]);
}

/* ipvsadm's parse_options() and the checks of process_options(). */
static void
parse_command(struct parse *p, struct argscan *s)
{
	struct ipvs_cmd *ce = p->ce;
	const char *arg;
	int c;

	if ((c = argscan_next(s, &arg)) < 0)
		tryhelp(p);
	check_supported(p, c);
	if (c == 'h' || c == 'v') {
		ce->cmd = c == 'h' ? CMD_HELP : CMD_VERSION;
		return;
	}
	if ((ce->cmd = command_of(c)) == CMD_NONE)
		tryhelp(p);
	/* ipvsadm's words, "stop_daemon" as it spells it */
	if (ce->cmd == CMD_STARTDAEMON || ce->cmd == CMD_STOPDAEMON) {
		if (strcmp(arg, "master") == 0)
			ce->daemon.state = DAEMON_MASTER;
		else if (strcmp(arg, "backup") == 0)
			ce->daemon.state = DAEMON_BACKUP;
		else
			fail(p, EXIT_USAGE, "illegal %s parameter specified",
			    ce->cmd == CMD_STARTDAEMON ? "start-daemon" :
			    "stop_daemon");
	}

	while ((c = argscan_next(s, &arg)) >= 0) {
		check_supported(p, c);
		apply_option(p, c, arg, s->cur);
	}
	if (c < ARG_END)	/* popt's own words, and ipvsadm's -1 */
		fail(p, EXIT_REFUSED, "%s: %s", s->cur, arg_strerror(c));
	take_leftovers(p, s);
	if (ce->sched_flags[0])
		ce->svc.flags |= parse_sched_flags(p, ce->svc.sched,
		    ce->sched_flags);
	check_options(p);
}

#define OPT(o)		(1ULL << (o))
#define CHECK_SUBOPTS	(OPT(O_CHECK_PORT) | OPT(O_CHECK_PATH) | \
	OPT(O_CHECK_STATUS) | OPT(O_CHECK_EXPECT) | OPT(O_CHECK_DIGEST) | \
	OPT(O_CHECK_CMD) | OPT(O_CHECK_INTERVAL) | OPT(O_CHECK_TIMEOUT) | \
	OPT(O_CHECK_RETRY) | OPT(O_RISE) | OPT(O_FALL) | OPT(O_ON_FAIL) | \
	OPT(O_CHECK_HELO) | OPT(O_CHECK_PAYLOAD) | OPT(O_CHECK_REPLY) | \
	OPT(O_CHECK_HOST) | OPT(O_CHECK_URL) | OPT(O_CHECK_ALPHA))
#define VS_HEALTH_OPTS	(OPT(O_SORRY) | OPT(O_QUORUM) | OPT(O_HYSTERESIS) | \
	OPT(O_QUORUM_UP) | OPT(O_QUORUM_DOWN) | OPT(O_OMEGA))

/*
 * -a/-e: a check's options need --check, and must fit its type. -e
 * without any keeps the server's check; with --check, the options given
 * replace it whole (the others take their defaults), as ipvsadm's -e
 * does with -w.
 */
static void
check_check(struct parse *p)
{
	struct ipvs_cmd *ce = p->ce;
	const char *why;
	int j;

	if (!(ce->options & OPT(O_CHECK))) {
		for (j = 0; j < NOPT; j++)
			if (ce->options & CHECK_SUBOPTS & OPT(j))
				fail(p, EXIT_USAGE, "--%s needs --check TYPE",
				    opt_names[j]);
		return;
	}
	if (ce->check.type == UVS_CHECK_NONE && (ce->options & CHECK_SUBOPTS))
		fail(p, EXIT_USAGE, "--check none takes no other check option");
	uvs_check_finish(&ce->check);
	if ((why = uvs_check_invalid(&ce->check)))
		fail(p, EXIT_USAGE, "%s", why);
}

/* -A/-E: any of sorry server, quorum, hysteresis sets all three. */
static void
check_vs_health(struct parse *p)
{
	struct ipvs_cmd *ce = p->ce;
	const char *why;

	if (!(ce->options & VS_HEALTH_OPTS))
		return;
	if (!(ce->options & OPT(O_QUORUM)))
		ce->vsh.quorum = UVS_QUORUM_DEFAULT;
	/* its word carries a v4 address (checkconf.h) */
	if (ce->svc.af != AF_INET && (ce->options & OPT(O_SORRY)))
		fail(p, EXIT_USAGE, "sorry servers are IPv4 only");
	if (ce->vsh.sorry && ce->vsh.sorry == ce->svc.addr.ip)
		fail(p, EXIT_USAGE, "the sorry server cannot be the virtual "
		    "service's own address");
	if ((why = uvs_vs_health_invalid(&ce->vsh)))
		fail(p, EXIT_USAGE, "%s", why);
	if (ce->sorry_port && ce->sorry_port != ce->svc.port)
		fail(p, EXIT_USAGE, "the sorry server must listen on the "
		    "service's port %u (direct routing keeps the port)",
		    ce->svc.port);
}

/* uvsd reads one request line of at most UVS_CTL_LINE_MAX - 2 bytes. */
static void
check_length(struct parse *p)
{
	char req[4 * UVS_CTL_LINE_MAX];
	size_t len;

	uvs_ipvsargs_request(p->ce, req, sizeof(req));
	if ((len = strlen(req)) > UVS_CTL_LINE_MAX - 2)
		fail(p, EXIT_USAGE, "the check options make a request of %zu "
		    "bytes; uvsd takes %d at most", len, UVS_CTL_LINE_MAX - 2);
}

/* process_options(): the checks after the table, and the defaults. */
static void
check_command(struct parse *p)
{
	struct ipvs_cmd *ce = p->ce;

	if (ce->cmd == CMD_ADD || ce->cmd == CMD_EDIT) {
		if (!ce->svc.port && !(ce->svc.flags & UVSADM_SVC_F_PERSISTENT))
			fail(p, EXIT_USAGE, "Zero port specified for "
			    "non-persistent service");
		if ((ce->svc.flags & UVSADM_SVC_F_ONEPACKET) &&
		    ce->svc.proto != IPPROTO_UDP)
			fail(p, EXIT_USAGE, "One-Packet Scheduling is only for UDP "
			    "virtual services");
		if (!ce->svc.sched[0])
			strcpy(ce->svc.sched, DEF_SCHED);
	}
	if (ce->cmd == CMD_ADDDEST || ce->cmd == CMD_EDITDEST) {
		/* direct routing: the real server listens on the VIP's port */
		ce->dest.port = ce->svc.port;
		/* ipvsadm lets tunnels mix families; uvsd refuses those */
		if (ce->dest.af != ce->svc.af && !ce->dest.tunnel)
			fail(p, EXIT_USAGE, "Different address family is "
			    "allowed only for tunneling servers");
		if (!ce->dest.tunnel && (ce->options & ((1ULL << O_TUN_TYPE) |
		    (1ULL << O_TUN_PORT) | (1ULL << O_TUN_NOCSUM) |
		    (1ULL << O_TUN_CSUM) | (1ULL << O_TUN_REMCSUM))))
			fail(p, EXIT_USAGE, "Tunnel options conflict with forward "
			    "method");
		if (ce->dest.tunnel)
			check_tunnel(p);
	}
	if (ce->cmd == CMD_LIST &&
	    (((ce->options & ((1ULL << O_CONNECTION) | (1ULL << O_TIMEOUT) |
	    (1ULL << O_DAEMON))) && (ce->options & ((1ULL << O_STATS) |
	    (1ULL << O_RATE) | (1ULL << O_THRESHOLDS)))) ||
	    ((ce->options & ((1ULL << O_TIMEOUT) | (1ULL << O_DAEMON))) &&
	    (ce->options & (1ULL << O_PERSISTENTCONN)))))
		fail(p, EXIT_USAGE, "options conflicts in the list command");
	if (ce->cmd == CMD_LIST && (ce->options & (1ULL << O_JSON)) &&
	    (ce->options & ((1ULL << O_CONNECTION) | (1ULL << O_TIMEOUT) |
	    (1ULL << O_DAEMON) | (1ULL << O_STATS) | (1ULL << O_RATE) |
	    (1ULL << O_THRESHOLDS) | (1ULL << O_PERSISTENTCONN) |
	    (1ULL << O_TUN_INFO))))
		fail(p, EXIT_USAGE, "--json lists services with every figure; "
		    "it takes no other list option but -n");
	if (ce->cmd == CMD_LIST && (ce->options & OPT(O_CHECKS)) &&
	    (ce->options & (OPT(O_CONNECTION) | OPT(O_TIMEOUT) |
	    OPT(O_DAEMON) | OPT(O_STATS) | OPT(O_RATE) | OPT(O_THRESHOLDS) |
	    OPT(O_PERSISTENTCONN) | OPT(O_TUN_INFO) | OPT(O_JSON))))
		fail(p, EXIT_USAGE, "--checks lists health checks; it takes no "
		    "other list option but -n");
	if (ce->cmd == CMD_ADDDEST || ce->cmd == CMD_EDITDEST)
		check_check(p);
	if (ce->cmd == CMD_ADD || ce->cmd == CMD_EDIT)
		check_vs_health(p);
	if (uvs_ipvsargs_is_change(ce->cmd))
		check_length(p);
	/*
	 * What the kernel would refuse last: no scheduler has a blank in
	 * its name, and the request line cannot carry one (a quoted -s in
	 * a rules file, or lb_algo in keepalived.conf, would add words).
	 */
	if ((ce->cmd == CMD_ADD || ce->cmd == CMD_EDIT) &&
	    strcspn(ce->svc.sched, " \t\r\n") != strlen(ce->svc.sched))
		fail(p, EXIT_REFUSED, "Scheduler or persistence engine not "
		    "found");
}

static void
svc_key_str(char *buf, size_t size, const struct svc_arg *svc)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(svc->af, &svc->addr, a, sizeof(a));
	snprintf(buf, size, "proto=%s vip=%s vport=%u",
	    svc->proto == IPPROTO_TCP ? "tcp" : "udp", a, svc->port);
}

/* The request line for a command that changes something. */
void
uvs_ipvsargs_request(const struct ipvs_cmd *ce, char *req, size_t size)
{
	static const char *const verbs[NCMD] = {
		[CMD_ADD] = "add-service", [CMD_EDIT] = "edit-service",
		[CMD_DEL] = "del-service", [CMD_ADDDEST] = "add-dest",
		[CMD_EDITDEST] = "edit-dest", [CMD_DELDEST] = "del-dest",
		[CMD_FLUSH] = "clear", [CMD_ZERO] = "zero",
		[CMD_TIMEOUT] = "set-timeout", [CMD_STARTDAEMON] =
		"start-daemon", [CMD_STOPDAEMON] = "stop-daemon",
	};
	const struct daemon_arg *dm = &ce->daemon;
	char key[96], a[INET6_ADDRSTRLEN];
	int n;

	svc_key_str(key, sizeof(key), &ce->svc);
	n = snprintf(req, size, "%s", verbs[ce->cmd]);
	switch (ce->cmd) {
	case CMD_ADD:
	case CMD_EDIT:
		/* -M: a netmask for v4, a prefix length for v6 */
		if (ce->svc.af == AF_INET6)
			snprintf(a, sizeof(a), "%u", ce->svc.netmask);
		else
			inet_ntop(AF_INET, &ce->svc.netmask, a, sizeof(a));
		n += snprintf(req + n, size - (size_t)n, " %s sched=%s flags=%u "
		    "timeout=%u netmask=%s", key, ce->svc.sched,
		    ce->svc.flags, ce->svc.timeout, a);
		if ((ce->options & VS_HEALTH_OPTS) && (size_t)n < size)
			uvs_vs_health_words(&ce->vsh, req + n, size - (size_t)n);
		break;
	case CMD_DEL:
		snprintf(req + n, size - (size_t)n, " %s", key);
		break;
	case CMD_ZERO:
		if (ce->options & (1ULL << O_SERVICE))
			snprintf(req + n, size - (size_t)n, " %s", key);
		break;
	case CMD_ADDDEST:
	case CMD_EDITDEST:
	case CMD_DELDEST:
		inet_ntop(ce->dest.af, &ce->dest.addr, a, sizeof(a));
		n += snprintf(req + n, size - (size_t)n, " %s rip=%s rport=%u",
		    key, a, ce->dest.port);
		if (ce->cmd != CMD_DELDEST)
			n += snprintf(req + n, size - (size_t)n, " weight=%d "
			    "uthr=%d lthr=%d", ce->dest.weight, ce->dest.uthr,
			    ce->dest.lthr);
		if (ce->cmd != CMD_DELDEST && ce->dest.tunnel &&
		    (size_t)n < size)
			n += snprintf(req + n, size - (size_t)n, " fwd=tunnel "
			    "tun_type=%d tun_port=%u tun_flags=%d",
			    ce->dest.tun_type, ce->dest.tun_port,
			    ce->dest.tun_flags);
		if (ce->cmd != CMD_DELDEST && (ce->options & OPT(O_CHECK)) &&
		    (size_t)n < size)
			uvs_check_words(&ce->check, req + n, size - (size_t)n);
		break;
	case CMD_TIMEOUT:
		snprintf(req + n, size - (size_t)n, " tcp=%d tcpfin=%d udp=%d",
		    ce->timeouts[0], ce->timeouts[1], ce->timeouts[2]);
		break;
	case CMD_STOPDAEMON:
		snprintf(req + n, size - (size_t)n, " state=%s",
		    dm->state == DAEMON_MASTER ? "master" : "backup");
		break;
	case CMD_STARTDAEMON:
		/* ipvsadm's DEF_MCAST_IFN when none is given */
		n += snprintf(req + n, size - (size_t)n, " state=%s ifn=%s "
		    "syncid=%d", dm->state == DAEMON_MASTER ? "master" :
		    "backup", dm->mcast_ifn[0] ? dm->mcast_ifn : "eth0",
		    dm->syncid);
		if (dm->sync_maxlen && (size_t)n < size)
			n += snprintf(req + n, size - (size_t)n, " maxlen=%d",
			    dm->sync_maxlen);
		if (dm->mcast_group[0] && (size_t)n < size)
			n += snprintf(req + n, size - (size_t)n, " group=%s",
			    dm->mcast_group);
		if (dm->mcast_port && (size_t)n < size)
			n += snprintf(req + n, size - (size_t)n, " port=%d",
			    dm->mcast_port);
		if (dm->mcast_ttl && (size_t)n < size)
			snprintf(req + n, size - (size_t)n, " ttl=%d",
			    dm->mcast_ttl);
		break;
	}
}

int
uvs_ipvsargs_is_change(int cmd)
{
	switch (cmd) {
	case CMD_ADD: case CMD_EDIT: case CMD_DEL: case CMD_FLUSH:
	case CMD_ADDDEST: case CMD_EDITDEST: case CMD_DELDEST:
	case CMD_ZERO: case CMD_TIMEOUT:
		return 1;
	}
	return 0;
}

int
uvs_ipvsargs_parse(struct ipvs_cmd *ce, int argc, char **argv, char *err,
    size_t errlen)
{
	struct parse p = { .ce = ce, .err = err, .errlen = errlen };
	struct argscan s = { .argc = argc, .argv = argv, .next = 1 };
	int status = 0;

	memset(ce, 0, sizeof(*ce));
	ce->dest.weight = 1;
	ce->svc.af = AF_INET;
	ce->dest.af = AF_INET;
	ce->svc.netmask = 0xffffffff;
	*err = '\0';
	if (!(s.rest = calloc((size_t)argc + 1, sizeof(*s.rest)))) {
		snprintf(err, errlen, "%s: out of memory", PROG);
		return EXIT_USAGE;
	}
	if (setjmp(p.bail) == 0) {
		parse_command(&p, &s);
		if (ce->cmd != CMD_HELP && ce->cmd != CMD_VERSION)
			check_command(&p);
	} else
		status = p.status;
	free(s.rest);
	return status;
}
