/*
 * keepalived.conf reader (keepalived.h).
 *
 * The file is cut into tokens first: words, "quoted strings", '{', '}'
 * and ends of lines, each with its line number; '#' and '!' start a
 * comment outside quotes, as in keepalived. A statement is the words up
 * to the end of its line (or a brace); one followed by '{' owns the
 * block to its matching '}'. A virtual_server block is read whole into
 * a struct vs (keywords may come in any order: a sorry_server after the
 * real servers, say), then turned into uvsadm argv words, -A for the
 * service and -a for each real server, and run through uvsadm's own
 * parser, so every value is checked with uvsadm's words and the request
 * lines are those a rules file gives. A virtual_server group is kept
 * until the whole file is read (its group may come later), then made
 * once per member of the group.
 *
 * Mapping (keepalived's defaults where it has them):
 *   delay_loop (checker, else real_server, else virtual_server; 60 s)
 *                             --check-interval
 *   connect_timeout (5 s)     --check-timeout; misc_timeout for MISC_CHECK
 *                             (default: the virtual server's delay_loop)
 *   retry / nb_get_retry      --fall retry+1 (retry 1; MISC_CHECK 0): a
 *                             server fails after its retries (before its
 *                             first success, at the first: health.c)
 *   delay_before_retry        --check-retry (1 s; HTTP_GET 3 s)
 *   lb_kind DR                required: without it keepalived does NAT
 *   lvs_timeouts (global_defs) --set tcp tcpfin udp
 *   inhibit_on_failure        --on-fail inhibit; without it keepalived
 *                             removes a failed server: --on-fail remove
 *   one success brings a server back (keepalived has no rise): --rise 1
 *
 * IPv6 as keepalived writes it: a bare address and its port as two
 * words ("virtual_server 2001:db8::10 80"). A block is of one family:
 * keepalived skips a real or sorry server of the other family with a
 * log line, as IPVS's DR cannot mix them; uvs refuses the file instead,
 * naming the line, so the mistake is seen before a server goes missing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fwd/lang/ipvsargs.h"
#include "fwd/health/keepalived.h"
#include "sched/inaddr_str.h"

#define WORDS_MAX	64	/* words in one statement */
#define RS_MAX		4096	/* real servers in one virtual_server */
#define DEF_DELAY_LOOP	60000	/* ms, keepalived's */
#define DEF_CONNECT_TO	5000	/* ms, keepalived's connect_timeout */
#define DEF_RETRY_DELAY	1000	/* ms, keepalived's delay_before_retry */
#define DEF_HTTP_RETRY_DELAY 3000 /* ms, HTTP_GET's and SSL_GET's */

/* virtual_server_group: sizes. */
#define VSG_MAX		256	/* groups in one file */
#define VSG_ENTS_MAX	256	/* lines in one group */
#define VSG_NAME_MAX	64

enum { T_WORD, T_LBRACE, T_RBRACE, T_EOL };

struct tok {
	int		 kind;
	unsigned	 line;
	char		*s;		/* T_WORD: into the text */
};

struct stmt {
	char		*w[WORDS_MAX];
	int		 n;		/* 0: a closing '}' */
	unsigned	 line;
	int		 block;		/* a '{' follows */
};

/* Timing options, inherited checker <- real_server <- virtual_server. */
struct timing {
	uint32_t	 delay_loop;	/* ms; 0: not given */
	uint32_t	 connect_to;
	uint32_t	 retry_delay;
	int		 retry;		/* -1: not given */
	int		 inhibit;	/* -1: not given */
};

struct rs {
	unsigned		 line;
	int			 af;
	union uvs_inaddr	 addr;
	uint16_t		 port;
	int			 weight;
	int			 uthr, lthr;	/* -1: not given */
	struct timing		 tm;
	int			 has_check;
	unsigned		 check_line;
	struct timing		 ctm;		/* the checker's own */
	struct uvs_check_conf	 chk;
	uint32_t		 misc_timeout;
	int			 urls;
	int			 has_method;	/* its own lb_kind DR */
};

struct vs {
	unsigned	 line;
	char		 group[VSG_NAME_MAX];	/* virtual_server group NAME */
	int		 af;
	union uvs_inaddr addr;
	uint16_t	 port;
	int		 udp;
	char		 sched[SCHEDNAME_MAX];
	int		 persistent;
	uint32_t	 timeout;
	char		 mask[INET_ADDRSTRLEN];
	char		 flags[64];
	int		 ops;
	int		 sorry_af;	/* 0: no sorry server */
	union uvs_inaddr sorry;
	uint16_t	 sorry_port;
	int		 quorum, hysteresis;	/* -1: not given */
	int		 has_method;	/* lb_kind DR given */
	char		 vhost[UVS_CHECK_HOST_MAX];	/* virtualhost */
	int		 alpha;		/* its checks start DOWN */
	char		 quorum_up[UVS_CHECK_CMD_MAX];
	char		 quorum_down[UVS_CHECK_CMD_MAX];
	int		 omega;
	struct timing	 tm;
	struct rs	*rs;
	unsigned	 nrs, crs;
};


/* virtual_server_group: addresses (a last-octet range) and a port. */
struct vsg_ent {
	uint32_t	 first;		/* host order */
	unsigned	 count;		/* addresses from first */
	uint16_t	 port;
	unsigned	 line;
};

struct vsg {
	char		 name[VSG_NAME_MAX];
	unsigned	 line;
	struct vsg_ent	*e;
	unsigned	 n;
};

struct kp {
	const char		*name;
	struct tok		*t;
	size_t			 n, i;
	jmp_buf			 bail;
	char			*err;
	size_t			 errlen;
	struct uvs_rules	*r;
	struct uvs_keepalived_info *info;
	uvs_keepalived_log	 log;
	void			*log_arg;
	struct vs		*cur;		/* freed on a failure */
	struct vsg		*groups;	/* virtual_server_group blocks */
	unsigned		 ngroups;
	struct vs		**later;	/* virtual_server group NAME: made
						   once every group is read */
	unsigned		 nlater;
};

static void __attribute__((noreturn, format(printf, 3, 4)))
fail(struct kp *kp, unsigned line, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(kp->err, kp->errlen, "%s:%u: %s", kp->name, line, msg);
	longjmp(kp->bail, 1);
}

static void __attribute__((noreturn))
unsupported(struct kp *kp, unsigned line, const char *kw, const char *why)
{
	fail(kp, line, "'%s' is not supported by uvs (%s)", kw, why);
}

static void __attribute__((format(printf, 3, 4)))
note(struct kp *kp, unsigned line, const char *fmt, ...)
{
	char msg[384], out[512];
	va_list ap;

	if (!kp->log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(out, sizeof(out), "%s:%u: %s", kp->name, line, msg);
	kp->log(kp->log_arg, out);
}

/* ---- tokens ---- */

static void
push_tok(struct kp *kp, size_t *cap, int kind, unsigned line, char *s)
{
	struct tok *nt;

	if (kp->n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		if (!(nt = realloc(kp->t, *cap * sizeof(*nt))))
			fail(kp, line, "out of memory");
		kp->t = nt;
	}
	kp->t[kp->n++] = (struct tok){ .kind = kind, .line = line, .s = s };
}

/* Where words are copied, each with its NUL: at most twice the text. */
struct arena {
	char		*buf;
	size_t		 used;
};

/* A "quoted string" from *pp (after its quote) into the arena. */
static char *
quoted(struct kp *kp, const char **pp, unsigned line, struct arena *a)
{
	const char *p = *pp;
	char *w = a->buf + a->used;

	for (; *p && *p != '"' && *p != '\n'; p++) {
		if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
			p++;
		a->buf[a->used++] = *p;
	}
	if (*p != '"')
		fail(kp, line, "unterminated quoted string");
	a->buf[a->used++] = '\0';
	*pp = p + 1;
	return w;
}

/* Cuts text into tokens, their words copied into the arena. */
static void
tokenize(struct kp *kp, const char *text, struct arena *a)
{
	size_t cap = 0;
	unsigned line = 1;
	const char *p = text;
	char *w;

	while (*p) {
		if (*p == '\n') {
			push_tok(kp, &cap, T_EOL, line++, NULL);
			p++;
		} else if (strchr(" \t\r", *p)) {
			p++;
		} else if (*p == '#' || *p == '!') {
			p += strcspn(p, "\n");
		} else if (*p == '{' || *p == '}') {
			push_tok(kp, &cap, *p == '{' ? T_LBRACE : T_RBRACE, line,
			    NULL);
			p++;
		} else if (*p == '"') {
			p++;
			push_tok(kp, &cap, T_WORD, line, quoted(kp, &p, line, a));
		} else {
			size_t len = strcspn(p, " \t\r\n{}\"#!");

			w = a->buf + a->used;
			memcpy(w, p, len);
			w[len] = '\0';
			a->used += len + 1;
			p += len;
			push_tok(kp, &cap, T_WORD, line, w);
		}
	}
	push_tok(kp, &cap, T_EOL, line, NULL);
}

/* ---- statements ---- */

static int
at(const struct kp *kp, int kind)
{
	return kp->i < kp->n && kp->t[kp->i].kind == kind;
}

static void
skip_eols(struct kp *kp)
{
	while (at(kp, T_EOL))
		kp->i++;
}

/* The next statement; 0 at the end of the text. */
static int
next_stmt(struct kp *kp, struct stmt *st)
{
	memset(st, 0, sizeof(*st));
	skip_eols(kp);
	if (kp->i == kp->n)
		return 0;
	st->line = kp->t[kp->i].line;
	if (at(kp, T_RBRACE)) {
		kp->i++;
		return 1;
	}
	if (at(kp, T_LBRACE))
		fail(kp, st->line, "'{' without a keyword before it");
	while (at(kp, T_WORD)) {
		if (st->n == WORDS_MAX)
			fail(kp, st->line, "more than %d words", WORDS_MAX);
		st->w[st->n++] = kp->t[kp->i++].s;
	}
	/* keepalived also takes the '{' on the next line */
	if (at(kp, T_EOL)) {
		size_t save = kp->i;

		skip_eols(kp);
		if (!at(kp, T_LBRACE))
			kp->i = save;
	}
	if (at(kp, T_LBRACE)) {
		kp->i++;
		st->block = 1;
	}
	return 1;
}

/* A statement inside a block opened at line: 1, or 0 at its '}'. */
static int
block_stmt(struct kp *kp, struct stmt *st, unsigned line)
{
	if (!next_stmt(kp, st))
		fail(kp, line, "the block opened here is never closed");
	return st->n != 0;
}

/* Skips the rest of a block whose '{' opened at line. */
static void
skip_block(struct kp *kp, unsigned line)
{
	int depth = 1;

	for (; kp->i < kp->n && depth; kp->i++)
		depth += kp->t[kp->i].kind == T_LBRACE ? 1 :
		    kp->t[kp->i].kind == T_RBRACE ? -1 : 0;
	if (depth)
		fail(kp, line, "the block opened here is never closed");
}

static int
is(const struct stmt *st, const char *kw)
{
	return strcmp(st->w[0], kw) == 0;
}

/* The statement must have exactly n words (its keyword counted). */
static void
need_args(struct kp *kp, const struct stmt *st, int n, const char *what)
{
	if (st->n != n)
		fail(kp, st->line, "'%s' takes %s", st->w[0], what);
}

/* ... and no block. */
static void
need_words(struct kp *kp, const struct stmt *st, int n, const char *what)
{
	need_args(kp, st, n, what);
	if (st->block)
		fail(kp, st->line, "'%s' takes no block", st->w[0]);
}

static int
num(struct kp *kp, const struct stmt *st, int lo, int hi)
{
	long v;
	char *end;

	need_words(kp, st, 2, "a number");
	v = strtol(st->w[1], &end, 10);
	if (*end || end == st->w[1] || v < lo || v > hi)
		fail(kp, st->line, "'%s %s': not a number in %d..%d", st->w[0],
		    st->w[1], lo, hi);
	return (int)v;
}

static uint32_t
secs(struct kp *kp, const struct stmt *st)
{
	uint32_t ms;

	need_words(kp, st, 2, "a time in seconds");
	if (uvs_check_secs_parse(st->w[1], UVS_CHECK_MS_MIN, UVS_CHECK_MS_MAX,
	    &ms) < 0)
		fail(kp, st->line, "'%s %s': not a time of 0.1 to 86400 "
		    "seconds", st->w[0], st->w[1]);
	return ms;
}

/* <BOOL>: on|off|true|false|yes|no, or nothing for on. */
static int
boolean(struct kp *kp, const struct stmt *st)
{
	static const char *const yes[] = { "on", "true", "yes" };
	static const char *const no[] = { "off", "false", "no" };
	size_t i;

	if (st->block || st->n > 2)
		fail(kp, st->line, "'%s' takes at most on or off", st->w[0]);
	if (st->n == 1)
		return 1;
	for (i = 0; i < 3; i++) {
		if (strcmp(st->w[1], yes[i]) == 0)
			return 1;
		if (strcmp(st->w[1], no[i]) == 0)
			return 0;
	}
	fail(kp, st->line, "'%s %s': on or off?", st->w[0], st->w[1]);
}

static void
ipv4(struct kp *kp, const struct stmt *st, const char *w, uint32_t *a)
{
	struct in_addr in;

	if (inet_pton(AF_INET, w, &in) != 1)
		fail(kp, st->line, "'%s' is not an IPv4 address", w);
	*a = in.s_addr;
}

/* An IPv4 or IPv6 address, as keepalived takes one; its family. */
static int
inaddr(struct kp *kp, const struct stmt *st, const char *w,
    union uvs_inaddr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, w, &a->in) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, w, &a->in6) == 1)
		return AF_INET6;
	fail(kp, st->line, "'%s' is not an IPv4 or IPv6 address", w);
}

static uint16_t
port(struct kp *kp, const struct stmt *st, const char *w)
{
	char *end;
	long v = strtol(w, &end, 10);

	if (*end || end == w || v < 0 || v > 65535)
		fail(kp, st->line, "'%s' is not a port", w);
	return (uint16_t)v;
}

/* The DR-only keywords: lb_kind, lvs_method, sorry_server_lvs_method. */
static void
method(struct kp *kp, const struct stmt *st)
{
	need_words(kp, st, 2, "DR, NAT or TUN");
	if (strcmp(st->w[1], "DR") == 0)
		return;
	fail(kp, st->line, "'%s %s' is not supported by uvs (uvs does Direct "
	    "Routing only: %s DR)", st->w[0], st->w[1], st->w[0]);
}

/* Timing keywords valid at every level; 1 when st was one. */
static int
timing_kw(struct kp *kp, const struct stmt *st, struct timing *tm)
{
	if (is(st, "delay_loop"))
		tm->delay_loop = secs(kp, st);
	else if (is(st, "connect_timeout"))
		tm->connect_to = secs(kp, st);
	else if (is(st, "delay_before_retry"))
		tm->retry_delay = secs(kp, st);
	else if (is(st, "retry") || is(st, "nb_get_retry"))
		tm->retry = num(kp, st, 0, UVS_CHECK_COUNT_MAX - 1);
	else
		return 0;
	return 1;
}

/* Keywords keepalived has and uvs has not, with why. */
static const struct {
	const char	*kw;
	const char	*why;
} refused[] = {
	{ "warmup", "the first check runs at once" },
	{ "ha_suspend", "checks run whether or not the VIP is up" },
	{ "persistence_engine", "uvs has no persistence engines" },
	{ "hashed", "an old IPVS flag uvs does not have" },
	{ "notify_up", "uvs runs no notify scripts; it logs each state "
	    "change" },
	{ "notify_down", "uvs runs no notify scripts; it logs each state "
	    "change" },
	{ "smtp_alert", "uvs sends no mail; it logs each state change" },
	{ "ip_family", "uvs does IPv4 only" },
	{ "DNS_CHECK", "use MISC_CHECK with dig" },
	{ "FILE_CHECK", "use MISC_CHECK with test -e" },
	{ "BFD_CHECK", "uvs does no BFD" },
	{ "connect_ip", "checks go to the real server's own address" },
	{ "bindto", "checks leave from the director's own address "
	    "(uvsd --check-source)" },
	{ "bind_if", "checks leave by uvsd's interface" },
	{ "bind_port", "the kernel picks the check's source port" },
	{ "fwmark", "uvs matches services by address and port, and marks no "
	    "check" },
	{ "misc_dynamic", "a check's exit status does not set weights in uvs" },
	{ "user", "commands run as uvsd's user" },
};

static void __attribute__((noreturn))
refuse(struct kp *kp, const struct stmt *st, const char *where)
{
	size_t i;

	if (st->n == 0)
		fail(kp, st->line, "a keyword is missing before the '{'");
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (strcmp(st->w[0], refused[i].kw) == 0)
			unsupported(kp, st->line, st->w[0], refused[i].why);
	fail(kp, st->line, "'%s' is not supported by uvs (not a keyword uvs "
	    "knows in %s)", st->w[0], where);
}

/* ---- checkers ---- */

/* status_code's words (200-299 400-499 503), as one list "200-299,...". */
static void
status_list(struct kp *kp, const struct stmt *st, char *out, size_t size)
{
	size_t len = 0;
	int k;

	if (st->n < 2 || st->block)
		fail(kp, st->line, "'status_code' takes statuses or ranges");
	out[0] = '\0';
	for (k = 1; k < st->n; k++) {
		len += strlen(st->w[k]) + 1;
		if (len > size)
			fail(kp, st->line, "status_code longer than %zu bytes",
			    size - 1);
		strcat(out, k > 1 ? "," : "");
		strcat(out, st->w[k]);
	}
	if (!uvs_check_status_valid(out))
		fail(kp, st->line, "'status_code %s': statuses 100..599 or "
		    "ranges of them (200-299)", st->w[1]);
}

/* virtualhost on a checker or a url: the check's Host. */
static void
virtualhost(struct kp *kp, const struct stmt *st, char *host, size_t size)
{
	need_words(kp, st, 2, "a host name");
	if (strlen(st->w[1]) >= size)
		fail(kp, st->line, "virtualhost longer than %zu bytes",
		    size - 1);
	if (host[0] && strcmp(host, st->w[1]) != 0)
		unsupported(kp, st->line, "virtualhost", "one virtualhost per "
		    "checker in uvs");
	strcpy(host, st->w[1]);
}

/*
 * A url block: the first fills the check's path, digest and status;
 * the next ones are the check's further urls, all of which must pass,
 * as keepalived's HTTP_GET requires.
 */
static void
url_block(struct kp *kp, struct rs *rs, unsigned line)
{
	struct uvs_check_url u = { 0 };
	struct stmt st;
	int has_path = 0;

	if (++rs->urls > 1 + UVS_CHECK_MORE_URLS)
		unsupported(kp, line, "url", "at most 4 urls per checker in "
		    "uvs");
	while (block_stmt(kp, &st, line)) {
		if (is(&st, "path")) {
			size_t max = rs->urls == 1 ? sizeof(rs->chk.path) :
			    sizeof(u.path);

			need_words(kp, &st, 2, "one path");
			if (strlen(st.w[1]) >= max)
				fail(kp, st.line, "path longer than %zu bytes",
				    max - 1);
			if (rs->urls == 1)
				strcpy(rs->chk.path, st.w[1]);
			else
				strcpy(u.path, st.w[1]);
			has_path = 1;
		} else if (is(&st, "digest")) {
			need_words(kp, &st, 2, "an MD5 sum");
			if (strlen(st.w[1]) != UVS_CHECK_DIGEST_LEN)
				fail(kp, st.line, "digest is not an MD5 sum (32 "
				    "hex digits)");
			strcpy(u.digest, st.w[1]);
		} else if (is(&st, "status_code"))
			status_list(kp, &st, u.status, sizeof(u.status));
		else if (is(&st, "virtualhost"))
			virtualhost(kp, &st, rs->chk.host, sizeof(rs->chk.host));
		else
			refuse(kp, &st, "url");
	}
	if (!has_path)
		fail(kp, line, "url without a path");
	if (rs->urls == 1) {
		strcpy(rs->chk.digest, u.digest);
		strcpy(rs->chk.status, u.status);
	} else
		rs->chk.more[rs->chk.nmore++] = u;
}

/* keepalived's checkers and the uvs check each becomes. */
static const struct {
	const char	*kw;
	int		 type;
} checkers[] = {
	{ "TCP_CHECK", UVS_CHECK_TCP }, { "HTTP_GET", UVS_CHECK_HTTP },
	{ "SSL_GET", UVS_CHECK_SSL }, { "SMTP_CHECK", UVS_CHECK_SMTP },
	{ "UDP_CHECK", UVS_CHECK_UDP }, { "PING_CHECK", UVS_CHECK_PING },
	{ "MISC_CHECK", UVS_CHECK_CMD },
};

/* The uvs check type of a checker keyword, or -1. */
static int
checker_type(const struct stmt *st)
{
	size_t i;

	for (i = 0; i < sizeof(checkers) / sizeof(checkers[0]); i++)
		if (is(st, checkers[i].kw))
			return checkers[i].type;
	return -1;
}

/* A command's words (misc_path, quorum_up ...), joined by blanks. */
static void
command(struct kp *kp, const struct stmt *st, char *out, size_t size)
{
	size_t len = 0;
	int k;

	if (st->n < 2 || st->block)
		fail(kp, st->line, "'%s' takes a command", st->w[0]);
	out[0] = '\0';
	for (k = 1; k < st->n; k++) {
		len += strlen(st->w[k]) + 1;
		if (len > size)
			fail(kp, st->line, "command longer than %zu bytes",
			    size - 1);
		strcat(out, k > 1 ? " " : "");
		strcat(out, st->w[k]);
	}
}

/* UDP_CHECK's payload: hex digits, maybe split by blanks. */
static void
udp_payload(struct kp *kp, struct rs *rs, const struct stmt *st)
{
	size_t len = 0;
	int k;

	if (st->n < 2 || st->block)
		fail(kp, st->line, "'payload' takes hex digits");
	for (k = 1; k < st->n; k++) {
		len += strlen(st->w[k]);
		if (len >= sizeof(rs->chk.payload))
			fail(kp, st->line, "payload over %d bytes",
			    (UVS_CHECK_PAYLOAD_MAX - 1) / 2);
		strcat(rs->chk.payload, st->w[k]);
	}
	if (len % 2 || strspn(rs->chk.payload, "0123456789abcdefABCDEF") != len)
		fail(kp, st->line, "'payload': not hex digits, two per byte");
}

/* A keyword of one kind of checker; 1 when st was one. */
static int
checker_kw(struct kp *kp, struct rs *rs, const struct stmt *st)
{
	int type = rs->chk.type;

	if (is(st, "connect_port") && type != UVS_CHECK_CMD &&
	    type != UVS_CHECK_PING) {
		need_words(kp, st, 2, "a port");
		rs->chk.port = port(kp, st, st->w[1]);
	} else if (is(st, "url") && uvs_check_is_get(type)) {
		if (!st->block)
			fail(kp, st->line, "'url' needs a '{' block");
		url_block(kp, rs, st->line);
	} else if (is(st, "misc_path") && type == UVS_CHECK_CMD)
		command(kp, st, rs->chk.cmd, sizeof(rs->chk.cmd));
	else if (is(st, "misc_timeout") && type == UVS_CHECK_CMD)
		rs->misc_timeout = secs(kp, st);
	else if (is(st, "alpha"))
		rs->chk.alpha = boolean(kp, st);
	else if (is(st, "virtualhost") && uvs_check_is_get(type))
		virtualhost(kp, st, rs->chk.host, sizeof(rs->chk.host));
	else if (is(st, "helo_name") && type == UVS_CHECK_SMTP) {
		need_words(kp, st, 2, "a name");
		if (strlen(st->w[1]) >= sizeof(rs->chk.helo))
			fail(kp, st->line, "helo_name longer than %zu bytes",
			    sizeof(rs->chk.helo) - 1);
		strcpy(rs->chk.helo, st->w[1]);
	} else if (is(st, "host") && type == UVS_CHECK_SMTP)
		unsupported(kp, st->line, "host", "SMTP_CHECK checks the real "
		    "server itself, not other hosts");
	else if (is(st, "payload") && type == UVS_CHECK_UDP)
		udp_payload(kp, rs, st);
	else if (is(st, "require_reply") && type == UVS_CHECK_UDP) {
		if (st->n > 1 || st->block)
			unsupported(kp, st->line, "require_reply DATA", "uvs "
			    "requires an answer but does not compare it");
		rs->chk.reply = 1;
	} else if ((is(st, "min_reply_length") || is(st, "max_reply_length"))
	    && type == UVS_CHECK_UDP)
		unsupported(kp, st->line, st->w[0], "uvs does not measure "
		    "the answer");
	else
		return 0;
	return 1;
}

static void
checker(struct kp *kp, struct rs *rs, const struct stmt *open)
{
	struct stmt st;

	if (rs->has_check)
		unsupported(kp, open->line, open->w[0], "one checker per real "
		    "server in uvs");
	if (!open->block)
		fail(kp, open->line, "'%s' needs a '{' block", open->w[0]);
	rs->has_check = 1;
	rs->check_line = open->line;
	rs->ctm.retry = rs->ctm.inhibit = -1;
	rs->chk.type = checker_type(open);
	kp->info->checks++;
	while (block_stmt(kp, &st, open->line)) {
		if (!timing_kw(kp, &st, &rs->ctm) && !checker_kw(kp, rs, &st))
			refuse(kp, &st, open->w[0]);
	}
	if (uvs_check_is_get(rs->chk.type) && !rs->urls)
		fail(kp, open->line, "%s needs a url block with a path",
		    open->w[0]);
	if (rs->chk.type == UVS_CHECK_CMD && !rs->chk.cmd[0])
		fail(kp, open->line, "MISC_CHECK needs a misc_path");
}

/* ---- real_server and virtual_server ---- */

static int
is_checker(const struct stmt *st)
{
	return checker_type(st) >= 0;
}

static void
real_server(struct kp *kp, struct vs *vs, const struct stmt *open)
{
	struct stmt st;
	struct rs *rs, *nrs;

	if (open->n != 2 && open->n != 3)
		fail(kp, open->line, "'real_server' takes an address and a port");
	if (vs->nrs == RS_MAX)
		fail(kp, open->line, "more than %d real servers", RS_MAX);
	if (vs->nrs == vs->crs) {
		vs->crs = vs->crs ? vs->crs * 2 : 8;
		if (!(nrs = realloc(vs->rs, vs->crs * sizeof(*nrs))))
			fail(kp, open->line, "out of memory");
		vs->rs = nrs;
	}
	rs = &vs->rs[vs->nrs++];
	memset(rs, 0, sizeof(*rs));
	rs->line = open->line;
	rs->weight = 1;
	rs->uthr = rs->lthr = -1;
	rs->tm.retry = rs->tm.inhibit = -1;
	rs->af = inaddr(kp, open, open->w[1], &rs->addr);
	/* keepalived: a real server without a port has the service's */
	rs->port = open->n == 3 ? port(kp, open, open->w[2]) : 0;
	kp->info->servers++;
	/* keepalived takes a real_server without a block too */
	if (!open->block)
		return;
	while (block_stmt(kp, &st, open->line)) {
		if (timing_kw(kp, &st, &rs->tm))
			continue;
		if (is(&st, "weight"))
			rs->weight = num(kp, &st, 0, 65535);
		else if (is(&st, "lvs_method") || is(&st, "lb_kind")) {
			method(kp, &st);
			rs->has_method = 1;
		} else if (is(&st, "inhibit_on_failure"))
			rs->tm.inhibit = boolean(kp, &st);
		else if (is(&st, "uthreshold"))
			rs->uthr = num(kp, &st, 0, INT32_MAX);
		else if (is(&st, "lthreshold"))
			rs->lthr = num(kp, &st, 0, INT32_MAX);
		else if (is_checker(&st))
			checker(kp, rs, &st);
		else
			refuse(kp, &st, "real_server");
	}
}

static void
sorry_server(struct kp *kp, struct vs *vs, const struct stmt *st)
{
	if (st->n != 2 && st->n != 3)
		fail(kp, st->line, "'sorry_server' takes an address and a port");
	vs->sorry_af = inaddr(kp, st, st->w[1], &vs->sorry);
	vs->sorry_port = st->n == 3 ? port(kp, st, st->w[2]) : 0;
}

/* Scheduler flags keepalived spells as keywords: uvsadm's -b words. */
static int
sched_flag(struct kp *kp, struct vs *vs, const struct stmt *st)
{
	static const char *const flags[] = { "flag-1", "flag-2", "flag-3",
	    "sh-port", "sh-fallback", "mh-port", "mh-fallback" };
	size_t i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (is(st, flags[i]))
			break;
	if (i == sizeof(flags) / sizeof(flags[0]))
		return 0;
	need_words(kp, st, 1, "nothing");
	if (strlen(vs->flags) + strlen(flags[i]) + 2 > sizeof(vs->flags))
		fail(kp, st->line, "too many scheduler flags");
	if (vs->flags[0])
		strcat(vs->flags, ",");
	strcat(vs->flags, flags[i]);
	return 1;
}

static int
vs_keyword(struct kp *kp, struct vs *vs, const struct stmt *st)
{
	if (timing_kw(kp, st, &vs->tm) || sched_flag(kp, vs, st))
		return 1;
	if (is(st, "lb_algo") || is(st, "lvs_sched")) {
		need_words(kp, st, 2, "a scheduler");
		snprintf(vs->sched, sizeof(vs->sched), "%s", st->w[1]);
	} else if (is(st, "lb_kind") || is(st, "lvs_method")) {
		method(kp, st);
		vs->has_method = 1;
	} else if (is(st, "sorry_server_lvs_method"))
		method(kp, st);
	else if (is(st, "protocol")) {
		need_words(kp, st, 2, "TCP or UDP");
		if (strcmp(st->w[1], "TCP") && strcmp(st->w[1], "UDP"))
			fail(kp, st->line, "'protocol %s' is not supported by uvs "
			    "(uvs forwards TCP and UDP)", st->w[1]);
		vs->udp = strcmp(st->w[1], "UDP") == 0;
	} else if (is(st, "persistence_timeout")) {
		vs->persistent = 1;
		vs->timeout = st->n == 1 ? PERSISTENT_TIMEOUT :
		    (uint32_t)num(kp, st, 1, MAX_TIMEOUT);
	} else if (is(st, "persistence_granularity")) {
		need_words(kp, st, 2, "a netmask");
		snprintf(vs->mask, sizeof(vs->mask), "%s", st->w[1]);
	} else if (is(st, "quorum"))
		vs->quorum = num(kp, st, 0, (int)UVS_QUORUM_MAX);
	else if (is(st, "hysteresis"))
		vs->hysteresis = num(kp, st, 0, (int)UVS_QUORUM_MAX);
	else if (is(st, "sorry_server"))
		sorry_server(kp, vs, st);
	else if (is(st, "virtualhost"))
		virtualhost(kp, st, vs->vhost, sizeof(vs->vhost));
	else if (is(st, "alpha"))
		vs->alpha = boolean(kp, st);
	else if (is(st, "omega"))
		vs->omega = boolean(kp, st);
	else if (is(st, "quorum_up"))
		command(kp, st, vs->quorum_up, sizeof(vs->quorum_up));
	else if (is(st, "quorum_down"))
		command(kp, st, vs->quorum_down, sizeof(vs->quorum_down));
	else if (is(st, "sorry_server_inhibit"))
		note(kp, st->line, "'sorry_server_inhibit': uvs keeps every "
		    "sorry server ready, out of scheduling, until it is needed");
	else if (is(st, "inhibit_on_failure"))
		vs->tm.inhibit = boolean(kp, st);
	else if (is(st, "ops")) {
		need_words(kp, st, 1, "nothing");
		vs->ops = 1;
	} else if (is(st, "nat_mask"))
		note(kp, st->line, "'nat_mask' ignored (NAT only)");
	else
		return 0;
	return 1;
}

/* ---- requests ---- */

struct args {
	char		*argv[WORDS_MAX + 2];
	int		 argc;
	char		 buf[4096];
	size_t		 used;
};

static void __attribute__((format(printf, 3, 4)))
arg(struct kp *kp, struct args *a, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(a->buf + a->used, sizeof(a->buf) - a->used, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= sizeof(a->buf) - a->used ||
	    a->argc == WORDS_MAX)
		fail(kp, 0, "internal: argument list too long");
	a->argv[a->argc++] = a->buf + a->used;
	a->used += (size_t)k + 1;
	a->argv[a->argc] = NULL;
}

/* Runs a through uvsadm's parser and keeps the request it makes. */
static void
request(struct kp *kp, struct args *a, unsigned line)
{
	struct ipvs_cmd ce;
	char why[256], req[UVS_CTL_LINE_MAX];

	if (uvs_ipvsargs_parse(&ce, a->argc, a->argv, why, sizeof(why)) != 0)
		fail(kp, line, "%s", why);
	uvs_ipvsargs_request(&ce, req, sizeof(req));
	if (uvs_rules_add(kp->r, req, line, ce.cmd) < 0)
		fail(kp, line, "out of memory");
}

static void
start_args(struct kp *kp, struct args *a, const struct vs *vs, char cmd)
{
	char v[UVS_INADDR_PORT_STRLEN];

	a->argc = 0;
	a->used = 0;
	arg(kp, a, "uvsadm");
	arg(kp, a, "-%c", cmd);
	arg(kp, a, "%s", vs->udp ? "-u" : "-t");
	arg(kp, a, "%s", uvs_inaddr_port_str(vs->af, &vs->addr, vs->port, v,
	    sizeof(v)));
}

static void
vs_request(struct kp *kp, const struct vs *vs)
{
	struct args a;
	char s[UVS_INADDR_PORT_STRLEN];

	start_args(kp, &a, vs, 'A');
	arg(kp, &a, "-s");
	arg(kp, &a, "%s", vs->sched[0] ? vs->sched : DEF_SCHED);
	if (vs->persistent) {
		arg(kp, &a, "-p");
		arg(kp, &a, "%u", vs->timeout);
	}
	if (vs->mask[0]) {
		arg(kp, &a, "-M");
		arg(kp, &a, "%s", vs->mask);
	}
	if (vs->flags[0]) {
		arg(kp, &a, "-b");
		arg(kp, &a, "%s", vs->flags);
	}
	if (vs->ops)
		arg(kp, &a, "-o");
	if (vs->sorry_af) {
		arg(kp, &a, "--sorry-server");
		arg(kp, &a, "%s", uvs_inaddr_port_str(vs->sorry_af, &vs->sorry,
		    vs->port, s, sizeof(s)));
	}
	if (vs->quorum >= 0) {
		arg(kp, &a, "--quorum");
		arg(kp, &a, "%d", vs->quorum);
	}
	if (vs->hysteresis >= 0) {
		arg(kp, &a, "--hysteresis");
		arg(kp, &a, "%d", vs->hysteresis);
	}
	if (vs->quorum_up[0]) {
		arg(kp, &a, "--quorum-up");
		arg(kp, &a, "%s", vs->quorum_up);
	}
	if (vs->quorum_down[0]) {
		arg(kp, &a, "--quorum-down");
		arg(kp, &a, "%s", vs->quorum_down);
	}
	if (vs->omega && vs->quorum_down[0])
		arg(kp, &a, "--omega");
	else if (vs->omega)
		note(kp, vs->line, "'omega' without quorum_down: uvs runs no "
		    "other script when it stops");
	request(kp, &a, vs->line);
}

/* The first given of checker, real server, virtual server, or def. */
static uint32_t
pick_ms(uint32_t c, uint32_t r, uint32_t v, uint32_t def)
{
	return c ? c : r ? r : v ? v : def;
}

static int
pick_int(int c, int r, int v, int def)
{
	return c >= 0 ? c : r >= 0 ? r : v >= 0 ? v : def;
}

static void
check_args(struct kp *kp, struct args *a, const struct vs *vs,
    const struct rs *rs)
{
	const struct uvs_check_conf *c = &rs->chk;
	uint32_t interval = pick_ms(rs->ctm.delay_loop, rs->tm.delay_loop,
	    vs->tm.delay_loop, DEF_DELAY_LOOP);
	/* keepalived's misc_timeout defaults to the virtual server's loop */
	uint32_t timeout = c->type == UVS_CHECK_CMD ? (rs->misc_timeout ?
	    rs->misc_timeout : vs->tm.delay_loop ? vs->tm.delay_loop :
	    DEF_DELAY_LOOP) : pick_ms(rs->ctm.connect_to, rs->tm.connect_to,
	    vs->tm.connect_to, DEF_CONNECT_TO);
	uint32_t retry_delay = pick_ms(rs->ctm.retry_delay, rs->tm.retry_delay,
	    vs->tm.retry_delay, uvs_check_is_get(c->type) ? DEF_HTTP_RETRY_DELAY :
	    DEF_RETRY_DELAY);
	int retry = pick_int(rs->ctm.retry, rs->tm.retry, vs->tm.retry,
	    c->type == UVS_CHECK_CMD ? 0 : 1);
	char t[24], url[UVS_CHECK_URL_PATH_MAX + UVS_CHECK_STATUS_MAX + 40];
	unsigned i;

	arg(kp, a, "--check");
	arg(kp, a, "%s", uvs_check_type_name(c->type));
	if (c->port) {
		arg(kp, a, "--check-port");
		arg(kp, a, "%u", c->port);
	}
	if (uvs_check_is_get(c->type)) {
		arg(kp, a, "--check-path");
		arg(kp, a, "%s", c->path);
	}
	if (c->status[0]) {
		arg(kp, a, "--check-status");
		arg(kp, a, "%s", c->status);
	}
	if (c->digest[0]) {
		arg(kp, a, "--check-digest");
		arg(kp, a, "%s", c->digest);
	}
	if (c->type == UVS_CHECK_CMD) {
		arg(kp, a, "--check-cmd");
		arg(kp, a, "%s", c->cmd);
	}
	if (c->helo[0]) {
		arg(kp, a, "--check-helo");
		arg(kp, a, "%s", c->helo);
	}
	if (c->payload[0]) {
		arg(kp, a, "--check-payload");
		arg(kp, a, "%s", c->payload);
	}
	if (c->reply)
		arg(kp, a, "--check-reply");
	if (c->host[0] || (vs->vhost[0] && uvs_check_is_get(c->type))) {
		arg(kp, a, "--check-host");
		arg(kp, a, "%s", c->host[0] ? c->host : vs->vhost);
	}
	if (c->alpha || vs->alpha)
		arg(kp, a, "--check-alpha");
	for (i = 0; i < c->nmore; i++) {
		arg(kp, a, "--check-url");
		arg(kp, a, "%s", uvs_check_url_fmt(&c->more[i], url,
		    sizeof(url)));
	}
	arg(kp, a, "--check-interval");
	arg(kp, a, "%s", uvs_check_secs_fmt(interval, t, sizeof(t)));
	arg(kp, a, "--check-timeout");
	arg(kp, a, "%s", uvs_check_secs_fmt(timeout, t, sizeof(t)));
	arg(kp, a, "--check-retry");
	arg(kp, a, "%s", uvs_check_secs_fmt(retry_delay, t, sizeof(t)));
	arg(kp, a, "--rise");
	arg(kp, a, "1");
	arg(kp, a, "--fall");
	arg(kp, a, "%d", retry + 1);
	arg(kp, a, "--on-fail");
	arg(kp, a, "%s", pick_int(-1, rs->tm.inhibit, vs->tm.inhibit, 0) ?
	    "inhibit" : "remove");
}

static void
rs_request(struct kp *kp, const struct vs *vs, const struct rs *rs)
{
	char r[UVS_INADDR_PORT_STRLEN];
	struct args a;

	uint16_t rport = rs->port ? rs->port : vs->port;

	if (rport != vs->port)
		fail(kp, rs->line, "real_server port %u is not the "
		    "virtual_server's %u: direct routing keeps the port (check "
		    "another one with connect_port)", rport, vs->port);
	start_args(kp, &a, vs, 'a');
	arg(kp, &a, "-r");
	arg(kp, &a, "%s", uvs_inaddr_port_str(rs->af, &rs->addr, rport, r,
	    sizeof(r)));
	arg(kp, &a, "-g");
	arg(kp, &a, "-w");
	arg(kp, &a, "%d", rs->weight);
	if (rs->uthr >= 0) {
		arg(kp, &a, "-x");
		arg(kp, &a, "%d", rs->uthr);
	}
	if (rs->lthr >= 0) {
		arg(kp, &a, "-y");
		arg(kp, &a, "%d", rs->lthr);
	}
	if (rs->has_check)
		check_args(kp, &a, vs, rs);
	request(kp, &a, rs->line);
}

/*
 * keepalived's forwarding method defaults to NAT (check_data.c's
 * alloc_vs), so a virtual_server that names none is a NAT service
 * there: loading it as DR would change what the file means.
 */
static void
need_method(struct kp *kp, const struct vs *vs)
{
	unsigned i;

	if (vs->has_method)
		return;
	for (i = 0; i < vs->nrs; i++)
		if (!vs->rs[i].has_method)
			break;
	if (vs->nrs && i == vs->nrs)
		return;
	fail(kp, vs->line, "virtual_server without 'lb_kind' is NAT in "
	    "keepalived, which uvs does not do (uvs does Direct Routing only: "
	    "add 'lb_kind DR')");
}

static const char *
fam_name(int af)
{
	return af == AF_INET6 ? "IPv6" : "IPv4";
}

/* The requests of one service: -A, then -a for each real server. */
static void
vs_emit(struct kp *kp, const struct vs *vs)
{
	unsigned i;

	for (i = 0; i < vs->nrs; i++)
		if (vs->rs[i].af != vs->af)
			fail(kp, vs->rs[i].line, "an %s real_server in an %s "
			    "virtual_server: direct routing keeps one family "
			    "(keepalived would skip it)", fam_name(vs->rs[i].af),
			    fam_name(vs->af));
	if (vs->sorry_af == AF_INET6)
		fail(kp, vs->line, "sorry_server: uvs's sorry servers are "
		    "IPv4 only");
	if (vs->sorry_af && vs->sorry_af != vs->af)
		fail(kp, vs->line, "an IPv4 sorry_server in an IPv6 "
		    "virtual_server: direct routing keeps one family "
		    "(keepalived would skip it)");
	if (vs->sorry_af && vs->sorry_port && vs->sorry_port != vs->port)
		fail(kp, vs->line, "the sorry_server's port %u is not the "
		    "virtual_server's %u: direct routing keeps the port",
		    vs->sorry_port, vs->port);
	vs_request(kp, vs);
	for (i = 0; i < vs->nrs; i++)
		rs_request(kp, vs, &vs->rs[i]);
}

static void
vs_free(struct vs *vs)
{
	if (vs) {
		free(vs->rs);
		free(vs);
	}
}

/* virtual_server group NAME: kept until every group has been read. */
static void
defer_group_vs(struct kp *kp, struct vs *vs)
{
	struct vs **nl;

	if (!(nl = realloc(kp->later, (kp->nlater + 1) * sizeof(*nl))))
		fail(kp, vs->line, "out of memory");
	kp->later = nl;
	kp->later[kp->nlater++] = vs;
}

static void
virtual_server(struct kp *kp, const struct stmt *open)
{
	struct vs *vs;
	struct stmt st;
	int group = open->n >= 2 && strcmp(open->w[1], "group") == 0;

	if (open->n >= 2 && strcmp(open->w[1], "fwmark") == 0)
		unsupported(kp, open->line, "virtual_server fwmark", "uvs "
		    "matches services by address and port");
	need_args(kp, open, 3, group ? "a group name" : "an address and a "
	    "port");
	if (!open->block)
		fail(kp, open->line, "virtual_server needs a '{' block");
	if (!(vs = kp->cur = calloc(1, sizeof(*vs))))
		fail(kp, open->line, "out of memory");
	vs->line = open->line;
	vs->quorum = vs->hysteresis = -1;
	vs->tm.retry = vs->tm.inhibit = -1;
	if (group) {
		if (strlen(open->w[2]) >= sizeof(vs->group))
			fail(kp, open->line, "group name longer than %zu bytes",
			    sizeof(vs->group) - 1);
		strcpy(vs->group, open->w[2]);
	} else {
		vs->af = inaddr(kp, open, open->w[1], &vs->addr);
		vs->port = port(kp, open, open->w[2]);
		kp->info->services++;
	}
	while (block_stmt(kp, &st, open->line)) {
		if (is(&st, "real_server"))
			real_server(kp, vs, &st);
		else if (!vs_keyword(kp, vs, &st))
			refuse(kp, &st, "virtual_server");
		else if (st.block)
			fail(kp, st.line, "'%s' takes no block", st.w[0]);
	}
	need_method(kp, vs);
	if (group)
		defer_group_vs(kp, vs);
	else {
		vs_emit(kp, vs);
		vs_free(vs);
	}
	kp->cur = NULL;
}

/* One line of a virtual_server_group: "IP PORT" or "IP-LAST PORT". */
static void
vsg_line(struct kp *kp, struct vsg *g, const struct stmt *st)
{
	struct vsg_ent *e, *ne;
	char addr[INET_ADDRSTRLEN + 8], *dash, *end;
	uint32_t a;
	long last;

	if (is(st, "fwmark"))
		unsupported(kp, st->line, "fwmark", "uvs matches services by "
		    "address and port");
	if (st->n != 2 || st->block)
		fail(kp, st->line, "a virtual_server_group line is an address "
		    "(or a range a.b.c.d-e) and a port");
	if (g->n == VSG_ENTS_MAX)
		fail(kp, st->line, "more than %d lines in one group",
		    VSG_ENTS_MAX);
	if (!(ne = realloc(g->e, (g->n + 1) * sizeof(*ne))))
		fail(kp, st->line, "out of memory");
	g->e = ne;
	e = &g->e[g->n++];
	if (strchr(st->w[0], ':'))
		unsupported(kp, st->line, "IPv6 in virtual_server_group",
		    "uvs expands IPv4 groups; give each v6 address its own "
		    "virtual_server");
	snprintf(addr, sizeof(addr), "%s", st->w[0]);
	if ((dash = strchr(addr, '-')))
		*dash = '\0';
	ipv4(kp, st, addr, &a);
	e->first = ntohl(a);
	e->count = 1;
	e->line = st->line;
	if (dash) {
		last = strtol(dash + 1, &end, 10);
		if (*end || end == dash + 1 || last < (long)(e->first & 0xff) ||
		    last > 255)
			fail(kp, st->line, "'%s': a range ends in a last byte "
			    "from %u to 255", st->w[0], e->first & 0xff);
		e->count = (unsigned)(last - (long)(e->first & 0xff)) + 1;
	}
	e->port = port(kp, st, st->w[1]);
}

static void
vs_group(struct kp *kp, const struct stmt *open)
{
	struct vsg *g, *ng;
	struct stmt st;
	unsigned i;

	need_args(kp, open, 2, "a name");
	if (!open->block)
		fail(kp, open->line, "virtual_server_group needs a '{' block");
	for (i = 0; i < kp->ngroups; i++)
		if (strcmp(kp->groups[i].name, open->w[1]) == 0)
			fail(kp, open->line, "virtual_server_group %s is defined "
			    "twice (first on line %u)", open->w[1],
			    kp->groups[i].line);
	if (kp->ngroups == VSG_MAX || strlen(open->w[1]) >= VSG_NAME_MAX)
		fail(kp, open->line, "more than %d groups, or a name longer "
		    "than %d bytes", VSG_MAX, VSG_NAME_MAX - 1);
	if (!(ng = realloc(kp->groups, (kp->ngroups + 1) * sizeof(*ng))))
		fail(kp, open->line, "out of memory");
	kp->groups = ng;
	g = &kp->groups[kp->ngroups++];
	memset(g, 0, sizeof(*g));
	strcpy(g->name, open->w[1]);
	g->line = open->line;
	while (block_stmt(kp, &st, open->line))
		vsg_line(kp, g, &st);
}

/*
 * A virtual_server group becomes one service per address and port of
 * its group, each with the same real servers and checks, as keepalived
 * puts every member of the group in IPVS.
 */
static void
vs_expand(struct kp *kp, struct vs *vs)
{
	const struct vsg *g = NULL;
	unsigned i, k;

	for (i = 0; i < kp->ngroups && !g; i++)
		if (strcmp(kp->groups[i].name, vs->group) == 0)
			g = &kp->groups[i];
	if (!g)
		fail(kp, vs->line, "virtual_server group %s: no "
		    "virtual_server_group of that name", vs->group);
	if (!g->n)
		fail(kp, g->line, "virtual_server_group %s is empty", g->name);
	for (i = 0; i < g->n; i++)
		for (k = 0; k < g->e[i].count; k++) {
			vs->af = AF_INET;
			vs->addr = uvs_inaddr4(htonl(g->e[i].first + k));
			vs->port = g->e[i].port;
			kp->info->services++;
			vs_emit(kp, vs);
		}
}

/* Why a top-level block or line is none of uvs's business. */
static const char *
skip_reason(const char *kw)
{
	if (strncmp(kw, "vrrp_", 5) == 0)
		return "VRRP is keepalived's; uvsd --follow-vip follows it";
	if (strcmp(kw, "global_defs") == 0)
		return "keepalived's own settings; only lvs_timeouts is read";
	if (strncmp(kw, "static_", 7) == 0)
		return "addresses, routes and rules are the system's";
	if (strcmp(kw, "SSL") == 0)
		return "a client certificate for SSL_GET: uvs's SSL_GET "
		    "presents none";
	return "not part of LVS";
}

/*
 * lvs_timeouts [tcp T] [tcpfin T] [udp T]: IPVS's timeouts, what
 * `uvsadm --set` sets; one not named stays as it is (--set's 0).
 */
static void
lvs_timeouts(struct kp *kp, const struct stmt *st)
{
	static const char *const names[] = { "tcp", "tcpfin", "udp" };
	const char *val[3] = { "0", "0", "0" };
	struct args a;
	int k, i;

	if (st->block || st->n < 3 || st->n % 2 == 0)
		fail(kp, st->line, "'lvs_timeouts' takes tcp, tcpfin or udp "
		    "each followed by seconds");
	for (k = 1; k < st->n; k += 2) {
		for (i = 0; i < 3 && strcmp(st->w[k], names[i]); i++)
			;
		if (i == 3)
			fail(kp, st->line, "'lvs_timeouts %s': tcp, tcpfin or "
			    "udp?", st->w[k]);
		val[i] = st->w[k + 1];
	}
	a.argc = 0;
	a.used = 0;
	arg(kp, &a, "uvsadm");
	arg(kp, &a, "--set");
	for (i = 0; i < 3; i++)
		arg(kp, &a, "%s", val[i]);
	request(kp, &a, st->line);
}

/* global_defs: keepalived's own settings, but for lvs_timeouts. */
static void
global_defs(struct kp *kp, const struct stmt *open)
{
	struct stmt st;

	while (block_stmt(kp, &st, open->line)) {
		if (is(&st, "lvs_timeouts"))
			lvs_timeouts(kp, &st);
		else if (st.block)
			skip_block(kp, st.line);
	}
}

static void
top_level(struct kp *kp)
{
	struct stmt st;
	unsigned i;

	while (next_stmt(kp, &st)) {
		if (st.n == 0)
			fail(kp, st.line, "'}' without a block to close");
		if (is(&st, "virtual_server")) {
			virtual_server(kp, &st);
			continue;
		}
		if (is(&st, "include"))
			unsupported(kp, st.line, "include", "give uvsd one file "
			    "with the virtual_server blocks");
		if (st.w[0][0] == '$' || st.w[0][0] == '@')
			unsupported(kp, st.line, st.w[0], "no parameters or "
			    "conditional lines in uvs");
		if (is(&st, "virtual_server_group")) {
			vs_group(kp, &st);
			continue;
		}
		note(kp, st.line, "skipping '%s%s%s'%s (%s)", st.w[0],
		    st.n > 1 ? " " : "", st.n > 1 ? st.w[1] : "",
		    st.block ? " block" : "", skip_reason(st.w[0]));
		kp->info->skipped++;
		if (st.block && is(&st, "global_defs"))
			global_defs(kp, &st);
		else if (st.block)
			skip_block(kp, st.line);
	}
	for (i = 0; i < kp->nlater; i++)
		vs_expand(kp, kp->later[i]);
}

static void
kp_free(struct kp *kp)
{
	unsigned i;

	vs_free(kp->cur);
	kp->cur = NULL;
	for (i = 0; i < kp->nlater; i++)
		vs_free(kp->later[i]);
	free(kp->later);
	kp->later = NULL;
	kp->nlater = 0;
	for (i = 0; i < kp->ngroups; i++)
		free(kp->groups[i].e);
	free(kp->groups);
	kp->groups = NULL;
	kp->ngroups = 0;
	free(kp->t);
	kp->t = NULL;
}

/* Reads all of in into a NUL-terminated malloc'd text, or NULL. */
static char *
slurp(FILE *in, char *err, size_t errlen, const char *name)
{
	size_t len = 0, cap = 4096, k;
	char *buf = malloc(cap), *nb;

	while (buf && (k = fread(buf + len, 1, cap - len - 1, in)) > 0) {
		len += k;
		if (len + 1 < cap)
			continue;
		if (cap > UVS_KEEPALIVED_MAX || !(nb = realloc(buf, cap * 2))) {
			free(buf);
			snprintf(err, errlen, "%s: larger than %u bytes", name,
			    UVS_KEEPALIVED_MAX);
			return NULL;
		}
		buf = nb;
		cap *= 2;
	}
	if (!buf || ferror(in)) {
		free(buf);
		snprintf(err, errlen, "%s: cannot read it", name);
		return NULL;
	}
	buf[len] = '\0';
	if (strlen(buf) != len) {
		free(buf);
		snprintf(err, errlen, "%s: holds a NUL byte", name);
		return NULL;
	}
	return buf;
}

/* Tokens, then statements; a failure longjmps back here. */
static int __attribute__((noinline))
parse_text(struct kp *kp, const char *text, struct arena *a)
{
	if (setjmp(kp->bail) != 0)
		return -1;
	tokenize(kp, text, a);
	top_level(kp);
	return 0;
}

int
uvs_keepalived_read(FILE *in, const char *name, struct uvs_rules *r,
    struct uvs_keepalived_info *info, char *err, size_t errlen,
    uvs_keepalived_log log, void *log_arg)
{
	struct kp kp = { .name = name, .err = err, .errlen = errlen, .r = r,
	    .info = info, .log = log, .log_arg = log_arg };
	struct arena a = { 0 };
	char *text;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	memset(info, 0, sizeof(*info));
	if (!(text = slurp(in, err, errlen, name)))
		return EXIT_USAGE;
	if (!(a.buf = malloc(2 * strlen(text) + 1))) {
		free(text);
		snprintf(err, errlen, "%s: out of memory", name);
		return EXIT_USAGE;
	}
	if (parse_text(&kp, text, &a) < 0) {
		uvs_rules_free(r);
		rc = EXIT_USAGE;
	}
	kp_free(&kp);
	free(a.buf);
	free(text);
	return rc;
}

int
uvs_keepalived_read_file(const char *path, struct uvs_rules *r,
    struct uvs_keepalived_info *info, char *err, size_t errlen,
    uvs_keepalived_log log, void *log_arg)
{
	FILE *f = fopen(path, "r");
	int rc;

	if (!f) {
		memset(r, 0, sizeof(*r));
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return EXIT_USAGE;
	}
	rc = uvs_keepalived_read(f, path, r, info, err, errlen, log, log_arg);
	fclose(f);
	return rc;
}
