/*
 * Batch checker. The shadow table holds the same services and dests as
 * the live one (keys, schedulers, weights, thresholds) but no flows and
 * no MACs; it is built, replayed on and freed within one call. Error
 * words match the director's, so a refused line reads the same whether
 * it came alone or inside a rules file. Health words (checkconf.h) are
 * decoded and checked here too; what they do needs no shadow.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fwd/control/batch.h"
#include "fwd/control/ctlreq.h"

static void
svc_conf_of(const struct uvs_svc *s, struct uvs_svc_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->proto = s->proto;
	c->addr = s->addr;
	c->port = s->port;
	snprintf(c->sched, sizeof(c->sched), "%s", s->sched->name);
	c->flags = s->flags;
	c->timeout = s->timeout;
	c->netmask = s->netmask;
}

static void
dest_conf_of(const struct uvs_dest *x, struct uvs_dest_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->addr = x->addr;
	c->port = x->port;
	c->weight = x->weight;
	c->u_threshold = x->u_threshold;
	c->l_threshold = x->l_threshold;
}

/* Fills shadow with t's services and dests; 0 or -ENOMEM. */
static int
shadow_copy(struct uvs_svc_table *shadow, const struct uvs_svc_table *t)
{
	struct uvs_svc_conf sc;
	struct uvs_dest_conf dc;
	struct uvs_svc *s;
	unsigned i, k;
	int rc;

	for (i = 0; i < t->nsvcs; i++) {
		svc_conf_of(t->svcs[i], &sc);
		if ((rc = uvs_svc_add(shadow, &sc)) < 0)
			return rc;
		s = uvs_svc_find(shadow, sc.proto, sc.addr, sc.port);
		/* dests go in at the head: add oldest first to keep order */
		for (k = t->svcs[i]->ndests; k-- > 0;) {
			dest_conf_of(t->svcs[i]->dests[k], &dc);
			if ((rc = uvs_dest_add(s, &dc)) < 0)
				return rc;
		}
	}
	return 0;
}

static int
replay_service(struct uvs_svc_table *t, const struct uvs_ctl_msg *m,
    char *err, size_t errlen)
{
	struct uvs_svc_conf c;
	struct uvs_vs_health vh;
	struct uvs_svc *s;
	int rc;

	if (strcmp(m->verb, "del-service") == 0) {
		if (uvs_ctlreq_svc_key(m, &c.proto, &c.addr, &c.port) < 0)
			goto bad;
		if (!(s = uvs_svc_find(t, c.proto, c.addr, c.port))) {
			snprintf(err, errlen, "No such service");
			return -ESRCH;
		}
		uvs_svc_del(t, s);
		return 0;
	}
	if (uvs_ctlreq_svc_conf(m, &c) < 0 || uvs_ctlreq_vs_health(m, &vh) < 0)
		goto bad;
	if (strcmp(m->verb, "add-service") == 0)
		rc = uvs_svc_add(t, &c);
	else
		rc = uvs_svc_edit(t, &c);
	if (rc < 0)
		snprintf(err, errlen, "%s", uvs_ctlreq_svc_error(rc));
	return rc;
bad:
	snprintf(err, errlen, "malformed %s request", m->verb);
	return -EINVAL;
}

static int
replay_dest(struct uvs_svc_table *t, const struct uvs_ctl_msg *m, char *err,
    size_t errlen)
{
	struct uvs_dest_conf c;
	struct uvs_check_conf chk;
	struct uvs_svc *s;
	struct uvs_dest *x;
	uint8_t proto;
	uint32_t addr;
	uint16_t port;
	int rc;

	if (uvs_ctlreq_svc_key(m, &proto, &addr, &port) < 0 ||
	    uvs_ctlreq_dest_conf(m, &c) < 0 ||
	    uvs_ctlreq_check_conf(m, &chk) < 0) {
		snprintf(err, errlen, "malformed %s request", m->verb);
		return -EINVAL;
	}
	if (!(s = uvs_svc_find(t, proto, addr, port))) {
		snprintf(err, errlen, "Service not defined");
		return -ESRCH;
	}
	x = uvs_dest_find(s, c.addr, c.port);
	if (strcmp(m->verb, "add-dest") == 0) {
		if ((rc = uvs_dest_add(s, &c)) < 0)
			snprintf(err, errlen, "%s", uvs_ctlreq_dest_error(rc));
		return rc;
	}
	if (!x) {
		snprintf(err, errlen, "No such destination");
		return -ENOENT;
	}
	if (strcmp(m->verb, "del-dest") == 0) {
		uvs_dest_del(s, x);
		return 0;
	}
	if ((rc = uvs_dest_edit(s, x, &c)) < 0)
		snprintf(err, errlen, "%s", strerror(-rc));
	return rc;
}

static int
replay_zero(struct uvs_svc_table *t, const struct uvs_ctl_msg *m, char *err,
    size_t errlen)
{
	uint8_t proto;
	uint32_t addr;
	uint16_t port;

	if (!uvs_ctl_get(m, "proto"))
		return 0;
	if (uvs_ctlreq_svc_key(m, &proto, &addr, &port) < 0) {
		snprintf(err, errlen, "malformed zero request");
		return -EINVAL;
	}
	if (!uvs_svc_find(t, proto, addr, port)) {
		snprintf(err, errlen, "No such service");
		return -ESRCH;
	}
	return 0;
}

/* One request on the shadow table: 0 or -errno with err set. */
static int
replay(struct uvs_svc_table *t, const struct uvs_ctl_msg *m, char *err,
    size_t errlen)
{
	uint32_t to[3];

	if (strcmp(m->verb, "add-service") == 0 ||
	    strcmp(m->verb, "edit-service") == 0 ||
	    strcmp(m->verb, "del-service") == 0)
		return replay_service(t, m, err, errlen);
	if (strcmp(m->verb, "add-dest") == 0 ||
	    strcmp(m->verb, "edit-dest") == 0 ||
	    strcmp(m->verb, "del-dest") == 0)
		return replay_dest(t, m, err, errlen);
	if (strcmp(m->verb, "clear") == 0) {
		uvs_svc_table_free(t);
		uvs_svc_table_init(t);
		return 0;
	}
	if (strcmp(m->verb, "zero") == 0)
		return replay_zero(t, m, err, errlen);
	if (strcmp(m->verb, "set-timeout") == 0) {
		if (uvs_ctlreq_timeouts(m, to) == 0)
			return 0;
		snprintf(err, errlen, "malformed set-timeout request");
		return -EINVAL;
	}
	snprintf(err, errlen, "'%s' cannot be part of a batch", m->verb);
	return -EINVAL;
}

int
uvs_batch_check(const struct uvs_svc_table *t,
    const struct uvs_ctl_msg *msgs, unsigned n, unsigned *at, char *err,
    size_t errlen)
{
	struct uvs_svc_table shadow;
	unsigned i;
	int rc;

	*at = 0;
	uvs_svc_table_init(&shadow);
	if ((rc = shadow_copy(&shadow, t)) < 0) {
		snprintf(err, errlen, "cannot copy the table: %s",
		    strerror(-rc));
		uvs_svc_table_free(&shadow);
		return rc;
	}
	for (i = 0; i < n; i++)
		if ((rc = replay(&shadow, &msgs[i], err, errlen)) < 0) {
			*at = i;
			break;
		}
	uvs_svc_table_free(&shadow);
	return rc;
}
