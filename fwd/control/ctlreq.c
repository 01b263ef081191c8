/*
 * Decoding the control requests that change the table: the words of a
 * request line into the configs the director takes. Shared by the
 * one-request path and the batch checker, so both read a line the same.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "fwd/control/ctlreq.h"

/* Reads the service key (proto vip vport) every request names. */
int
uvs_ctlreq_svc_key(const struct uvs_ctl_msg *m, uint8_t *proto,
    uint16_t *af, union uvs_inaddr *addr, uint16_t *port)
{
	uint32_t p;
	int f;

	if (uvs_ctl_get_proto(m, "proto", proto) < 0 ||
	    uvs_ctl_get_inaddr(m, "vip", &f, addr) < 0 ||
	    uvs_ctl_get_u32(m, "vport", 65535, &p) < 0)
		return -EINVAL;
	*af = (uint16_t)f;
	*port = htons((uint16_t)p);
	return 0;
}

/* Optional u32: absent keeps *out as it is. */
static int
get_opt_u32(const struct uvs_ctl_msg *m, const char *key, uint32_t max,
    uint32_t *out)
{
	int rc = uvs_ctl_get_u32(m, key, max, out);

	return rc == -ENOENT ? 0 : rc;
}

int
uvs_ctlreq_svc_conf(const struct uvs_ctl_msg *m, struct uvs_svc_conf *c)
{
	const char *sched = uvs_ctl_get(m, "sched");
	int rc;

	memset(c, 0, sizeof(*c));
	c->netmask = 0xffffffff;
	if (uvs_ctlreq_svc_key(m, &c->proto, &c->af, &c->addr, &c->port) < 0)
		return -EINVAL;
	if (!sched || strlen(sched) >= sizeof(c->sched))
		return -EINVAL;
	strcpy(c->sched, sched);
	if (get_opt_u32(m, "flags", UINT32_MAX, &c->flags) < 0 ||
	    get_opt_u32(m, "timeout", 86400 * 31, &c->timeout) < 0)
		return -EINVAL;
	/* -M: a v4 netmask, a v6 prefix length (as IPVS keeps them) */
	if (c->af == AF_INET6) {
		c->netmask = 128;
		rc = uvs_ctl_get_u32(m, "netmask", 128, &c->netmask);
	} else {
		rc = uvs_ctl_get_addr(m, "netmask", &c->netmask);
	}
	if (rc == -EINVAL)
		return rc;
	/* ipvsadm's -p without a value (IPVS_SVC_PERSISTENT_TIMEOUT) */
	if ((c->flags & UVS_SVC_F_PERSISTENT) && c->timeout == 0)
		c->timeout = 6 * 60;
	/* port 0 means "every port", which only a persistent service can */
	if (c->port == 0 && !(c->flags & UVS_SVC_F_PERSISTENT))
		return -EINVAL;
	return 0;
}

int
uvs_ctlreq_dest_conf(const struct uvs_ctl_msg *m, struct uvs_dest_conf *c)
{
	uint32_t port, weight = 1, type = 0, tport = 0, tflags = 0;
	const char *fwd = uvs_ctl_get(m, "fwd");
	int af;

	memset(c, 0, sizeof(*c));
	if (uvs_ctl_get_inaddr(m, "rip", &af, &c->addr) < 0 ||
	    uvs_ctl_get_u32(m, "rport", 65535, &port) < 0 ||
	    get_opt_u32(m, "weight", 65535, &weight) < 0 ||
	    get_opt_u32(m, "uthr", INT32_MAX, &c->u_threshold) < 0 ||
	    get_opt_u32(m, "lthr", INT32_MAX, &c->l_threshold) < 0)
		return -EINVAL;
	c->af = (uint16_t)af;
	c->port = htons((uint16_t)port);
	c->weight = (int)weight;
	if (!fwd || !strcmp(fwd, "route"))
		return 0;
	if (strcmp(fwd, "tunnel") ||
	    get_opt_u32(m, "tun_type", UVS_TUN_GRE, &type) < 0 ||
	    get_opt_u32(m, "tun_port", 65535, &tport) < 0 ||
	    get_opt_u32(m, "tun_flags", UVS_TUN_F_CSUM | UVS_TUN_F_REMCSUM,
	    &tflags) < 0 || (type == UVS_TUN_GUE && !tport))
		return -EINVAL;
	c->fwd = UVS_FWD_TUNNEL;
	c->tun_type = (uint8_t)type;
	c->tun_port = htons((uint16_t)tport);
	c->tun_flags = (uint8_t)tflags;
	return 0;
}

int
uvs_ctlreq_check_conf(const struct uvs_ctl_msg *m, struct uvs_check_conf *c)
{
	return uvs_check_from_msg(m, c);
}

int
uvs_ctlreq_vs_health(const struct uvs_ctl_msg *m, struct uvs_vs_health *v)
{
	return uvs_vs_health_from_msg(m, v);
}

int
uvs_ctlreq_timeouts(const struct uvs_ctl_msg *m, uint32_t t[3])
{
	const uint32_t max = 86400 * 31;	/* ipvsadm's MAX_TIMEOUT */

	if (uvs_ctl_get_u32(m, "tcp", max, &t[0]) < 0 ||
	    uvs_ctl_get_u32(m, "tcpfin", max, &t[1]) < 0 ||
	    uvs_ctl_get_u32(m, "udp", max, &t[2]) < 0)
		return -EINVAL;
	return 0;
}

const char *
uvs_ctlreq_svc_error(int rc)
{
	switch (rc) {
	case -EEXIST:
		return "Service already exists";
	case -ESRCH:
		return "No such service";
	case -ENOENT:
		return "Scheduler not found";
	}
	return strerror(-rc);
}

const char *
uvs_ctlreq_dest_error(int rc)
{
	if (rc == -EEXIST)
		return "Destination already exists";
	/* a dest of the other family: libipvs's words for the errno */
	if (rc == -EAFNOSUPPORT)
		return "Operation not supported with specified address family";
	return strerror(-rc);
}
