/*
 * What a harness checks on the requests a file gave (struct uvs_rules,
 * from a rules file or a keepalived.conf): each is one line uvsd reads
 * and parses, names each key once (a value with a blank would smuggle
 * in words of its own), they are in line order, and together they go
 * through uvsd's batch check (fwd/control/batch.c) on an empty table, as uvsd
 * does with its start-up file; a refused batch names its line and why,
 * and the table is left empty. A broken promise aborts (a crash to
 * libFuzzer).
 */
#ifndef UVS_FUZZ_REQCHECK_H
#define UVS_FUZZ_REQCHECK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwd/control/batch.h"
#include "fwd/lang/ctlmsg.h"
#include "fwd/lang/rules.h"

static void __attribute__((noreturn))
fuzz_broken(const char *who, const char *what, const char *req)
{
	fprintf(stderr, "%s: %s: '%s'\n", who, what, req);
	abort();
}

/* The input as the FILE a reader takes (fmemopen wants a byte at least). */
static FILE *
fuzz_file(const uint8_t *data, size_t size)
{
	static const char empty[1];
	FILE *in;

	if (!(in = fmemopen(size ? (void *)data : (void *)empty,
	    size ? size : 1, "r")))
		abort();
	if (!size)
		(void)fgetc(in);
	return in;
}

/* Each key once: uvsd takes the first of two, silently. */
static int
fuzz_keys_once(const struct uvs_ctl_msg *m)
{
	int i, k;

	for (i = 0; i < m->nkv; i++)
		for (k = 0; k < i; k++)
			if (strcmp(m->kv[i].key, m->kv[k].key) == 0)
				return 0;
	return 1;
}

/*
 * in_order: the requests' file lines must rise. A rules file gives one
 * request a line, in order; keepalived.conf does not (a virtual_server of
 * a virtual_server_group makes one service per member, each named by the
 * member's line, which may sit before or after the servers' lines).
 */
static void
fuzz_check_requests(const char *who, const struct uvs_rules *r, int in_order)
{
	struct uvs_svc_table t;
	struct uvs_ctl_msg *m;
	char **lines, err[256];
	unsigned i, at;

	if (!(m = calloc(r->n + 1, sizeof(*m))) ||
	    !(lines = calloc(r->n + 1, sizeof(*lines))))
		abort();
	for (i = 0; i < r->n; i++) {
		if (strlen(r->req[i]) + 2 > UVS_CTL_LINE_MAX ||
		    strpbrk(r->req[i], "\r\n"))
			fuzz_broken(who, "a request is not one line uvsd reads",
			    r->req[i]);
		if (in_order && i && r->lineno[i] < r->lineno[i - 1])
			fuzz_broken(who, "line numbers out of order",
			    r->req[i]);
		if (!(lines[i] = strdup(r->req[i])))
			abort();
		if (uvs_ctl_parse(lines[i], &m[i]) < 0)
			fuzz_broken(who, "uvsd cannot parse a request",
			    r->req[i]);
		if (!fuzz_keys_once(&m[i]))
			fuzz_broken(who, "a request names a key twice",
			    r->req[i]);
	}
	uvs_svc_table_init(&t);
	err[0] = '\0';
	if (uvs_batch_check(&t, m, r->n, &at, err, sizeof(err)) < 0 &&
	    (at >= r->n || err[0] == '\0'))
		fuzz_broken(who, "a refused batch without its line and why",
		    err);
	if (t.nsvcs != 0)
		fuzz_broken(who, "the batch check changed the table", "");
	uvs_svc_table_free(&t);
	for (i = 0; i < r->n; i++)
		free(lines[i]);
	free(lines);
	free(m);
}

#endif
