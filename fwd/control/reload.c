/*
 * Reload (reload.h). The new list is read for its keys: which
 * services and which real servers it wants. Against the running table
 * that gives three kinds of line, in this order: del-service for a
 * service it no longer has, del-dest for a real server a kept service
 * no longer has (the sorry server the checks added is theirs, not the
 * file's, and stays), then the list itself with add-service and
 * add-dest of what exists already turned into edit-service and
 * edit-dest. An edit says everything: a service the file gives no
 * sorry server or quorum gets keepalived's defaults back, a real server
 * the file gives no check gets check=none. An edit with unchanged
 * values changes nothing: the scheduler is only replaced when its name
 * changes, and the health engine keeps a check whose configuration is
 * byte for byte the same. The whole goes to uvs_ctl_batch, which checks
 * it against a copy of the table before applying any of it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwd/control/batch.h"
#include "fwd/control/ctl.h"
#include "fwd/control/ctlreq.h"
#include "fwd/control/reload.h"
#include "fwd/health/health.h"
#include "fwd/lang/ctlmsg.h"

/* What one line of the new list names. */
struct want {
	int		 kind;		/* WANT_* */
	uint8_t		 proto;
	uint16_t	 af;
	union uvs_inaddr vip, rip;	/* network order */
	uint16_t	 vport, rport;
	int		 has_health;	/* service: sorry/quorum words */
	int		 has_check;	/* dest: check words */
};

enum { WANT_OTHER, WANT_SVC, WANT_DEST, WANT_SKIP };

/* The lines handed to the batch, each malloc'd, and where each came from. */
struct out {
	char		**line;
	unsigned	 *from;		/* index in the new list, or n */
	unsigned	  n, cap;
};

static int
out_add(struct out *o, char *line, unsigned from)
{
	char **nl;
	unsigned *nf, nc;

	if (!line)
		return -ENOMEM;
	if (o->n == o->cap) {
		nc = o->cap ? o->cap * 2 : 64;
		if (!(nl = realloc(o->line, nc * sizeof(*nl)))) {
			free(line);
			return -ENOMEM;
		}
		o->line = nl;
		if (!(nf = realloc(o->from, nc * sizeof(*nf)))) {
			free(line);
			return -ENOMEM;
		}
		o->from = nf;
		o->cap = nc;
	}
	o->line[o->n] = line;
	o->from[o->n++] = from;
	return 0;
}

static void
out_free(struct out *o)
{
	unsigned i;

	for (i = 0; i < o->n; i++)
		free(o->line[i]);
	free(o->line);
	free(o->from);
}

/* Reads what line names into *w; -EINVAL when it is malformed. */
static int
want_of(const char *line, struct want *w)
{
	struct uvs_ctl_msg m;
	struct uvs_dest_conf dc;
	char *copy = strdup(line);
	int rc = 0;

	memset(w, 0, sizeof(*w));
	if (!copy)
		return -ENOMEM;
	if (uvs_ctl_parse(copy, &m) < 0) {
		free(copy);
		return -EINVAL;
	}
	if (strcmp(m.verb, "clear") == 0 || strcmp(m.verb, "zero") == 0)
		w->kind = WANT_SKIP;
	else if (strcmp(m.verb, "add-service") == 0) {
		w->kind = WANT_SVC;
		rc = uvs_ctlreq_svc_key(&m, &w->proto, &w->af, &w->vip,
		    &w->vport);
		w->has_health = uvs_ctl_get(&m, "sorry") ||
		    uvs_ctl_get(&m, "quorum") || uvs_ctl_get(&m, "hysteresis");
	} else if (strcmp(m.verb, "add-dest") == 0) {
		w->kind = WANT_DEST;
		rc = uvs_ctlreq_svc_key(&m, &w->proto, &w->af, &w->vip,
		    &w->vport);
		if (rc == 0 && (rc = uvs_ctlreq_dest_conf(&m, &dc)) == 0) {
			w->rip = dc.addr;
			w->rport = dc.port;
		}
		w->has_check = uvs_ctl_get(&m, "check") != NULL;
	}
	free(copy);
	return rc < 0 ? -EINVAL : 0;
}

static int
wants_svc(const struct want *w, unsigned n, const struct uvs_svc *s)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (w[i].kind == WANT_SVC && w[i].proto == s->proto &&
		    w[i].af == s->af && uvs_inaddr_eq(&w[i].vip, &s->addr) &&
		    w[i].vport == s->port)
			return 1;
	return 0;
}

static int
wants_dest(const struct want *w, unsigned n, const struct uvs_dest *x)
{
	const struct uvs_svc *s = x->svc;
	unsigned i;

	for (i = 0; i < n; i++)
		if (w[i].kind == WANT_DEST && w[i].proto == s->proto &&
		    w[i].af == s->af && uvs_inaddr_eq(&w[i].vip, &s->addr) &&
		    w[i].vport == s->port &&
		    uvs_inaddr_eq(&w[i].rip, &x->addr) &&
		    w[i].rport == x->port)
			return 1;
	return 0;
}

/* "VERB proto= vip= vport=" and, for a real server, "rip= rport=". */
static char *
key_words(const char *verb, const struct uvs_svc *s, const struct uvs_dest *x)
{
	const char *proto = s->proto == IPPROTO_TCP ? "tcp" : "udp";
	char v[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN], *line;
	int k;

	inet_ntop(s->af, &s->addr, v, sizeof(v));
	if (!x)
		k = asprintf(&line, "%s proto=%s vip=%s vport=%u", verb, proto,
		    v, ntohs(s->port));
	else {
		inet_ntop(s->af, &x->addr, r, sizeof(r));
		k = asprintf(&line, "%s proto=%s vip=%s vport=%u rip=%s "
		    "rport=%u", verb, proto, v, ntohs(s->port), r,
		    ntohs(x->port));
	}
	return k < 0 ? NULL : line;
}

/* The deletions: services, then real servers of the services kept. */
static int
deletions(struct uvs_director *d, const struct want *w, unsigned n,
    struct out *o, struct uvs_reload_stats *st)
{
	const struct uvs_svc_table *t = &d->fw.svcs;
	unsigned i, k;
	int rc;

	for (i = 0; i < t->nsvcs; i++) {
		const struct uvs_svc *s = t->svcs[i];

		if (!wants_svc(w, n, s)) {
			if ((rc = out_add(o, key_words("del-service", s, NULL),
			    n)) < 0)
				return rc;
			st->svc_deleted++;
			continue;
		}
		st->svc_kept++;
		for (k = 0; k < s->ndests; k++) {
			const struct uvs_dest *x = s->dests[k];
			const struct uvs_health_key hk = { .proto = s->proto,
			    .af = s->af, .vip = s->addr, .vport = s->port,
			    .rip = x->addr, .rport = x->port };

			if (wants_dest(w, n, x) ||
			    uvs_health_is_sorry(d->health, &hk))
				continue;
			if ((rc = out_add(o, key_words("del-dest", s, x),
			    n)) < 0)
				return rc;
			st->dest_deleted++;
		}
	}
	return 0;
}

/* Line i of the new list, add turned into edit for what exists. */
static char *
rewrite(struct uvs_director *d, const char *line, const struct want *w,
    struct uvs_reload_stats *st)
{
	struct uvs_svc *s = NULL;
	char *out;

	if (w->kind == WANT_SVC || w->kind == WANT_DEST)
		s = uvs_svc_find(&d->fw.svcs, w->proto, w->af, &w->vip,
		    w->vport);
	if (w->kind == WANT_SVC && s) {
		if (asprintf(&out, "edit-service%s%s", line +
		    strlen("add-service"), w->has_health ? "" :
		    " sorry=none quorum=1 hysteresis=0") < 0)
			return NULL;
		return out;
	}
	if (w->kind == WANT_SVC)
		st->svc_added++;
	if (w->kind == WANT_DEST && s &&
	    uvs_dest_find(s, &w->rip, w->rport)) {
		st->dest_kept++;
		if (asprintf(&out, "edit-dest%s%s", line + strlen("add-dest"),
		    w->has_check ? "" : " check=none") < 0)
			return NULL;
		return out;
	}
	if (w->kind == WANT_DEST)
		st->dest_added++;
	return strdup(line);
}

int
uvs_ctl_reload(struct uvs_director *d, char *const *lines, unsigned n,
    struct uvs_reload_stats *stats, unsigned *at, char *err,
    size_t errlen)
{
	struct uvs_reload_stats st = { 0 };
	struct out o = { 0 };
	struct want *w;
	unsigned i, bat = 0;
	int rc = 0;

	*at = n;
	if (!(w = calloc(n ? n : 1, sizeof(*w))))
		return -ENOMEM;
	for (i = 0; i < n && rc == 0; i++)
		if ((rc = want_of(lines[i], &w[i])) < 0) {
			*at = i;
			snprintf(err, errlen, "malformed request");
		}
	if (rc == 0)
		rc = deletions(d, w, n, &o, &st);
	for (i = 0; i < n && rc == 0; i++)
		if (w[i].kind != WANT_SKIP)
			rc = out_add(&o, rewrite(d, lines[i], &w[i], &st), i);
	if (rc == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	else if (rc == 0 && (rc = uvs_ctl_batch(d, o.line, o.n, &bat, err,
	    errlen)) < 0)
		*at = bat < o.n ? o.from[bat] : n;
	if (rc == 0 && stats)
		*stats = st;
	out_free(&o);
	free(w);
	return rc;
}

int
uvs_ctl_check_fresh(char *const *lines, unsigned n, unsigned *at, char *err,
    size_t errlen)
{
	struct uvs_svc_table t;
	struct uvs_ctl_msg *msgs;
	char **copy;
	unsigned i;
	int rc = 0;

	*at = 0;
	msgs = calloc(n ? n : 1, sizeof(*msgs));
	copy = calloc(n ? n : 1, sizeof(*copy));
	for (i = 0; msgs && copy && i < n && rc == 0; i++)
		if (!(copy[i] = strdup(lines[i])))
			rc = -ENOMEM;
		else if (uvs_ctl_parse(copy[i], &msgs[i]) < 0) {
			*at = i;
			snprintf(err, errlen, "malformed request");
			rc = -EINVAL;
		}
	if (!msgs || !copy)
		rc = -ENOMEM;
	if (rc == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	if (rc == 0) {
		uvs_svc_table_init(&t);
		rc = uvs_batch_check(&t, msgs, n, at, err, errlen);
		uvs_svc_table_free(&t);
	}
	for (i = 0; copy && i < n; i++)
		free(copy[i]);
	free(copy);
	free(msgs);
	return rc;
}
