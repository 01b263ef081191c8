/*
 * The change requests' words (ctlmsg.h) decoded into sched/'s configs.
 * Each returns 0 or -EINVAL when a word is missing or out of range.
 */
#ifndef UVS_CTLREQ_H
#define UVS_CTLREQ_H

#include <stdint.h>

#include "fwd/health/checkconf.h"
#include "fwd/lang/ctlmsg.h"
#include "sched/sched.h"

/* proto= vip= vport=; *addr and *port in network order. */
int	uvs_ctlreq_svc_key(const struct uvs_ctl_msg *m, uint8_t *proto,
	    uint16_t *af, union uvs_inaddr *addr, uint16_t *port);
/* The key plus sched= [flags= timeout= netmask=], with IPVS's defaults. */
int	uvs_ctlreq_svc_conf(const struct uvs_ctl_msg *m,
	    struct uvs_svc_conf *c);
/* rip= rport= [weight= uthr= lthr=]; c->af is rip's family. */
int	uvs_ctlreq_dest_conf(const struct uvs_ctl_msg *m,
	    struct uvs_dest_conf *c);
/*
 * Health words (checkconf.h): a dest's check= ... and a service's
 * sorry= quorum= hysteresis=. 1 with *c filled, 0 when the request has
 * none (keep what is there), -EINVAL.
 */
int	uvs_ctlreq_check_conf(const struct uvs_ctl_msg *m,
	    struct uvs_check_conf *c);
int	uvs_ctlreq_vs_health(const struct uvs_ctl_msg *m,
	    struct uvs_vs_health *v);
/* tcp= tcpfin= udp= (seconds, 0 keeps the current value). */
int	uvs_ctlreq_timeouts(const struct uvs_ctl_msg *m, uint32_t t[3]);

/*
 * The words for sched/'s refusals (uvs_svc_add/edit, uvs_dest_add), one
 * place for the director and the batch checker, so a line refused inside
 * a rules file reads as it would alone.
 */
const char	*uvs_ctlreq_svc_error(int rc);
const char	*uvs_ctlreq_dest_error(int rc);

#endif
