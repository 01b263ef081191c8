/*
 * How uvsd follows VRRP (--follow-vip). keepalived runs only a
 * vrrp_instance: on the master it adds the VIP to an interface and sends
 * the gratuitous ARPs, on the backup it removes it. uvsd listens to
 * rtnetlink's address events; on each batch it reads the kernel's IPv4
 * addresses again and turns the difference with what the table holds
 * into "vip-held" requests, applied as one transaction, so the master's
 * table and every worker's change together. The kernel guard drops VIP
 * traffic and ARP before the kernel sees them, so the address keepalived
 * adds is only a flag for uvsd: the kernel never answers for it.
 * A VIP uvsd starts serving is announced (reconcile.c's after_commit),
 * beside keepalived's own gratuitous ARPs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arp/kernel/addr.h"
#include "fwd/control/director.h"
#include "fwd/control/follow.h"

/* Requests being built: their words live in text[]. */
struct follow_reqs {
	struct uvs_ctl_msg	 msgs[2 * UVS_SVC_HELD_MAX];
	char			 text[2 * UVS_SVC_HELD_MAX][INET_ADDRSTRLEN];
	unsigned		 n;
};

/* Adds "vip-held addr=A held=H". */
static void
req_held(struct follow_reqs *r, uint32_t addr, int held)
{
	struct uvs_ctl_msg *m = &r->msgs[r->n];

	inet_ntop(AF_INET, &addr, r->text[r->n], INET_ADDRSTRLEN);
	m->verb = "vip-held";
	m->kv[0] = (struct uvs_ctl_kv){ "addr", r->text[r->n] };
	m->kv[1] = (struct uvs_ctl_kv){ "held", held ? "1" : "0" };
	m->nkv = 2;
	r->n++;
}

static void
log_vip(struct uvs_director *d, uint32_t addr, int held)
{
	char a[INET_ADDRSTRLEN], line[160];
	union uvs_inaddr vip = uvs_inaddr4(addr);

	if (!d->log || !uvs_svc_is_vip(&d->fw.svcs, AF_INET, &vip))
		return;
	inet_ntop(AF_INET, &addr, a, sizeof(a));
	snprintf(line, sizeof(line), held ? "VIP %s is on a kernel interface "
	    "(VRRP master): answering ARP and forwarding" : "VIP %s left the "
	    "kernel's interfaces (VRRP backup): silent", a);
	d->log(d->log_arg, line);
}

/* The requests that make the held v4 set the kernel's addrs[0..n). */
static void
diff_held(const struct uvs_svc_table *t, const uint32_t *addrs, unsigned n,
    struct follow_reqs *r)
{
	union uvs_inaddr a;
	unsigned i;

	for (i = 0; i < t->nheld; i++)
		if (t->held[i].af == AF_INET &&
		    !uvs_addr_in(addrs, n, t->held[i].addr.ip))
			req_held(r, t->held[i].addr.ip, 0);
	for (i = 0; i < n; i++) {
		a = uvs_inaddr4(addrs[i]);
		if (!uvs_svc_is_held(t, AF_INET, &a) &&
		    !uvs_addr_in(addrs, i, addrs[i]))
			req_held(r, addrs[i], 1);
	}
}

int
uvs_dir_follow_update(struct uvs_director *d)
{
	uint32_t addrs[UVS_SVC_HELD_MAX];
	struct follow_reqs *r;
	char err[160], line[200];
	unsigned n, i, at;
	int rc;

	if (!d->fw.svcs.follow)
		return 0;
	if ((rc = uvs_addr_list(addrs, UVS_SVC_HELD_MAX)) < 0)
		return rc;
	n = (unsigned)rc;
	if (n > UVS_SVC_HELD_MAX) {
		if (d->log) {
			snprintf(line, sizeof(line), "--follow-vip: %u host "
			    "addresses, only the first %d are followed", n,
			    UVS_SVC_HELD_MAX);
			d->log(d->log_arg, line);
		}
		n = UVS_SVC_HELD_MAX;
	}
	if (!(r = calloc(1, sizeof(*r))))
		return -ENOMEM;
	diff_held(&d->fw.svcs, addrs, n, r);
	/* drops first: a full held set always has room for the adds */
	rc = r->n ? uvs_dir_apply(d, r->msgs, r->n, &at, err, sizeof(err)) : 0;
	if (rc < 0 && d->log) {
		snprintf(line, sizeof(line), "--follow-vip: %s", err);
		d->log(d->log_arg, line);
	}
	for (i = 0; rc == 0 && i < r->n; i++) {
		uint32_t a;

		inet_pton(AF_INET, r->text[i], &a);
		log_vip(d, a, r->msgs[i].kv[1].val[0] == '1');
	}
	free(r);
	return rc;
}

int
uvs_dir_follow_start(struct uvs_director *d, char *err, size_t errlen)
{
	int rc;

	if (!d->guard.on) {
		snprintf(err, errlen, "--follow-vip needs the kernel guard "
		    "(keepalived puts the VIP on a kernel interface, and the "
		    "kernel must not answer for it): %s", d->no_guard ?
		    "--no-guard was given" : d->guard_why);
		return -EINVAL;
	}
	if ((rc = uvs_dir_applyf(d, err, errlen, "vip-follow on=1")) < 0)
		return rc;
	if ((rc = uvs_dir_follow_update(d)) < 0)
		snprintf(err, errlen, "--follow-vip: reading the kernel's "
		    "addresses: %s", strerror(-rc));
	return rc;
}
