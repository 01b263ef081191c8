/*
 * The health check engine: keepalived's checker, inside uvsd's loop.
 *
 * It keeps its own record of every real server of every service (its
 * configured weight, its check if any, what the checks say) and of each
 * service's sorry server and quorum. It never touches sched/'s structs:
 * what the director must do (a weight, a server out of scheduling or
 * back, the sorry server in or out) goes through the ops the owner gives
 * it, which call the director's own functions. No threads: probes are
 * non-blocking (probe.h) and the owner's poll loop waits on their fds.
 *
 * The control path tells it about every change the director accepted
 * (uvs_health_svc_set(), uvs_health_dest_set(), ...); the loop calls
 * uvs_health_run() once a turn, which moves probes on, records results
 * and brings the director in line with what the checks and the quorum
 * want. Every call takes h == NULL and then does nothing.
 */
#ifndef UVS_HEALTH_H
#define UVS_HEALTH_H

#include <poll.h>
#include <stdint.h>
#include <stdio.h>

#include "fwd/health/checkconf.h"
#include "sched/inaddr.h"

/* Most probes in flight at once; the others wait for a free slot. */
#define UVS_HEALTH_FDS_MAX	64

/*
 * A real server of a service; addresses and ports in network order, both
 * addresses of family af (AF_INET or AF_INET6: IPVS's DR mixes none).
 */
struct uvs_health_key {
	uint8_t		 proto;
	uint8_t		 af;
	union uvs_inaddr vip;
	uint16_t	 vport;
	union uvs_inaddr rip;
	uint16_t	 rport;
};

/*
 * What the engine asks of the director; each returns 0 or -errno (a
 * failure is logged). arg is the ops' own, log_arg the log's. set_out
 * takes a server out of scheduling (out = 1) or puts it back; flush
 * ends its flows as well. add_dest adds the sorry server
 * (out of scheduling at first when out = 1); del_dest removes it.
 */
struct uvs_health_ops {
	void	*arg;
	int	(*set_weight)(void *arg, const struct uvs_health_key *k,
		    int weight);
	int	(*set_out)(void *arg, const struct uvs_health_key *k, int out,
		    int flush);
	int	(*add_dest)(void *arg, const struct uvs_health_key *k,
		    int weight, int out);
	int	(*del_dest)(void *arg, const struct uvs_health_key *k);
	void	(*log)(void *log_arg, const char *line);
	void	*log_arg;
};

struct uvs_health_counters {
	uint64_t	 checks_ok;
	uint64_t	 checks_failed;
	uint64_t	 dests_down;		/* now */
	uint64_t	 state_changes;		/* servers and quorums */
};

/* What a real server's last check said. */
enum uvs_health_result {
	UVS_HEALTH_RESULT_NONE,		/* not checked yet */
	UVS_HEALTH_RESULT_OK,
	UVS_HEALTH_RESULT_FAILED,
};

/*
 * One real server's health, for monitoring (uvs_health_dest_info).
 * state is a static string: "UP", "DOWN", "INHIBITED", "STANDBY" (UP,
 * but out of scheduling for the sorry server), or for the sorry server
 * itself "SERVING" / "STANDBY".
 */
struct uvs_health_dest_info {
	int			 sorry;		/* the service's sorry server */
	const char		*state;
	int			 down;		/* checks say DOWN */
	uint64_t		 ok, failed;	/* results counted */
	uint64_t		 transitions;	/* UP->DOWN and DOWN->UP */
	enum uvs_health_result	 result;	/* the last one */
};

/* A service's quorum and sorry server (uvs_health_svc_info). */
struct uvs_health_svc_info {
	int			 quorum_up;	/* quorum held */
	uint64_t		 up_weight;	/* UP servers' weights */
	int			 has_sorry;
	int			 sorry_serving;
};

struct uvs_health;

/* Where probes leave from, per family (--check-source); all zero: the
   interface's own address of that family, looked up (uvs_health_new) */
struct uvs_health_src {
	union uvs_inaddr	 v4, v6;
};

/*
 * A new engine whose probes leave from src on ifname (src NULL: both
 * families looked up). A family src leaves zero gets the first address
 * of ifname of that family that is no service's VIP (for v6, the first
 * global one), looked up when a probe needs it. NULL on ENOMEM.
 */
struct uvs_health *uvs_health_new(const struct uvs_health_ops *ops,
		    const char *ifname, const struct uvs_health_src *src);
/* Stops every probe (killing commands) and frees h. */
void		 uvs_health_free(struct uvs_health *h);

/*
 * The director accepted a change. svc_set: a service was added or
 * edited; v is its new health config, NULL to keep the one it has.
 * dest_set: a real server was added or edited with configured weight
 * and check c (NULL: keep its check; a new server gets none). Sizes: 0
 * or -ENOMEM. The director is brought in line on the next run.
 */
int		 uvs_health_svc_set(struct uvs_health *h, uint8_t proto,
		    int af, const union uvs_inaddr *vip, uint16_t vport,
		    const struct uvs_vs_health *v);
void		 uvs_health_svc_del(struct uvs_health *h, uint8_t proto,
		    int af, const union uvs_inaddr *vip, uint16_t vport);
int		 uvs_health_dest_set(struct uvs_health *h,
		    const struct uvs_health_key *k, int weight,
		    const struct uvs_check_conf *c);
void		 uvs_health_dest_del(struct uvs_health *h,
		    const struct uvs_health_key *k);
void		 uvs_health_clear(struct uvs_health *h);

/* Is k the sorry server the engine added to its service? */
int		 uvs_health_is_sorry(const struct uvs_health *h,
		    const struct uvs_health_key *k);

/*
 * The weight an edit of k to `weight` must give the director now: 0
 * while checks hold k inhibited, else weight itself.
 */
int		 uvs_health_weight_now(const struct uvs_health *h,
		    const struct uvs_health_key *k, int weight);

/* The poll loop: fds to wait on, how long at most, and one turn. */
int		 uvs_health_pollfds(struct uvs_health *h, struct pollfd *pfd,
		    int max);
int		 uvs_health_timeout(const struct uvs_health *h, int cap_ms,
		    uint64_t now_ms);
void		 uvs_health_run(struct uvs_health *h, const struct pollfd *pfd,
		    int n, uint64_t now_ms);
/* CLOCK_MONOTONIC in milliseconds, the clock run() expects. */
uint64_t	 uvs_health_now_ms(void);

/*
 * The state machine alone, for tests: records one result for k as a
 * finished probe would, then brings the director in line (settle).
 * -ENOENT when k has no check.
 */
int		 uvs_health_result(struct uvs_health *h,
		    const struct uvs_health_key *k, int ok, const char *why,
		    uint64_t now_ms);
void		 uvs_health_settle(struct uvs_health *h);

/*
 * List data for the control protocol (ctlmsg.h): after a service's svc
 * line, "svchealth sorry= quorum= hysteresis= up= upweight=" when it has
 * a health config or checks; after a dest line, "check check=... state=
 * out= streak= ok= failed= transitions= result= last=" when it has a
 * check, is out of scheduling (out says so: the director's flag), or is
 * the sorry server (check=sorry).
 */
void		 uvs_health_list_svc(const struct uvs_health *h, uint8_t proto,
		    int af, const union uvs_inaddr *vip, uint16_t vport,
		    FILE *out);
void		 uvs_health_list_dest(const struct uvs_health *h,
		    const struct uvs_health_key *k, int is_out, FILE *out);

/*
 * k's health into info: 0 when k has a check or is the sorry server
 * (is_out: the director holds it out of scheduling), else -ENOENT.
 */
int		 uvs_health_dest_info(const struct uvs_health *h,
		    const struct uvs_health_key *k, int is_out,
		    struct uvs_health_dest_info *info);
/*
 * The service's quorum into info: 0 when it has a health config or a
 * checked server, else -ENOENT.
 */
int		 uvs_health_svc_info(const struct uvs_health *h, uint8_t proto,
		    int af, const union uvs_inaddr *vip, uint16_t vport,
		    struct uvs_health_svc_info *info);
/* "ok", "failed" or "none", as the list's result= word says it. */
const char	*uvs_health_result_name(enum uvs_health_result r);

struct uvs_health_counters uvs_health_counters(const struct uvs_health *h);

#endif
