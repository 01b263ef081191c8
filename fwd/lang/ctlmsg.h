/*
 * The control protocol between uvsadm and uvsd: one request per
 * connection, one line of text, "verb key=value key=value ...". The reply
 * is zero or more data lines in the same shape, then "ok" or
 * "error ERRNO message". Text keeps the protocol readable with socat and
 * easy to fuzz; values never contain spaces.
 *
 * Requests:  add-service edit-service del-service   proto vip vport
 *              [sched flags timeout netmask]
 *            add-dest edit-dest del-dest            proto vip vport rip
 *              rport [weight uthr lthr]
 *            clear | list | counters | conns | timeout
 *            set-timeout tcp= tcpfin= udp=   (0 keeps a value)
 *            zero [proto vip vport]
 * List data: "info version=1.2.1 size=N",
 *            "svc proto= vip= vport= sched= flags= timeout= netmask=
 *              conns= inpkts= inbytes=",
 *            "dest rip= rport= fwd=route weight= active= inactive=
 *              persist= uthr= lthr= conns= inpkts= inbytes= hw=MAC|none"
 *            (dest lines follow their svc line).
 * Counters:  "counter name=N" lines.
 * Conns:     "conn proto= cip= cport= vip= vport= rip= rport= state=
 *              expires=SECONDS" lines (templates: cport=0 rport=0).
 * Timeout:   "timeout tcp= tcpfin= udp=".
 */
#ifndef UVS_CTLMSG_H
#define UVS_CTLMSG_H

#include <stdint.h>

#include "sched/inaddr.h"

#define UVS_CTL_LINE_MAX	1024
/* a tunnelled dest's list line, with its ARP state and rates, has 25 */
#define UVS_CTL_MAX_KV		32
/* A batch (rules file): at most this many bytes and request lines. */
#define UVS_CTL_BATCH_MAX	(16u << 20)
#define UVS_CTL_BATCH_LINES	65536u
#define UVS_CTL_SOCKET		"/run/uvs/uvsd.sock"
#define UVS_CTL_SOCKET_ENV	"UVS_SOCKET"

struct uvs_ctl_kv {
	const char	*key;
	const char	*val;
};

struct uvs_ctl_msg {
	const char		*verb;
	struct uvs_ctl_kv	 kv[UVS_CTL_MAX_KV];
	int			 nkv;
};

/*
 * Splits line in place into a verb and key=value pairs. Returns 0, or
 * -EINVAL for an empty line, a token without '=', an empty key or too
 * many pairs.
 */
int		 uvs_ctl_parse(char *line, struct uvs_ctl_msg *m);

/* The value of key, or NULL when absent. */
const char	*uvs_ctl_get(const struct uvs_ctl_msg *m, const char *key);

/*
 * Typed getters: 0 on success, -ENOENT when the key is absent, -EINVAL
 * when the value does not parse or is out of range.
 */
int		 uvs_ctl_get_u32(const struct uvs_ctl_msg *m, const char *key,
		    uint32_t max, uint32_t *out);
int		 uvs_ctl_get_u64(const struct uvs_ctl_msg *m, const char *key,
		    uint64_t *out);
/* Dotted quad to network order. */
int		 uvs_ctl_get_addr(const struct uvs_ctl_msg *m, const char *key,
		    uint32_t *out);
/* A v4 dotted quad or a v6 address: *af and *out (network order, a v4
   one with the rest zero). */
int		 uvs_ctl_get_inaddr(const struct uvs_ctl_msg *m,
		    const char *key, int *af, union uvs_inaddr *out);
/* "tcp" / "udp" to IPPROTO_*. */
int		 uvs_ctl_get_proto(const struct uvs_ctl_msg *m, const char *key,
		    uint8_t *out);

/* Socket path: $UVS_SOCKET or the default. */
const char	*uvs_ctl_socket_path(void);

#endif
