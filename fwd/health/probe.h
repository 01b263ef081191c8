/*
 * One health probe in flight: a TCP connect, an HTTP GET (in the clear
 * or over TLS, one url after the other), an SMTP greeting and HELO, a
 * UDP datagram, an ICMP echo, or a command, never blocking. The caller (health.c) polls the probe's fd for the
 * events it asks and calls uvs_probe_step() on every turn of its loop;
 * a step says when the probe is done and with what result. Sockets are
 * bound to the director's own address and interface, so a check never
 * leaves from a VIP. A command runs as `/bin/sh -c CMD` in its own
 * process group, so a timeout kills all it started.
 */
#ifndef UVS_PROBE_H
#define UVS_PROBE_H

#include <stdint.h>
#include <sys/types.h>

#include "fwd/health/checkconf.h"
#include "fwd/health/digest.h"
#include "sched/inaddr.h"

#define UVS_PROBE_WHY_MAX	96
/* A command's UVS_RIP=... variables: the name and a v6 address fit. */
#define UVS_PROBE_VAR_MAX	64
/* More body than this fails an HTTP check: a health page is small. */
#define UVS_PROBE_BODY_MAX	(4u << 20)

enum uvs_probe_state {
	UVS_PROBE_IDLE,		/* nothing in flight */
	UVS_PROBE_CONNECTING,
	UVS_PROBE_HANDSHAKE,	/* ssl: the TLS handshake */
	UVS_PROBE_SENDING,	/* http: the request */
	UVS_PROBE_READING,	/* http: the response; smtp: a reply; udp,
				   ping: the answer */
	UVS_PROBE_RUNNING,	/* cmd: the child runs */
	UVS_PROBE_REAPING,	/* cmd: result given, the killed child not
				   yet collected */
};

/*
 * Where a probe goes and comes from; addresses in network order, all of
 * family af (AF_INET6, else IPv4: a service and its real servers are of
 * one family, as IPVS has them in DR).
 */
struct uvs_probe_target {
	int		 af;
	union uvs_inaddr src;		/* the director's own; all zero: any */
	const char	*ifname;	/* leave by this interface; NULL: any */
	union uvs_inaddr rip;
	uint16_t	 port;		/* host order */
	/* what a command sees in its environment (UVS_RIP ...) */
	uint8_t		 proto;
	union uvs_inaddr vip;
	uint16_t	 vport;		/* host order */
};

struct uvs_probe {
	int		 state;		/* enum uvs_probe_state */
	int		 type;		/* enum uvs_check_type being run */
	int		 fd;		/* socket, or the child's output; -1 */
	pid_t		 pid;		/* cmd: the child (its process group) */
	uint64_t	 deadline_ms;
	uint32_t	 timeout_ms;
	/* http */
	const struct uvs_check_conf *conf;
	char		 req[UVS_CHECK_PATH_MAX + 160];
	size_t		 req_len, req_off;
	char		 head[4096];
	size_t		 head_len;
	int		 status;
	long long	 content_length;	/* -1: until EOF */
	uint64_t	 body_len;
	struct uvs_digest md5;
	/* ssl: OpenSSL's SSL_CTX and SSL, and the events it waits for */
	void		*tls_ctx, *tls;
	short		 tls_want;
	/* smtp: replies read so far (the greeting, HELO's) */
	int		 smtp_replies;
	/* http: which url (0: the conf's path, i: more[i - 1]), and where
	   the next one's connection goes */
	unsigned	 url;
	struct uvs_probe_target target;
	uint64_t	 now_ms;	/* the clock at the last start or step */
	/* ping: the echo's identifier and sequence number */
	uint16_t	 echo_id, echo_seq;
	int		 echo_v6;	/* ICMPv6: no IP header read */
	char		 tail[UVS_CHECK_EXPECT_MAX];	/* expect across reads */
	size_t		 tail_len;
	int		 found;
	/* cmd */
	char		 out[64];	/* first line of its output */
	size_t		 out_len;
	/* the result, once done */
	int		 ok;
	char		 why[UVS_PROBE_WHY_MAX];
};

/* An idle probe. */
void	uvs_probe_init(struct uvs_probe *p);

/*
 * Starts c against t. Returns 1 when the probe is already done (a local
 * error, or an immediate answer: p->ok and p->why tell), 0 when it is
 * in flight. conf must live until the probe is done.
 */
int	uvs_probe_start(struct uvs_probe *p, const struct uvs_check_conf *c,
	    const struct uvs_probe_target *t, uint64_t now_ms);

/* The poll events the probe waits for on p->fd, 0 when none. */
short	uvs_probe_events(const struct uvs_probe *p);

/*
 * Advances the probe with what poll said of its fd (0 when nothing) and
 * the clock. Returns 1 when it has just finished (result in p->ok and
 * p->why), else 0. A REAPING probe gives no result; it turns IDLE once
 * its child is collected.
 */
int	uvs_probe_step(struct uvs_probe *p, short revents, uint64_t now_ms);

/*
 * Starts cmd as `/bin/sh -c cmd` in its own process group, stdin from
 * /dev/null, output where uvsd's goes, and does not wait: a script
 * keepalived would run (quorum_up, quorum_down). Returns its pid, which
 * the caller collects, or -errno.
 */
pid_t	uvs_probe_script(const char *cmd);

/* Busy: in flight, or a child still to collect. */
int	uvs_probe_busy(const struct uvs_probe *p);

/*
 * Stops a probe at once without a result. Returns the pid of a killed
 * child the caller must still collect (waitpid), or 0.
 */
pid_t	uvs_probe_abort(struct uvs_probe *p);

#endif
