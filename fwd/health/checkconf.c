/*
 * Health check configuration (checkconf.h): defaults, coherence, and the
 * three spellings of the same values (CLI options, request words, -S
 * output). Zero means "the default" everywhere before uvs_check_finish(),
 * so a conf can be filled field by field in any order and finished once.
 * The timeout and the retry wait stay 0 after finishing when not given:
 * they follow the interval, and -S then does not pin them.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwd/health/checkconf.h"

static const char *const type_names[] = {
	[UVS_CHECK_NONE] = "none", [UVS_CHECK_TCP] = "tcp",
	[UVS_CHECK_HTTP] = "http", [UVS_CHECK_CMD] = "cmd",
	[UVS_CHECK_SSL] = "ssl", [UVS_CHECK_SMTP] = "smtp",
	[UVS_CHECK_UDP] = "udp", [UVS_CHECK_PING] = "ping",
};

static const char *const onfail_names[] = {
	[UVS_ONFAIL_INHIBIT] = "inhibit", [UVS_ONFAIL_REMOVE] = "remove",
};

#define NTYPES	(int)(sizeof(type_names) / sizeof(type_names[0]))
#define NONFAIL	(int)(sizeof(onfail_names) / sizeof(onfail_names[0]))

const char *
uvs_check_type_name(int type)
{
	return type >= 0 && type < NTYPES ? type_names[type] : "?";
}

int
uvs_check_type_parse(const char *s)
{
	int i;

	for (i = 0; s && i < NTYPES; i++)
		if (strcmp(s, type_names[i]) == 0)
			return i;
	return -1;
}

const char *
uvs_check_onfail_name(int on_fail)
{
	return on_fail >= 0 && on_fail < NONFAIL ? onfail_names[on_fail] : "?";
}

int
uvs_check_onfail_parse(const char *s)
{
	int i;

	for (i = 0; s && i < NONFAIL; i++)
		if (strcmp(s, onfail_names[i]) == 0)
			return i;
	return -1;
}

int
uvs_check_is_get(int type)
{
	return type == UVS_CHECK_HTTP || type == UVS_CHECK_SSL;
}

void
uvs_check_finish(struct uvs_check_conf *c)
{
	if (c->type == UVS_CHECK_NONE) {
		memset(c, 0, sizeof(*c));
		return;
	}
	if (uvs_check_is_get(c->type) && !c->path[0])
		strcpy(c->path, "/");
	if (!c->interval_ms)
		c->interval_ms = UVS_CHECK_INTERVAL_MS;
	if (!c->rise)
		c->rise = UVS_CHECK_RISE;
	if (!c->fall)
		c->fall = UVS_CHECK_FALL;
}

uint32_t
uvs_check_timeout(const struct uvs_check_conf *c)
{
	if (c->timeout_ms)
		return c->timeout_ms;
	return c->interval_ms < UVS_CHECK_TIMEOUT_MAX_MS ? c->interval_ms :
	    UVS_CHECK_TIMEOUT_MAX_MS;
}

uint32_t
uvs_check_retry(const struct uvs_check_conf *c)
{
	return c->retry_ms ? c->retry_ms : c->interval_ms;
}

static int
ms_ok(uint32_t ms)
{
	return ms >= UVS_CHECK_MS_MIN && ms <= UVS_CHECK_MS_MAX;
}

/* A path we can put in a request line as it is. */
static int
path_ok(const char *p)
{
	if (p[0] != '/')
		return 0;
	for (; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return 0;
	return 1;
}

static int
printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || (unsigned char)*s == 0x7f)
			return 0;
	return 1;
}

static int
hex_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return s[len] == '\0';
}

/* One word: printable, no blank. */
static int
word_ok(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/* The http-only fields, for the "only for http" refusal. */
static int
has_http_fields(const struct uvs_check_conf *c)
{
	return c->path[0] || c->status[0] || c->expect[0] || c->digest[0] ||
	    c->host[0] || c->nmore;
}

/* One "N" or "N-M" of a status list, at *s; moves *s past it. */
static int
status_item(const char **s, long *lo, long *hi)
{
	char *end;

	*lo = strtol(*s, &end, 10);
	if (end == *s || !isdigit((unsigned char)**s))
		return -1;
	*hi = *lo;
	if (*end == '-') {
		const char *h = end + 1;

		*hi = strtol(h, &end, 10);
		if (end == h || !isdigit((unsigned char)*h))
			return -1;
	}
	*s = end;
	return *lo >= 100 && *hi <= 599 && *lo <= *hi ? 0 : -1;
}

int
uvs_check_status_valid(const char *s)
{
	long lo, hi;

	if (!*s)
		return 1;
	for (;;) {
		if (status_item(&s, &lo, &hi) < 0)
			return 0;
		if (!*s)
			return 1;
		if (*s++ != ',')
			return 0;
	}
}

int
uvs_check_status_match(const char *s, int code)
{
	long lo, hi;

	if (!*s)
		return code >= 200 && code <= 299;
	while (*s && status_item(&s, &lo, &hi) == 0) {
		if (code >= lo && code <= hi)
			return 1;
		if (*s == ',')
			s++;
	}
	return 0;
}

int
uvs_check_url_parse(const char *s, struct uvs_check_url *u)
{
	char buf[UVS_CHECK_URL_PATH_MAX + UVS_CHECK_STATUS_MAX + 40];
	char *w, *save = NULL;
	int k = 0;

	memset(u, 0, sizeof(*u));
	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	for (w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (k++ == 0) {
			if (strlen(w) >= sizeof(u->path) || !path_ok(w))
				return -EINVAL;
			strcpy(u->path, w);
		} else if (strlen(w) == UVS_CHECK_DIGEST_LEN &&
		    hex_ok(w, UVS_CHECK_DIGEST_LEN) && !u->digest[0])
			strcpy(u->digest, w);
		else if (!u->status[0] && strlen(w) < sizeof(u->status) &&
		    uvs_check_status_valid(w))
			strcpy(u->status, w);
		else
			return -EINVAL;
	}
	return u->path[0] ? 0 : -EINVAL;
}

char *
uvs_check_url_fmt(const struct uvs_check_url *u, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s%s%s", u->path, u->digest[0] ? " " : "",
	    u->digest, u->status[0] ? " " : "", u->status);
	return buf;
}

const char *
uvs_check_invalid(const struct uvs_check_conf *c)
{
	if (c->type < 0 || c->type >= NTYPES)
		return "unknown check type (tcp, http, ssl, smtp, udp, ping, cmd "
		    "or none)";
	if (c->type == UVS_CHECK_NONE)
		return NULL;
	if (!uvs_check_is_get(c->type) && has_http_fields(c))
		return "--check-path, --check-status, --check-expect and "
		    "--check-digest are only for --check http and ssl";
	if (uvs_check_is_get(c->type) && !path_ok(c->path))
		return "the check path must start with '/' and hold no "
		    "blanks or control characters";
	if (!uvs_check_status_valid(c->status))
		return "the check status must be HTTP statuses 100..599, or "
		    "ranges of them, split by commas (200-299,503)";
	if (!word_ok(c->host))
		return "the check host must be one word of printable characters";
	if (c->nmore > UVS_CHECK_MORE_URLS)
		return "at most 3 --check-url";
	for (unsigned i = 0; i < c->nmore; i++)
		if (!path_ok(c->more[i].path) ||
		    !uvs_check_status_valid(c->more[i].status) ||
		    (c->more[i].digest[0] &&
		    !hex_ok(c->more[i].digest, UVS_CHECK_DIGEST_LEN)))
			return "a --check-url is 'PATH [MD5] [STATUS]': a path "
			    "starting with '/', 32 hex digits, a status list";
	if (c->digest[0] && !hex_ok(c->digest, UVS_CHECK_DIGEST_LEN))
		return "the check digest must be an MD5 sum: 32 hex digits";
	if (!printable(c->expect))
		return "the expected text must be printable";
	if (c->type == UVS_CHECK_CMD && !c->cmd[0])
		return "--check cmd needs --check-cmd 'COMMAND'";
	if (c->type != UVS_CHECK_CMD && c->cmd[0])
		return "--check-cmd is only for --check cmd";
	if (!printable(c->cmd))
		return "the check command must be one printable line";
	if ((c->type == UVS_CHECK_CMD || c->type == UVS_CHECK_PING) && c->port)
		return "--check-port is not for --check cmd or ping";
	if (c->type != UVS_CHECK_SMTP && c->helo[0])
		return "--check-helo is only for --check smtp";
	if (c->helo[0] && !word_ok(c->helo))
		return "the HELO name must be one word of printable characters";
	if (c->type != UVS_CHECK_UDP && (c->payload[0] || c->reply))
		return "--check-payload and --check-reply are only for --check udp";
	if (c->payload[0] && (strlen(c->payload) % 2 ||
	    !hex_ok(c->payload, strlen(c->payload))))
		return "the check payload must be hex digits, two per byte, at "
		    "most 64 bytes";
	if (!ms_ok(c->interval_ms) || (c->timeout_ms && !ms_ok(c->timeout_ms))
	    || (c->retry_ms && !ms_ok(c->retry_ms)))
		return "check times must be 0.1 s to 86400 s";
	if (c->rise < 1 || c->rise > UVS_CHECK_COUNT_MAX || c->fall < 1 ||
	    c->fall > UVS_CHECK_COUNT_MAX)
		return "--rise and --fall must be 1..100";
	if (c->on_fail < 0 || c->on_fail >= NONFAIL)
		return "--on-fail must be inhibit or remove";
	return NULL;
}

int
uvs_check_secs_parse(const char *s, uint32_t min_ms, uint32_t max_ms,
    uint32_t *ms)
{
	unsigned long long v = 0;
	int digits = 0, decimals = -1;

	for (; *s; s++) {
		if (*s == '.' && decimals < 0 && digits) {
			decimals = 0;
			continue;
		}
		if (!isdigit((unsigned char)*s) || decimals == 3 ||
		    v > UVS_CHECK_MS_MAX)
			return -EINVAL;
		v = v * 10 + (unsigned)(*s - '0');
		digits++;
		if (decimals >= 0)
			decimals++;
	}
	if (!digits || decimals == 0)
		return -EINVAL;
	for (decimals = decimals < 0 ? 0 : decimals; decimals < 3; decimals++)
		v *= 10;
	if (v < min_ms || v > max_ms)
		return -EINVAL;
	*ms = (uint32_t)v;
	return 0;
}

char *
uvs_check_secs_fmt(uint32_t ms, char *buf, size_t size)
{
	size_t n;

	if (ms % 1000 == 0) {
		snprintf(buf, size, "%u", ms / 1000);
		return buf;
	}
	snprintf(buf, size, "%u.%03u", ms / 1000, ms % 1000);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	return buf;
}

size_t
uvs_check_escape(const char *in, char *out, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0, w = 0;	/* needed, and written while all fits */

	for (; *in; in++) {
		unsigned char ch = (unsigned char)*in;
		int plain = ch > ' ' && ch < 0x7f && ch != '%';

		n += plain ? 1 : 3;
		if (n >= size)
			continue;
		if (plain)
			out[w++] = (char)ch;
		else {
			out[w++] = '%';
			out[w++] = hex[ch >> 4];
			out[w++] = hex[ch & 15];
		}
	}
	if (size)
		out[w] = '\0';
	return n;
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower(ch);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

int
uvs_check_unescape(const char *in, char *out, size_t size)
{
	size_t n = 0;
	int hi, lo;

	for (; *in; in++) {
		char ch = *in;

		if (ch == '%') {
			if ((hi = hexval(in[1])) < 0 || (lo = hexval(in[2])) < 0)
				return -EINVAL;
			ch = (char)(hi << 4 | lo);
			in += 2;
		}
		if (ch == '\0' || n + 1 >= size)
			return -EINVAL;
		out[n++] = ch;
	}
	out[n] = '\0';
	return 0;
}

/* Appends to buf at *n what fmt makes, counting what did not fit too. */
static void __attribute__((format(printf, 4, 5)))
add(char *buf, size_t size, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(buf + (*n < size ? *n : size), *n < size ? size - *n : 0,
	    fmt, ap);
	va_end(ap);
	if (k > 0)
		*n += (size_t)k;
}

/* " key=ESCAPED" */
static void
add_escaped(char *buf, size_t size, size_t *n, const char *key,
    const char *val)
{
	char esc[3 * UVS_CHECK_CMD_MAX];

	uvs_check_escape(val, esc, sizeof(esc));
	add(buf, size, n, " %s=%s", key, esc);
}

size_t
uvs_check_words(const struct uvs_check_conf *c, char *buf, size_t size)
{
	char key[16], url[UVS_CHECK_URL_PATH_MAX + UVS_CHECK_STATUS_MAX + 40];
	size_t n = 0;
	unsigned i;

	if (size)
		buf[0] = '\0';
	add(buf, size, &n, " check=%s", uvs_check_type_name(c->type));
	if (c->type == UVS_CHECK_NONE)
		return n;
	if (c->port)
		add(buf, size, &n, " check_port=%u", c->port);
	if (uvs_check_is_get(c->type))
		add_escaped(buf, size, &n, "check_path", c->path);
	if (c->status[0])
		add(buf, size, &n, " check_status=%s", c->status);
	if (c->expect[0])
		add_escaped(buf, size, &n, "check_expect", c->expect);
	if (c->digest[0])
		add(buf, size, &n, " check_digest=%s", c->digest);
	if (c->type == UVS_CHECK_CMD)
		add_escaped(buf, size, &n, "check_cmd", c->cmd);
	if (c->helo[0])
		add_escaped(buf, size, &n, "check_helo", c->helo);
	if (c->payload[0])
		add(buf, size, &n, " check_payload=%s", c->payload);
	if (c->reply)
		add(buf, size, &n, " check_reply=1");
	if (c->host[0])
		add_escaped(buf, size, &n, "check_host", c->host);
	if (c->alpha)
		add(buf, size, &n, " check_alpha=1");
	for (i = 0; i < c->nmore && i < UVS_CHECK_MORE_URLS; i++) {
		snprintf(key, sizeof(key), "check_url%u", i + 1);
		add_escaped(buf, size, &n, key, uvs_check_url_fmt(&c->more[i],
		    url, sizeof(url)));
	}
	add(buf, size, &n, " check_interval=%u check_timeout=%u "
	    "check_retry=%u check_rise=%u check_fall=%u check_on_fail=%s",
	    c->interval_ms, c->timeout_ms, c->retry_ms, c->rise, c->fall,
	    uvs_check_onfail_name(c->on_fail));
	return n;
}

size_t
uvs_vs_health_words(const struct uvs_vs_health *v, char *buf, size_t size)
{
	struct in_addr a = { .s_addr = v->sorry };
	char s[INET_ADDRSTRLEN] = "none";
	size_t n = 0;

	if (size)
		buf[0] = '\0';
	if (v->sorry)
		inet_ntop(AF_INET, &a, s, sizeof(s));
	add(buf, size, &n, " sorry=%s quorum=%u hysteresis=%u", s, v->quorum,
	    v->hysteresis);
	if (v->quorum_up[0])
		add_escaped(buf, size, &n, "quorum_up", v->quorum_up);
	if (v->quorum_down[0])
		add_escaped(buf, size, &n, "quorum_down", v->quorum_down);
	if (v->omega)
		add(buf, size, &n, " omega=1");
	return n;
}

const char *
uvs_vs_health_invalid(const struct uvs_vs_health *v)
{
	if (!printable(v->quorum_up) || !printable(v->quorum_down))
		return "a quorum command must be one printable line";
	if (v->omega && !v->quorum_down[0])
		return "--omega needs --quorum-down 'COMMAND'";
	return NULL;
}

/* An optional u32 word: absent leaves *out alone. */
static int
opt_u32(const struct uvs_ctl_msg *m, const char *key, uint32_t max,
    uint32_t *out)
{
	int rc = uvs_ctl_get_u32(m, key, max, out);

	return rc == -ENOENT ? 0 : rc;
}

static int
opt_str(const struct uvs_ctl_msg *m, const char *key, char *out, size_t size)
{
	const char *v = uvs_ctl_get(m, key);

	return v ? uvs_check_unescape(v, out, size) : 0;
}

int
uvs_check_from_msg(const struct uvs_ctl_msg *m, struct uvs_check_conf *c)
{
	const char *type = uvs_ctl_get(m, "check");
	const char *onfail = uvs_ctl_get(m, "check_on_fail");
	uint32_t port = 0, reply = 0, alpha = 0;
	char key[16], url[UVS_CHECK_URL_PATH_MAX + UVS_CHECK_STATUS_MAX + 40];
	unsigned i;

	memset(c, 0, sizeof(*c));
	if (!type)
		return 0;
	if ((c->type = uvs_check_type_parse(type)) < 0)
		return -EINVAL;
	if (opt_u32(m, "check_port", 65535, &port) < 0 ||
	    opt_str(m, "check_status", c->status, sizeof(c->status)) < 0 ||
	    opt_str(m, "check_host", c->host, sizeof(c->host)) < 0 ||
	    opt_str(m, "check_path", c->path, sizeof(c->path)) < 0 ||
	    opt_str(m, "check_expect", c->expect, sizeof(c->expect)) < 0 ||
	    opt_str(m, "check_digest", c->digest, sizeof(c->digest)) < 0 ||
	    opt_str(m, "check_cmd", c->cmd, sizeof(c->cmd)) < 0 ||
	    opt_str(m, "check_helo", c->helo, sizeof(c->helo)) < 0 ||
	    opt_str(m, "check_payload", c->payload, sizeof(c->payload)) < 0 ||
	    opt_u32(m, "check_reply", 1, &reply) < 0 ||
	    opt_u32(m, "check_alpha", 1, &alpha) < 0 ||
	    opt_u32(m, "check_interval", UVS_CHECK_MS_MAX, &c->interval_ms) < 0 ||
	    opt_u32(m, "check_timeout", UVS_CHECK_MS_MAX, &c->timeout_ms) < 0 ||
	    opt_u32(m, "check_retry", UVS_CHECK_MS_MAX, &c->retry_ms) < 0 ||
	    opt_u32(m, "check_rise", UVS_CHECK_COUNT_MAX, &c->rise) < 0 ||
	    opt_u32(m, "check_fall", UVS_CHECK_COUNT_MAX, &c->fall) < 0)
		return -EINVAL;
	if (onfail && (c->on_fail = uvs_check_onfail_parse(onfail)) < 0)
		return -EINVAL;
	c->port = (uint16_t)port;
	c->reply = (int)reply;
	c->alpha = (int)alpha;
	for (i = 0; i < UVS_CHECK_MORE_URLS; i++) {
		snprintf(key, sizeof(key), "check_url%u", i + 1);
		if (!uvs_ctl_get(m, key))
			break;
		if (opt_str(m, key, url, sizeof(url)) < 0 ||
		    uvs_check_url_parse(url, &c->more[c->nmore++]) < 0)
			return -EINVAL;
	}
	if (c->type == UVS_CHECK_NONE) {
		memset(c, 0, sizeof(*c));
		return 1;
	}
	uvs_check_finish(c);
	return uvs_check_invalid(c) ? -EINVAL : 1;
}

int
uvs_vs_health_from_msg(const struct uvs_ctl_msg *m, struct uvs_vs_health *v)
{
	const char *sorry = uvs_ctl_get(m, "sorry");
	uint32_t omega = 0;

	memset(v, 0, sizeof(*v));
	v->quorum = UVS_QUORUM_DEFAULT;
	if (!sorry && !uvs_ctl_get(m, "quorum") &&
	    !uvs_ctl_get(m, "hysteresis") && !uvs_ctl_get(m, "quorum_up") &&
	    !uvs_ctl_get(m, "quorum_down") && !uvs_ctl_get(m, "omega"))
		return 0;
	if (opt_str(m, "quorum_up", v->quorum_up, sizeof(v->quorum_up)) < 0 ||
	    opt_str(m, "quorum_down", v->quorum_down,
	    sizeof(v->quorum_down)) < 0 ||
	    opt_u32(m, "omega", 1, &omega) < 0)
		return -EINVAL;
	v->omega = (int)omega;
	if (uvs_vs_health_invalid(v))
		return -EINVAL;
	if (sorry && strcmp(sorry, "none") != 0 &&
	    (uvs_ctl_get_addr(m, "sorry", &v->sorry) < 0 || !v->sorry))
		return -EINVAL;
	if (opt_u32(m, "quorum", UVS_QUORUM_MAX, &v->quorum) < 0 ||
	    opt_u32(m, "hysteresis", UVS_QUORUM_MAX, &v->hysteresis) < 0)
		return -EINVAL;
	return 1;
}

int
uvs_vs_health_is_default(const struct uvs_vs_health *v)
{
	return !v->sorry && v->quorum == UVS_QUORUM_DEFAULT && !v->hysteresis &&
	    !v->quorum_up[0] && !v->quorum_down[0] && !v->omega;
}

/* " --opt WORD", WORD in single quotes when the shell would split it. */
static void
add_quoted(char *buf, size_t size, size_t *n, const char *opt,
    const char *word)
{
	const char *p;

	if (*word && strspn(word, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:@%+,=-") ==
	    strlen(word)) {
		add(buf, size, n, " %s %s", opt, word);
		return;
	}
	add(buf, size, n, " %s '", opt);
	for (p = word; *p; p++) {
		if (*p == '\'')
			add(buf, size, n, "'\\''");
		else
			add(buf, size, n, "%c", *p);
	}
	add(buf, size, n, "'");
}

size_t
uvs_check_cli(const struct uvs_check_conf *c, char *buf, size_t size)
{
	char t[24], url[UVS_CHECK_URL_PATH_MAX + UVS_CHECK_STATUS_MAX + 40];
	size_t n = 0;
	unsigned i;

	if (size)
		buf[0] = '\0';
	add(buf, size, &n, " --check %s", uvs_check_type_name(c->type));
	if (c->type == UVS_CHECK_NONE)
		return n;
	if (c->port)
		add(buf, size, &n, " --check-port %u", c->port);
	if (uvs_check_is_get(c->type))
		add_quoted(buf, size, &n, "--check-path", c->path);
	if (c->status[0])
		add(buf, size, &n, " --check-status %s", c->status);
	if (c->expect[0])
		add_quoted(buf, size, &n, "--check-expect", c->expect);
	if (c->digest[0])
		add(buf, size, &n, " --check-digest %s", c->digest);
	if (c->type == UVS_CHECK_CMD)
		add_quoted(buf, size, &n, "--check-cmd", c->cmd);
	if (c->helo[0])
		add_quoted(buf, size, &n, "--check-helo", c->helo);
	if (c->payload[0])
		add(buf, size, &n, " --check-payload %s", c->payload);
	if (c->reply)
		add(buf, size, &n, " --check-reply");
	if (c->host[0])
		add_quoted(buf, size, &n, "--check-host", c->host);
	if (c->alpha)
		add(buf, size, &n, " --check-alpha");
	for (i = 0; i < c->nmore && i < UVS_CHECK_MORE_URLS; i++)
		add_quoted(buf, size, &n, "--check-url", uvs_check_url_fmt(
		    &c->more[i], url, sizeof(url)));
	add(buf, size, &n, " --check-interval %s",
	    uvs_check_secs_fmt(c->interval_ms, t, sizeof(t)));
	if (c->timeout_ms)
		add(buf, size, &n, " --check-timeout %s",
		    uvs_check_secs_fmt(c->timeout_ms, t, sizeof(t)));
	if (c->retry_ms)
		add(buf, size, &n, " --check-retry %s",
		    uvs_check_secs_fmt(c->retry_ms, t, sizeof(t)));
	add(buf, size, &n, " --rise %u --fall %u --on-fail %s", c->rise,
	    c->fall, uvs_check_onfail_name(c->on_fail));
	return n;
}

size_t
uvs_vs_health_cli(const struct uvs_vs_health *v, char *buf, size_t size)
{
	struct in_addr a = { .s_addr = v->sorry };
	size_t n = 0;

	if (size)
		buf[0] = '\0';
	if (v->sorry)
		add(buf, size, &n, " --sorry-server %s", inet_ntoa(a));
	if (v->quorum != UVS_QUORUM_DEFAULT)
		add(buf, size, &n, " --quorum %u", v->quorum);
	if (v->hysteresis)
		add(buf, size, &n, " --hysteresis %u", v->hysteresis);
	if (v->quorum_up[0])
		add_quoted(buf, size, &n, "--quorum-up", v->quorum_up);
	if (v->quorum_down[0])
		add_quoted(buf, size, &n, "--quorum-down", v->quorum_down);
	if (v->omega)
		add(buf, size, &n, " --omega");
	return n;
}
