/*
 * Health checks, director side (dirhealth.h). The engine names servers
 * by key; each op finds the service and dest and calls the director
 * function an operator's command would, so a check changes the table
 * exactly as uvsadm -e or -d would, and nothing else does.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fwd/control/ctl.h"
#include "fwd/health/dirhealth.h"
#include "fwd/health/health.h"

static struct uvs_svc *
svc_of(struct uvs_director *d, const struct uvs_health_key *k)
{
	return uvs_svc_find(&d->fw.svcs, k->proto, k->af, &k->vip, k->vport);
}

static int
op_set_weight(void *arg, const struct uvs_health_key *k, int weight)
{
	struct uvs_director *d = arg;
	struct uvs_svc *svc = svc_of(d, k);
	struct uvs_dest *x = svc ? uvs_dest_find(svc, &k->rip, k->rport) :
	    NULL;
	struct uvs_dest_conf c;
	char err[128];

	if (!x)
		return -ENOENT;
	c = (struct uvs_dest_conf){ .af = svc->af, .addr = x->addr,
	    .port = x->port,
	    .weight = weight, .u_threshold = x->u_threshold,
	    .l_threshold = x->l_threshold };
	return uvs_dir_edit_dest(d, svc, &c, err, sizeof(err));
}

static int
op_set_out(void *arg, const struct uvs_health_key *k, int out, int flush)
{
	struct uvs_director *d = arg;
	struct uvs_svc *svc = svc_of(d, k);
	char err[128];

	if (!svc)
		return -ESRCH;
	return uvs_dir_dest_out(d, svc, &k->rip, k->rport, out, flush, err,
	    sizeof(err));
}

static int
op_add_dest(void *arg, const struct uvs_health_key *k, int weight, int out)
{
	struct uvs_director *d = arg;
	struct uvs_svc *svc = svc_of(d, k);
	struct uvs_dest_conf c = { .af = k->af,
	    .addr = k->rip, .port = k->rport,
	    .weight = weight, .flags = out ? UVS_DEST_F_OUT : 0 };
	char err[128];

	if (!svc)
		return -ESRCH;
	return uvs_dir_add_dest(d, svc, &c, err, sizeof(err));
}

static int
op_del_dest(void *arg, const struct uvs_health_key *k)
{
	struct uvs_director *d = arg;
	struct uvs_svc *svc = svc_of(d, k);
	char err[128];

	if (!svc)
		return -ESRCH;
	return uvs_dir_del_dest(d, svc, &k->rip, k->rport, err, sizeof(err));
}

int
uvs_dirhealth_open(struct uvs_director *d, const struct uvs_health_src *src,
    uvs_dirhealth_log log, void *log_arg, char *err, size_t errlen)
{
	const struct uvs_health_ops ops = {
		.arg = d,
		.set_weight = op_set_weight,
		.set_out = op_set_out,
		.add_dest = op_add_dest,
		.del_dest = op_del_dest,
		.log = log,
		.log_arg = log_arg,
	};

	if (!(d->health = uvs_health_new(&ops, d->ifname, src))) {
		snprintf(err, errlen, "health checks: out of memory");
		return -ENOMEM;
	}
	return 0;
}
