/*
 * How uvsd follows VRRP (--follow-vip). keepalived runs only a
 * vrrp_instance: on the master it adds the VIP to an interface and sends
 * the gratuitous ARPs, on the backup it removes it. uvsd listens to
 * rtnetlink's address events (v4 and v6); on each batch it reads the
 * kernel's addresses of both families again and turns the difference
 * with what the table holds into "vip-held" requests (followdiff.c),
 * applied as one transaction, so the master's table and every worker's
 * change together. The kernel guard drops VIP
 * traffic and ARP before the kernel sees them, so the address keepalived
 * adds is only a flag for uvsd: the kernel never answers for it.
 * A VIP uvsd starts serving is announced (reconcile.c's after_commit; a
 * v6 one with an unsolicited NA, vips6.c), beside keepalived's own
 * gratuitous ARPs or NAs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arp/kernel/addr.h"
#include "fwd/control/director.h"
#include "fwd/control/follow.h"
#include "fwd/control/followdiff.h"

static void
log_vip(struct uvs_director *d, const struct uvs_held *h, int held)
{
	char a[INET6_ADDRSTRLEN], line[200];

	if (!d->log || !uvs_svc_is_vip(&d->fw.svcs, h->af, &h->addr))
		return;
	inet_ntop(h->af, h->addr.b, a, sizeof(a));
	snprintf(line, sizeof(line), held ? "VIP %s is on a kernel interface "
	    "(VRRP master): answering %s and forwarding" : "VIP %s left the "
	    "kernel's interfaces (VRRP backup): silent", a,
	    h->af == AF_INET6 ? "NS" : "ARP");
	d->log(d->log_arg, line);
}

/*
 * Appends the kernel's followable addresses of family af to now[*n..),
 * up to UVS_SVC_HELD_MAX in all; *over counts those left out. tmp has
 * room for UVS_SVC_HELD_MAX. 0 or -errno.
 */
static int
list_af(int af, union uvs_inaddr *tmp, struct uvs_held *now, unsigned *n,
    unsigned *over)
{
	int rc, i;

	if ((rc = uvs_addr_list_af(af, tmp, UVS_SVC_HELD_MAX)) < 0)
		return rc;
	if (rc > UVS_SVC_HELD_MAX) {	/* link-locals may be most of them */
		*over += (unsigned)rc - UVS_SVC_HELD_MAX;
		rc = UVS_SVC_HELD_MAX;
	}
	for (i = 0; i < rc; i++) {
		if (!uvs_follow_followable(af, &tmp[i]))
			continue;
		if (*n == UVS_SVC_HELD_MAX) {
			(*over)++;
			continue;
		}
		now[(*n)++] = (struct uvs_held){ .af = (uint16_t)af,
		    .addr = tmp[i] };
	}
	return 0;
}

/* Both families' followable addresses the kernel holds now. */
static int
kernel_addrs(struct uvs_director *d, union uvs_inaddr *tmp,
    struct uvs_held *now, unsigned *n)
{
	unsigned over = 0;
	char line[200];
	int rc;

	*n = 0;
	if ((rc = list_af(AF_INET, tmp, now, n, &over)) < 0 ||
	    (rc = list_af(AF_INET6, tmp, now, n, &over)) < 0)
		return rc;
	if (over && d->log) {
		snprintf(line, sizeof(line), "--follow-vip: more than %d "
		    "host addresses, only the first %d are followed",
		    UVS_SVC_HELD_MAX, UVS_SVC_HELD_MAX);
		d->log(d->log_arg, line);
	}
	return 0;
}

/* The lists, with the requests: control path, on the heap. */
struct follow_work {
	union uvs_inaddr	 tmp[UVS_SVC_HELD_MAX];
	struct uvs_held		 now[UVS_SVC_HELD_MAX];
	struct uvs_follow_reqs	 reqs;
};

int
uvs_dir_follow_update(struct uvs_director *d)
{
	struct follow_work *w;
	struct uvs_follow_reqs *r;
	char err[160], line[200];
	unsigned n, i, at;
	int rc;

	if (!d->fw.svcs.follow)
		return 0;
	if (!(w = calloc(1, sizeof(*w))))
		return -ENOMEM;
	if ((rc = kernel_addrs(d, w->tmp, w->now, &n)) < 0) {
		free(w);
		return rc;
	}
	r = &w->reqs;
	uvs_follow_diff(&d->fw.svcs, w->now, n, r);
	rc = r->n ? uvs_dir_apply(d, r->msgs, r->n, &at, err, sizeof(err)) : 0;
	if (rc < 0 && d->log) {
		snprintf(line, sizeof(line), "--follow-vip: %s", err);
		d->log(d->log_arg, line);
	}
	for (i = 0; rc == 0 && i < r->n; i++)
		log_vip(d, &r->addr[i], r->msgs[i].kv[1].val[0] == '1');
	free(w);
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
