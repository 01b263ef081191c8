/*
 * The one apply (batch.h). Each request is decoded with ctlreq's words
 * and made with sched/'s calls, in order; the first refusal stops the
 * run and names the request. Error words match ipvsadm's, so a line
 * refused inside a rules file reads as it would alone. Health words
 * (checkconf.h) are decoded and checked here too; what they do is the
 * health engine's, outside the table.
 *
 * Besides uvsadm's requests, the director feeds in its own: "neigh"
 * (the kernel told a MAC, or lost one), "dest-out" (health checks take
 * a dest out of scheduling or put it back) and "egress" (the kernel's
 * route to a dest: its link and next hop), "vip-follow" and "vip-held"
 * (uvsd --follow-vip: which addresses the kernel holds now, so which VIPs
 * are served). They go the same way so that
 * every table, master and workers', changes only here.
 *
 * The function is pure apart from the table it is given and the ops: it
 * reads no clock and no global, so the same requests on the same table
 * give the same table, which is what lets workers replay them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwd/control/batch.h"
#include "fwd/control/ctlreq.h"

static void
svc_conf_of(const struct uvs_svc *s, struct uvs_svc_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->proto = s->proto;
	c->af = s->af;
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
	c->af = x->svc->af;
	c->addr = x->addr;
	c->port = x->port;
	c->weight = x->weight;
	c->u_threshold = x->u_threshold;
	c->l_threshold = x->l_threshold;
	/* overload is the flows' doing, not configuration */
	c->flags = x->flags & ~UVS_DEST_F_OVERLOAD;
	c->fwd = x->fwd;
	c->tun_type = x->tun_type;
	c->tun_flags = x->tun_flags;
	c->tun_port = x->tun_port;
}

/* Where x's frames leave (an "egress" request's data), copied to y. */
static void
egress_copy(struct uvs_dest *y, const struct uvs_dest *x)
{
	y->oif = x->oif;
	y->nexthop = x->nexthop;
	memcpy(y->srcmac, x->srcmac, 6);
	y->tun_src = x->tun_src;
	y->mtu = x->mtu;
}

int
uvs_batch_copy(struct uvs_svc_table *dst, const struct uvs_svc_table *src)
{
	struct uvs_svc_conf sc;
	struct uvs_dest_conf dc;
	struct uvs_svc *s;
	unsigned i, k;
	int rc;

	dst->follow = src->follow;
	dst->nheld = src->nheld;
	memcpy(dst->held, src->held, src->nheld * sizeof(src->held[0]));
	for (i = 0; i < src->nsvcs; i++) {
		svc_conf_of(src->svcs[i], &sc);
		if ((rc = uvs_svc_add(dst, &sc)) < 0)
			return rc;
		s = dst->svcs[dst->nsvcs - 1];
		/* dests go in at the head: add oldest first to keep order */
		for (k = src->svcs[i]->ndests; k-- > 0;) {
			dest_conf_of(src->svcs[i]->dests[k], &dc);
			if ((rc = uvs_dest_add(s, &dc)) < 0)
				return rc;
			memcpy(s->dests[0]->hwaddr,
			    src->svcs[i]->dests[k]->hwaddr, 6);
			egress_copy(s->dests[0], src->svcs[i]->dests[k]);
		}
	}
	return 0;
}

static void
flush_dest(const struct uvs_batch_ops *ops, const struct uvs_dest *x)
{
	if (ops && ops->dest_flush)
		ops->dest_flush(ops->arg, x);
}

/* x's flows end and x goes. */
static void
del_dest(struct uvs_svc *s, struct uvs_dest *x,
    const struct uvs_batch_ops *ops)
{
	flush_dest(ops, x);
	if (ops && ops->dest_deleted)
		ops->dest_deleted(ops->arg, x);
	uvs_dest_del(s, x);
}

/* A service goes with its flows. */
static void
del_service(struct uvs_svc_table *t, struct uvs_svc *s,
    const struct uvs_batch_ops *ops)
{
	unsigned k;

	for (k = 0; k < s->ndests; k++) {
		flush_dest(ops, s->dests[k]);
		if (ops && ops->dest_deleted)
			ops->dest_deleted(ops->arg, s->dests[k]);
	}
	uvs_svc_del(t, s);
}

static int
do_service(struct uvs_svc_table *t, const struct uvs_ctl_msg *m,
    const struct uvs_batch_ops *ops, char *err, size_t errlen)
{
	struct uvs_svc_conf c;
	struct uvs_vs_health vh;
	struct uvs_svc *s;
	int rc;

	if (strcmp(m->verb, "del-service") == 0) {
		if (uvs_ctlreq_svc_key(m, &c.proto, &c.af, &c.addr,
		    &c.port) < 0)
			goto bad;
		if (!(s = uvs_svc_find(t, c.proto, c.af, &c.addr, c.port))) {
			snprintf(err, errlen, "No such service");
			return -ESRCH;
		}
		del_service(t, s, ops);
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

/*
 * Which addresses the table knows a MAC for, so that adding 10 000 dests
 * does not scan the table 10 000 times: an open-addressing set of
 * addresses with their MAC, built on first use in one apply and dropped
 * whenever a request could make an entry wrong (a dest deleted, the
 * table cleared, a neighbour's news), to be built again if needed.
 */
struct macs_key {
	int		 af;		/* 0: empty slot */
	union uvs_inaddr addr;
};

struct macs {
	struct macs_key	*addr;
	uint8_t		(*mac)[6];
	unsigned	 size;		/* power of two; 0: not built */
	unsigned	 used;
};

static void
macs_drop(struct macs *c)
{
	free(c->addr);
	free(c->mac);
	memset(c, 0, sizeof(*c));
}

static int
macs_is(const struct macs_key *k, int af, const union uvs_inaddr *addr)
{
	return k->af == af && uvs_inaddr_eq(&k->addr, addr);
}

static unsigned
macs_slot(const struct macs *c, int af, const union uvs_inaddr *addr)
{
	unsigned i = (uvs_inaddr_fold(af, addr) * 2654435761u) &
	    (c->size - 1);

	while (c->addr[i].af && !macs_is(&c->addr[i], af, addr))
		i = (i + 1) & (c->size - 1);
	return i;
}

static void
macs_put(struct macs *c, int af, const union uvs_inaddr *addr,
    const uint8_t *mac)
{
	unsigned i;

	if (!c->size || (c->used + 1) * 2 > c->size)
		return;
	i = macs_slot(c, af, addr);
	if (c->addr[i].af)
		return;		/* the first one found stays, as in a scan */
	c->addr[i].af = af;
	c->addr[i].addr = *addr;
	memcpy(c->mac[i], mac, 6);
	c->used++;
}

/* Builds the set from t; 0 or -ENOMEM (then it stays unbuilt). */
static int
macs_build(struct macs *c, const struct uvs_svc_table *t)
{
	unsigned i, k, n = 16;

	for (i = 0; i < t->nsvcs; i++)
		n += t->svcs[i]->ndests;
	for (c->size = 16; c->size < n * 4; c->size *= 2)
		;
	c->used = 0;
	c->addr = calloc(c->size, sizeof(*c->addr));
	c->mac = calloc(c->size, sizeof(*c->mac));
	if (!c->addr || !c->mac) {
		macs_drop(c);
		return -ENOMEM;
	}
	for (i = 0; i < t->nsvcs; i++)
		for (k = 0; k < t->svcs[i]->ndests; k++) {
			const struct uvs_dest *x = t->svcs[i]->dests[k];

			if (!(x->flags & UVS_DEST_F_NOHWADDR))
				macs_put(c, t->svcs[i]->af, &x->addr,
				    x->hwaddr);
		}
	return 0;
}

/*
 * A MAC the table already knows for addr, from another service's dest:
 * 1 with mac filled, or 0. Without memory for the set, a plain scan.
 */
static int
known_mac(struct macs *c, const struct uvs_svc_table *t, int af,
    const union uvs_inaddr *addr, uint8_t *mac)
{
	unsigned i, k;

	if (!c->size && macs_build(c, t) == 0 && (c->used + 1) * 2 > c->size)
		macs_drop(c);
	if (c->size) {
		i = macs_slot(c, af, addr);
		if (!c->addr[i].af)
			return 0;
		memcpy(mac, c->mac[i], 6);
		return 1;
	}
	for (i = 0; i < t->nsvcs; i++)
		for (k = 0; k < t->svcs[i]->ndests; k++) {
			const struct uvs_dest *x = t->svcs[i]->dests[k];

			if (t->svcs[i]->af == af &&
			    uvs_inaddr_eq(&x->addr, addr) &&
			    !(x->flags & UVS_DEST_F_NOHWADDR)) {
				memcpy(mac, x->hwaddr, 6);
				return 1;
			}
		}
	return 0;
}

static int
add_dest(struct uvs_svc_table *t, struct macs *macs, struct uvs_svc *s,
    const struct uvs_ctl_msg *m, struct uvs_dest_conf *c,
    const struct uvs_batch_ops *ops, char *err, size_t errlen)
{
	uint8_t mac[6];
	int known = known_mac(macs, t, s->af, &c->addr, mac), rc;
	uint32_t out = 0;

	/* a sorry server's stand-by starts out of scheduling */
	if (uvs_ctl_get_u32(m, "out", 1, &out) == -EINVAL) {
		snprintf(err, errlen, "malformed %s request", m->verb);
		return -EINVAL;
	}
	c->flags = out ? UVS_DEST_F_OUT : 0;
	/* unusable until the kernel tells us its MAC */
	if (!known)
		c->flags |= UVS_DEST_F_NOHWADDR;
	if ((rc = uvs_dest_add(s, c)) < 0) {
		snprintf(err, errlen, "%s", uvs_ctlreq_dest_error(rc));
		return rc;
	}
	if (known)
		memcpy(s->dests[0]->hwaddr, mac, 6);
	if (ops && ops->dest_added)
		ops->dest_added(ops->arg, s->dests[0]);
	return 0;
}

/* dest-out ... out=0|1 flush=0|1: health checks' switch. */
static int
dest_out(struct uvs_svc *s, struct uvs_dest *x, const struct uvs_ctl_msg *m,
    const struct uvs_batch_ops *ops, char *err, size_t errlen)
{
	uint32_t out, flush = 0;

	if (uvs_ctl_get_u32(m, "out", 1, &out) < 0 ||
	    uvs_ctl_get_u32(m, "flush", 1, &flush) == -EINVAL) {
		snprintf(err, errlen, "malformed dest-out request");
		return -EINVAL;
	}
	if (flush)
		flush_dest(ops, x);
	/* as keepalived's delete and re-add: sh, dh, mh re-deal buckets */
	uvs_dest_set_out(s, x, !!out);
	return 0;
}

static int
do_dest(struct uvs_svc_table *t, struct macs *macs,
    const struct uvs_ctl_msg *m, const struct uvs_batch_ops *ops, char *err,
    size_t errlen)
{
	struct uvs_dest_conf c;
	struct uvs_check_conf chk;
	struct uvs_svc *s;
	struct uvs_dest *x;
	uint8_t proto;
	uint16_t af, port;
	union uvs_inaddr addr;
	int rc, refwd;

	if (uvs_ctlreq_svc_key(m, &proto, &af, &addr, &port) < 0 ||
	    uvs_ctlreq_dest_conf(m, &c) < 0 ||
	    uvs_ctlreq_check_conf(m, &chk) < 0) {
		snprintf(err, errlen, "malformed %s request", m->verb);
		return -EINVAL;
	}
	if (!(s = uvs_svc_find(t, proto, af, &addr, port))) {
		snprintf(err, errlen, "Service not defined");
		return -ESRCH;
	}
	if (strcmp(m->verb, "add-dest") == 0)
		return add_dest(t, macs, s, m, &c, ops, err, errlen);
	if (!(x = uvs_dest_find(s, &c.addr, c.port))) {
		snprintf(err, errlen, "No such destination");
		return -ENOENT;
	}
	if (strcmp(m->verb, "dest-out") == 0)
		return dest_out(s, x, m, ops, err, errlen);
	if (strcmp(m->verb, "del-dest") == 0) {
		macs_drop(macs);
		del_dest(s, x, ops);
		return 0;
	}
	refwd = x->fwd != c.fwd;
	if ((rc = uvs_dest_edit(s, x, &c)) < 0)
		snprintf(err, errlen, "%s", strerror(-rc));
	/* -g to -i or back: a tunnel may take a gateway where DR may not,
	   so it is routed again (the director's "egress" follows) */
	else if (refwd)
		x->oif = 0;
	return rc;
}

/* "aa:bb:cc:dd:ee:ff" into mac; 0 or -EINVAL. */
static int
parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6], i;
	char end;

	if (!s || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2],
	    &v[3], &v[4], &v[5], &end) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

/*
 * neigh rip=A [oif=N] valid=1 hw=MAC | valid=0: the kernel's news of a
 * MAC. With oif, A is a next hop on link N: every dest whose route goes
 * through it there (a tunnel's gateway too); without, every dest at A.
 */
static int
do_neigh(struct uvs_svc_table *t, const struct uvs_ctl_msg *m, char *err,
    size_t errlen)
{
	union uvs_inaddr addr;
	uint32_t valid, oif = 0;
	uint8_t mac[6] = { 0 };
	unsigned i, k;
	int af;

	if (uvs_ctl_get_inaddr(m, "rip", &af, &addr) < 0 ||
	    uvs_ctl_get_u32(m, "oif", INT32_MAX, &oif) == -EINVAL ||
	    uvs_ctl_get_u32(m, "valid", 1, &valid) < 0 ||
	    (valid && parse_mac(uvs_ctl_get(m, "hw"), mac) < 0)) {
		snprintf(err, errlen, "malformed neigh request");
		return -EINVAL;
	}
	for (i = 0; i < t->nsvcs; i++) {
		struct uvs_svc *s = t->svcs[i];
		int changed = 0;

		if (s->af != af)
			continue;
		for (k = 0; k < s->ndests; k++) {
			struct uvs_dest *x = s->dests[k];

			if (oif ? !uvs_inaddr_eq(&x->nexthop, &addr) ||
			    x->oif != (int)oif :
			    !uvs_inaddr_eq(&x->addr, &addr))
				continue;
			if (valid) {
				memcpy(x->hwaddr, mac, 6);
				changed |= x->flags & UVS_DEST_F_NOHWADDR;
				x->flags &= ~UVS_DEST_F_NOHWADDR;
			} else {
				changed |= !(x->flags & UVS_DEST_F_NOHWADDR);
				x->flags |= UVS_DEST_F_NOHWADDR;
			}
		}
		if (changed)
			uvs_svc_changed(s);
	}
	return 0;
}

/*
 * egress rip=A tun=0|1 oif=N nh=B src=MAC tsrc=C mtu=M [hw=MAC]: where
 * the kernel's route sends A's frames (the director's egress.c asks it),
 * for every DR dest (tun=0) or tunnelled one (tun=1) at A. A dest whose
 * link or next hop moves waits for the new next hop's MAC unless hw
 * brings it; nh=0 leaves it unreachable (the route is by no link of
 * ours).
 */
/* Not 0.0.0.0 or ::: an egress request's "no next hop" is all zero. */
static int
addr_set(const union uvs_inaddr *a)
{
	return (a->all[0] | a->all[1] | a->all[2] | a->all[3]) != 0;
}

static int
do_egress(struct uvs_svc_table *t, const struct uvs_ctl_msg *m, char *err,
    size_t errlen)
{
	union uvs_inaddr addr, nh, tsrc;
	uint32_t tun, oif, mtu;
	uint8_t src[6], hw[6];
	int have_hw = uvs_ctl_get(m, "hw") != NULL;
	int af, nh_af, tsrc_af;
	unsigned i, k;

	if (uvs_ctl_get_inaddr(m, "rip", &af, &addr) < 0 ||
	    uvs_ctl_get_u32(m, "tun", 1, &tun) < 0 ||
	    uvs_ctl_get_u32(m, "oif", INT32_MAX, &oif) < 0 ||
	    uvs_ctl_get_inaddr(m, "nh", &nh_af, &nh) < 0 ||
	    parse_mac(uvs_ctl_get(m, "src"), src) < 0 ||
	    uvs_ctl_get_inaddr(m, "tsrc", &tsrc_af, &tsrc) < 0 ||
	    uvs_ctl_get_u32(m, "mtu", UINT32_MAX, &mtu) < 0 ||
	    (have_hw && parse_mac(uvs_ctl_get(m, "hw"), hw) < 0)) {
		snprintf(err, errlen, "malformed egress request");
		return -EINVAL;
	}
	for (i = 0; i < t->nsvcs; i++) {
		struct uvs_svc *s = t->svcs[i];
		int changed = 0;

		if (s->af != af)
			continue;
		for (k = 0; k < s->ndests; k++) {
			struct uvs_dest *x = s->dests[k];

			if (!uvs_inaddr_eq(&x->addr, &addr) ||
			    (x->fwd == UVS_FWD_TUNNEL) != !!tun)
				continue;
			x->tun_src = tsrc;
			x->mtu = mtu;
			if (x->oif != (int)oif ||
			    !uvs_inaddr_eq(&x->nexthop, &nh)) {
				x->oif = (int)oif;
				x->nexthop = nh;
				memcpy(x->srcmac, src, 6);
				changed |= !(x->flags & UVS_DEST_F_NOHWADDR);
				x->flags |= UVS_DEST_F_NOHWADDR;
			}
			if (have_hw && addr_set(&nh) &&
			    (x->flags & UVS_DEST_F_NOHWADDR)) {
				memcpy(x->hwaddr, hw, 6);
				x->flags &= ~UVS_DEST_F_NOHWADDR;
				changed = 1;
			}
		}
		if (changed)
			uvs_svc_changed(s);
	}
	return 0;
}

/* -Z: counters and rates from zero (ip_vs_zero_stats). */
static void
zero_svc(struct uvs_svc *s)
{
	unsigned k;

	s->conns = s->inpkts = s->inbytes = 0;
	uvs_est_zero(&s->est, 0, 0, 0);
	for (k = 0; k < s->ndests; k++) {
		struct uvs_dest *x = s->dests[k];

		x->conns = x->inpkts = x->inbytes = 0;
		uvs_est_zero(&x->est, 0, 0, 0);
	}
}

static int
do_zero(struct uvs_svc_table *t, const struct uvs_ctl_msg *m, char *err,
    size_t errlen)
{
	struct uvs_svc *s;
	uint8_t proto;
	uint16_t af, port;
	union uvs_inaddr addr;
	unsigned i;

	if (!uvs_ctl_get(m, "proto")) {
		for (i = 0; i < t->nsvcs; i++)
			zero_svc(t->svcs[i]);
		return 0;
	}
	if (uvs_ctlreq_svc_key(m, &proto, &af, &addr, &port) < 0) {
		snprintf(err, errlen, "malformed zero request");
		return -EINVAL;
	}
	if (!(s = uvs_svc_find(t, proto, af, &addr, port))) {
		snprintf(err, errlen, "No such service");
		return -ESRCH;
	}
	zero_svc(s);
	return 0;
}

/* -C: services and dests go; what the kernel holds is no configuration */
static int
do_clear(struct uvs_svc_table *t, const struct uvs_batch_ops *ops)
{
	struct uvs_held held[UVS_SVC_HELD_MAX];
	unsigned nheld = t->nheld;
	int follow = t->follow;

	memcpy(held, t->held, nheld * sizeof(held[0]));
	if (ops && ops->flush_all)
		ops->flush_all(ops->arg);
	uvs_svc_table_free(t);
	uvs_svc_table_init(t);
	t->follow = follow;
	t->nheld = nheld;
	memcpy(t->held, held, nheld * sizeof(held[0]));
	return 0;
}

/*
 * vip-follow on=0|1: serve only held VIPs, or all. vip-held addr=A
 * held=0|1: the kernel took A on an interface, or lost it.
 */
static int
do_follow(struct uvs_svc_table *t, const struct uvs_ctl_msg *m, char *err,
    size_t errlen)
{
	union uvs_inaddr addr;
	uint32_t on, held;
	int af;

	if (strcmp(m->verb, "vip-follow") == 0) {
		if (uvs_ctl_get_u32(m, "on", 1, &on) < 0) {
			snprintf(err, errlen, "malformed vip-follow request");
			return -EINVAL;
		}
		uvs_svc_follow(t, (int)on);
		return 0;
	}
	if (uvs_ctl_get_inaddr(m, "addr", &af, &addr) < 0 ||
	    uvs_ctl_get_u32(m, "held", 1, &held) < 0) {
		snprintf(err, errlen, "malformed vip-held request");
		return -EINVAL;
	}
	if (uvs_svc_hold(t, af, &addr, (int)held) < 0) {
		snprintf(err, errlen, "more than %d addresses held",
		    UVS_SVC_HELD_MAX);
		return -ENOSPC;
	}
	return 0;
}

static int
do_timeouts(const struct uvs_ctl_msg *m, const struct uvs_batch_ops *ops,
    char *err, size_t errlen)
{
	uint32_t to[3];

	if (uvs_ctlreq_timeouts(m, to) < 0) {
		snprintf(err, errlen, "malformed set-timeout request");
		return -EINVAL;
	}
	if (ops && ops->timeouts)
		ops->timeouts(ops->arg, to);
	return 0;
}

static int
is_verb(const char *verb, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(verb, *set) == 0)
			return 1;
	return 0;
}

static const char *const svc_verbs[] = { "add-service", "edit-service",
	"del-service", NULL };
static const char *const dest_verbs[] = { "add-dest", "edit-dest",
	"del-dest", "dest-out", NULL };

int
uvs_batch_is_change(const char *verb)
{
	static const char *const public[] = { "add-service", "edit-service",
		"del-service", "add-dest", "edit-dest", "del-dest", "clear",
		"set-timeout", "zero", NULL };

	return is_verb(verb, public);
}

/* One request: 0 or -errno with err set. */
static int
apply_one(struct uvs_svc_table *t, struct macs *macs,
    const struct uvs_ctl_msg *m, const struct uvs_batch_ops *ops, char *err,
    size_t errlen)
{
	/* these can take the last known MAC of an address away */
	if (strcmp(m->verb, "del-service") == 0 ||
	    strcmp(m->verb, "neigh") == 0 || strcmp(m->verb, "clear") == 0 ||
	    strcmp(m->verb, "egress") == 0)
		macs_drop(macs);
	if (is_verb(m->verb, svc_verbs))
		return do_service(t, m, ops, err, errlen);
	if (is_verb(m->verb, dest_verbs))
		return do_dest(t, macs, m, ops, err, errlen);
	if (strcmp(m->verb, "neigh") == 0)
		return do_neigh(t, m, err, errlen);
	if (strcmp(m->verb, "egress") == 0)
		return do_egress(t, m, err, errlen);
	if (strcmp(m->verb, "clear") == 0)
		return do_clear(t, ops);
	if (strcmp(m->verb, "vip-follow") == 0 ||
	    strcmp(m->verb, "vip-held") == 0)
		return do_follow(t, m, err, errlen);
	if (strcmp(m->verb, "zero") == 0)
		return do_zero(t, m, err, errlen);
	if (strcmp(m->verb, "set-timeout") == 0)
		return do_timeouts(m, ops, err, errlen);
	snprintf(err, errlen, "'%s' cannot be part of a batch", m->verb);
	return -EINVAL;
}

int
uvs_batch_apply(struct uvs_svc_table *t, const struct uvs_ctl_msg *msgs,
    unsigned n, const struct uvs_batch_ops *ops, unsigned *at, char *err,
    size_t errlen)
{
	struct macs macs = { 0 };
	unsigned i;
	int rc = 0;

	*at = 0;
	for (i = 0; i < n; i++)
		if ((rc = apply_one(t, &macs, &msgs[i], ops, err,
		    errlen)) < 0) {
			*at = i;
			break;
		}
	macs_drop(&macs);
	return rc;
}

int
uvs_batch_check(const struct uvs_svc_table *t,
    const struct uvs_ctl_msg *msgs, unsigned n, unsigned *at, char *err,
    size_t errlen)
{
	struct uvs_svc_table shadow;
	int rc;

	*at = 0;
	uvs_svc_table_init(&shadow);
	if ((rc = uvs_batch_copy(&shadow, t)) < 0)
		snprintf(err, errlen, "cannot copy the table: %s",
		    strerror(-rc));
	else
		rc = uvs_batch_apply(&shadow, msgs, n, NULL, at, err, errlen);
	uvs_svc_table_free(&shadow);
	return rc;
}
