/*
 * Golden-file tests of uvsadm's printers (fwd/uvsadm/uvsadm_list.c): one cmocka
 * test per case in tests/golden. A case is NAME.reply (uvsd's reply),
 * NAME.args (the printer and its flags, one line) and NAME.out (what
 * ipvsadm 1.31 prints). The .out files come from tests/golden/
 * make_golden.py, a separate implementation of ipvsadm's printf formats,
 * never from uvsadm; a mismatch is printed as the first differing line.
 *
 * Names come from fixtures, never from the host: the test is linked with
 * -Wl,--wrap=getservbyport,--wrap=gethostbyaddr (Makefile), so the
 * printers' look-ups land in __wrap_getservbyport() and
 * __wrap_gethostbyaddr() below, which answer from tests/golden/services
 * and tests/golden/hosts (/etc/services and /etc/hosts formats). The
 * name-resolving cases print the same bytes on every host and never skip.
 *
 * Runs from the repository root (as tests/run.sh does); $UVS_GOLDEN_DIR
 * names another directory.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fwd/uvsadm/uvsadm.h"

#define GOLDEN_DIR	"tests/golden"

struct golden {
	char	name[128];
	char	path[512];	/* directory and name, no suffix */
};

struct text {
	char	*buf;
	size_t	 len;
};

static const char *
golden_dir(void)
{
	const char *d = getenv("UVS_GOLDEN_DIR");

	return d && *d ? d : GOLDEN_DIR;
}

/* The whole file, NUL-terminated; buf is NULL when it cannot be read. */
static struct text
slurp(const struct golden *g, const char *suffix)
{
	struct text t = { NULL, 0 };
	char path[600];
	FILE *f;
	long len;

	snprintf(path, sizeof(path), "%s%s", g->path, suffix);
	if (!(f = fopen(path, "rb")))
		return t;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (t.buf = malloc((size_t)len + 1))) {
		t.len = fread(t.buf, 1, (size_t)len, f);
		t.buf[t.len] = '\0';
	}
	fclose(f);
	return t;
}

enum printer { P_LIST, P_SAVE, P_CONNS, P_TIMEOUT };

struct call {
	enum printer		which;
	unsigned int		fmt;
	int			has_key;
	struct uvsadm_svc_key	key;
};

static const struct {
	const char	*arg;
	unsigned int	 fmt;
} flag_args[] = {
	{ "-n", UVSADM_FMT_NUMERIC },
	{ "--stats", UVSADM_FMT_STATS },
	{ "--rate", UVSADM_FMT_RATE },
	{ "--exact", UVSADM_FMT_EXACT },
	{ "--thresholds", UVSADM_FMT_THRESHOLDS },
	{ "--persistent-conn", UVSADM_FMT_PERSISTENTCONN },
	{ "--nosort", UVSADM_FMT_NOSORT },
	{ "--tun-info", UVSADM_FMT_TUN_INFO },
};

/* "-t|-u addr:port" or "[v6addr]:port" into key; 0 or -1. */
static int
parse_key(const char *opt, char *ap, struct uvsadm_svc_key *key)
{
	char *colon = ap ? strrchr(ap, ':') : NULL;
	char *end;
	unsigned long port;

	if (!colon)
		return -1;
	*colon = '\0';
	port = strtoul(colon + 1, &end, 10);
	memset(&key->addr, 0, sizeof(key->addr));
	key->af = ap[0] == '[' ? AF_INET6 : AF_INET;
	if (key->af == AF_INET6) {
		if (colon[-1] != ']')
			return -1;
		colon[-1] = '\0';
		ap++;
	}
	if (*end || port > 65535 || inet_pton(key->af, ap, &key->addr) != 1)
		return -1;
	key->port = (uint16_t)port;
	key->proto = strcmp(opt, "-t") == 0 ? IPPROTO_TCP : IPPROTO_UDP;
	return 0;
}

static int
parse_flag(const char *w, unsigned int *fmt)
{
	size_t i;

	for (i = 0; i < sizeof(flag_args) / sizeof(flag_args[0]); i++)
		if (strcmp(w, flag_args[i].arg) == 0) {
			*fmt |= flag_args[i].fmt;
			return 0;
		}
	return -1;
}

/* One .args line into a call; an unknown word fails the case. */
static int
parse_args(char *line, struct call *c)
{
	char *save = NULL, *w = strtok_r(line, " \t\r\n", &save);

	memset(c, 0, sizeof(*c));
	if (!w)
		return -1;
	if (strcmp(w, "list") == 0)
		c->which = P_LIST;
	else if (strcmp(w, "save") == 0)
		c->which = P_SAVE;
	else if (strcmp(w, "conns") == 0)
		c->which = P_CONNS;
	else if (strcmp(w, "timeout") == 0)
		c->which = P_TIMEOUT;
	else
		return -1;
	while ((w = strtok_r(NULL, " \t\r\n", &save))) {
		if (strcmp(w, "-t") == 0 || strcmp(w, "-u") == 0) {
			if (parse_key(w, strtok_r(NULL, " \t\r\n", &save),
			    &c->key) < 0)
				return -1;
			c->has_key = 1;
		} else if (parse_flag(w, &c->fmt) < 0)
			return -1;
	}
	return 0;
}

static int
run_printer(FILE *f, const char *reply, const struct call *c)
{
	switch (c->which) {
	case P_LIST:
		return uvsadm_list_print(f, reply, c->fmt,
		    c->has_key ? &c->key : NULL);
	case P_SAVE:
		return uvsadm_list_print(f, reply, c->fmt | UVSADM_FMT_RULE,
		    NULL);
	case P_CONNS:
		return uvsadm_conns_print(f, reply, c->fmt);
	case P_TIMEOUT:
		return uvsadm_timeout_print(f, reply);
	}
	return -EINVAL;
}

/*
 * The fixtures: one entry per name, as the files list them. The wrappers
 * return a static struct, as the real functions do (use before the next
 * call). NULL aliases: the printers only read the official name.
 */
#define FIXTURE_MAX	64
#define FIXTURE_NAME	64

struct fixture {
	char		name[FIXTURE_MAX][FIXTURE_NAME];
	char		key[FIXTURE_MAX][FIXTURE_NAME];	/* "80/tcp", "127.0.0.1" */
	size_t		n;
};

/* file-scope: the wrappers have libc's signatures, with no state to pass */
static struct fixture services, hosts;

/*
 * Reads a file of "A B ..." lines ('#' starts a comment) into f: key is
 * the first word and name the second (services: "http 80/tcp" swapped).
 * 0, or -1 when the file cannot be read or holds too much.
 */
static int
fixture_load(struct fixture *f, const char *file, int name_first)
{
	char path[600], line[256], a[FIXTURE_NAME], b[FIXTURE_NAME];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", golden_dir(), file);
	if (!(fp = fopen(path, "r")))
		return -1;
	f->n = 0;
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "#")] = '\0';
		if (sscanf(line, "%63s %63s", a, b) != 2)
			continue;
		if (f->n == FIXTURE_MAX) {
			fclose(fp);
			return -1;
		}
		snprintf(f->name[f->n], FIXTURE_NAME, "%s", name_first ? a : b);
		snprintf(f->key[f->n], FIXTURE_NAME, "%s", name_first ? b : a);
		f->n++;
	}
	fclose(fp);
	return f->n ? 0 : -1;
}

static const char *
fixture_find(const struct fixture *f, const char *key)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->key[i], key) == 0)
			return f->name[i];
	return NULL;
}

struct servent *__wrap_getservbyport(int port, const char *proto);
struct hostent *__wrap_gethostbyaddr(const void *addr, socklen_t len,
    int type);

/* getservbyport() from tests/golden/services; port in network order. */
struct servent *
__wrap_getservbyport(int port, const char *proto)
{
	static struct servent se;
	static char name[FIXTURE_NAME], *aliases[] = { NULL };
	char key[FIXTURE_NAME];
	const char *found;

	snprintf(key, sizeof(key), "%u/%s", ntohs((uint16_t)port),
	    proto ? proto : "");
	if (!proto || !(found = fixture_find(&services, key)))
		return NULL;
	snprintf(name, sizeof(name), "%s", found);
	se = (struct servent){ .s_name = name, .s_aliases = aliases,
	    .s_port = port, .s_proto = (char *)proto };
	return &se;
}

/* gethostbyaddr() from tests/golden/hosts, IPv4 only. */
struct hostent *
__wrap_gethostbyaddr(const void *addr, socklen_t len, int type)
{
	static struct hostent he;
	static char name[FIXTURE_NAME], *aliases[] = { NULL };
	static char *addrs[2];
	static struct in_addr in;
	char key[INET_ADDRSTRLEN];
	const char *found;

	if (type != AF_INET || len != sizeof(in))
		return NULL;
	memcpy(&in, addr, sizeof(in));
	inet_ntop(AF_INET, &in, key, sizeof(key));
	if (!(found = fixture_find(&hosts, key)))
		return NULL;
	snprintf(name, sizeof(name), "%s", found);
	addrs[0] = (char *)&in;
	he = (struct hostent){ .h_name = name, .h_aliases = aliases,
	    .h_addrtype = AF_INET, .h_length = sizeof(in),
	    .h_addr_list = addrs };
	return &he;
}

/* Line n (1-based) of s: its start and length without the newline. */
static const char *
line_at(const char *s, size_t len, size_t n, size_t *llen)
{
	const char *p = s, *end = s + len, *nl;

	while (--n && p < end)
		p = (nl = memchr(p, '\n', (size_t)(end - p))) ? nl + 1 : end;
	if (p >= end) {
		*llen = 0;
		return NULL;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	*llen = (size_t)((nl ? nl : end) - p);
	return p;
}

/* Prints where got first parts from want, line by line. */
static void
print_diff(const char *name, const struct text *want, const char *got,
    size_t glen)
{
	size_t i, line = 1, wl, gl;
	const char *w, *g;

	for (i = 0; i < want->len && i < glen && want->buf[i] == got[i]; i++)
		if (got[i] == '\n')
			line++;
	w = line_at(want->buf, want->len, line, &wl);
	g = line_at(got, glen, line, &gl);
	print_error("%s: output differs at line %zu (byte %zu; expected %zu "
	    "bytes, got %zu)\n", name, line, i, want->len, glen);
	if (w)
		print_error("-'%.*s'\n", (int)wl, w);
	else
		print_error("-(end of expected output)\n");
	if (g)
		print_error("+'%.*s'\n", (int)gl, g);
	else
		print_error("+(end of output)\n");
	if (w && g && wl == gl && memcmp(w, g, wl) == 0)
		print_error(" (the lines differ in their newline)\n");
}

static void
golden_case(void **state)
{
	const struct golden *g = *state;
	struct text reply = slurp(g, ".reply"), args = slurp(g, ".args");
	struct text want = slurp(g, ".out");
	struct call c;
	char *got = NULL;
	size_t glen = 0;
	FILE *f;
	int rc, matches;

	if (!reply.buf || !args.buf || !want.buf)
		fail_msg("%s: cannot read its .reply, .args and .out", g->name);
	if (parse_args(args.buf, &c) < 0)
		fail_msg("%s: bad .args line", g->name);
	assert_non_null(f = open_memstream(&got, &glen));
	rc = run_printer(f, reply.buf, &c);
	fclose(f);
	matches = rc == 0 && glen == want.len &&
	    memcmp(got, want.buf, glen) == 0;
	if (rc != 0)
		print_error("%s: printer returned %d\n", g->name, rc);
	else if (!matches)
		print_diff(g->name, &want, got, glen);
	free(got);
	free(reply.buf), free(args.buf), free(want.buf);
	assert_true(matches);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct golden *)a)->name,
	    ((const struct golden *)b)->name);
}

/* Every NAME.reply in dir, sorted by name; the count, or -1. */
static int
find_cases(const char *dir, struct golden **out)
{
	struct golden *g = NULL, *ng;
	struct dirent *de;
	size_t n = 0, len;
	DIR *d;

	if (!(d = opendir(dir)))
		return -1;
	while ((de = readdir(d))) {
		len = strlen(de->d_name);
		if (len <= 6 || len - 6 >= sizeof(g->name) ||
		    strcmp(de->d_name + len - 6, ".reply") != 0)
			continue;
		if (!(ng = realloc(g, (n + 1) * sizeof(*g)))) {
			free(g);
			closedir(d);
			return -1;
		}
		g = ng;
		snprintf(g[n].name, sizeof(g[n].name), "%.*s", (int)(len - 6),
		    de->d_name);
		snprintf(g[n].path, sizeof(g[n].path), "%s/%s", dir,
		    g[n].name);
		n++;
	}
	closedir(d);
	if (n)
		qsort(g, n, sizeof(*g), by_name);
	*out = g;
	return (int)n;
}

int
main(void)
{
	const char *dir = golden_dir();
	struct CMUnitTest *tests;
	struct golden *cases = NULL;
	int i, n, rc;

	if (fixture_load(&services, "services", 1) < 0 ||
	    fixture_load(&hosts, "hosts", 0) < 0) {
		fprintf(stderr, "test_uvsadm_golden: cannot read %s/services "
		    "and %s/hosts (run from the repository root)\n", dir, dir);
		return 1;
	}
	if ((n = find_cases(dir, &cases)) <= 0) {
		fprintf(stderr, "test_uvsadm_golden: no cases in %s (run from "
		    "the repository root)\n", dir);
		free(cases);
		return 1;
	}
	if (!(tests = calloc((size_t)n, sizeof(*tests))))
		return 1;
	for (i = 0; i < n; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = golden_case;
		tests[i].initial_state = &cases[i];
	}
	rc = _cmocka_run_group_tests("uvsadm_golden", tests, (size_t)n, NULL,
	    NULL);
	free(tests);
	free(cases);
	return rc;
}
