/*
 * sched/ public header: virtual services, their real servers (dests),
 * the scheduler interface and the connection table.
 *
 * This layer is pure: no I/O, no sockets, no allocation on the per-packet
 * path. Addresses and ports are kept in network byte order, as on the wire,
 * so the forwarding path never converts them.
 */
#ifndef UVS_SCHED_H
#define UVS_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include "est.h"
#include "inaddr.h"

#define UVS_SCHED_NAME_MAX	16	/* IP_VS_SCHEDNAME_MAXLEN */

/* svc->flags, IPVS's values (include/uapi/linux/ip_vs.h) */
#define UVS_SVC_F_PERSISTENT	0x0001	/* -p: clients stick to a dest */
#define UVS_SVC_F_ONEPACKET	0x0004	/* -o: schedule every datagram */
#define UVS_SVC_F_SCHED1	0x0008	/* -b flag-1 */
#define UVS_SVC_F_SCHED2	0x0010	/* -b flag-2 */
#define UVS_SVC_F_SCHED3	0x0020	/* -b flag-3 */
#define UVS_SVC_F_SH_FALLBACK	UVS_SVC_F_SCHED1	/* sh-fallback */
#define UVS_SVC_F_SH_PORT	UVS_SVC_F_SCHED2	/* sh-port */
#define UVS_SVC_F_MH_FALLBACK	UVS_SVC_F_SCHED1	/* mh-fallback */
#define UVS_SVC_F_MH_PORT	UVS_SVC_F_SCHED2	/* mh-port */

/* dest->flags */
#define UVS_DEST_F_OVERLOAD	0x0001	/* over u-threshold: no new flows */
#define UVS_DEST_F_NOHWADDR	0x0002	/* link-layer address not known yet */
#define UVS_DEST_F_OUT		0x0004	/* health checks took it out (a failed
					   check with on-fail remove, a server
					   standing by for the sorry server):
					   as if keepalived deleted it, see
					   uvs_dest_set_out() */

/* dest->fwd: how frames reach it (IPVS's IP_VS_CONN_F_FWD_MASK) */
#define UVS_FWD_ROUTE		0	/* -g: the frame, new MACs (DR) */
#define UVS_FWD_TUNNEL		1	/* -i: the packet in a new IPv4 one */
/* dest->tun_type, IPVS's IP_VS_CONN_F_TUNNEL_TYPE_* values */
#define UVS_TUN_IPIP		0
#define UVS_TUN_GUE		1
#define UVS_TUN_GRE		2
/* dest->tun_flags, IPVS's IP_VS_TUNNEL_ENCAP_FLAG_* values */
#define UVS_TUN_F_CSUM		0x1	/* --tun-csum: outer checksum */
#define UVS_TUN_F_REMCSUM	0x2	/* --tun-remcsum (GUE) */

struct uvs_svc;

/*
 * Addresses are union uvs_inaddr (inaddr.h) with the family beside them:
 * a service's in svc->af, and its dests share it (IPVS refuses mixed
 * families for DR and tunnels), a flow's in flow->af.
 */
struct uvs_dest {
	union uvs_inaddr addr;		/* network order */
	uint16_t	 port;		/* network order */
	uint8_t		 hwaddr[6];	/* filled in by the forwarding layer:
					   the next hop's MAC */
	/*
	 * Egress, filled in by the forwarding layer from the kernel's route
	 * to addr: the link the frame leaves by (0: the one it came in by),
	 * that link's MAC as source, and the address hwaddr belongs to.
	 */
	int		 oif;
	uint8_t		 srcmac[6];
	union uvs_inaddr nexthop;	/* network order */
	uint8_t		 fwd;		/* UVS_FWD_* */
	uint8_t		 tun_type;	/* UVS_TUN_*, when tunnelled */
	uint8_t		 tun_flags;	/* UVS_TUN_F_* */
	uint16_t	 tun_port;	/* GUE's UDP port, network order */
	union uvs_inaddr tun_src;	/* outer source: the route's, network
					   order */
	uint32_t	 mtu;		/* of the route to it (tunnel: the outer
					   packet's limit) */
	int		 weight;	/* 0..65535, 0 = quiescent */
	int		 last_weight;	/* the weight it was added with, then
					   its latest non-zero one (IPVS's
					   last_weight; mh deals slots by it) */
	uint32_t	 flags;
	uint32_t	 activeconns;
	uint32_t	 inactconns;
	uint32_t	 persistconns;
	uint32_t	 u_threshold;
	uint32_t	 l_threshold;
	uint64_t	 conns;		/* connections scheduled here */
	uint64_t	 inpkts;
	uint64_t	 inbytes;
	uint64_t	 nomac_drops;	/* frames of its flows dropped while its
					   MAC was unknown */
	struct uvs_est	 est;		/* rates of the three above */
	struct uvs_svc	*svc;
	unsigned	 sched_pos;	/* scheduler's own: index in svc->dests
					   at its last update */
	/*
	 * uvsd -j: the flows to this dest in every worker's table, one
	 * counter shared by the workers' copies of the dest (atomic), so
	 * -x/-y act on the total as in IPVS. NULL: the dest's own counts
	 * are the total.
	 */
	uint32_t	*total_shared;
};

/*
 * The key the scheduler may look at: enough for hashing schedulers
 * (sh, dh, mh) without exposing the parsed frame.
 */
struct uvs_flow {
	uint8_t		 proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t		 af;		/* AF_INET or AF_INET6 */
	union uvs_inaddr caddr, vaddr;	/* network order */
	uint16_t	 cport, vport;	/* network order */
	uint32_t	 now;		/* table clock, s (lblc/lblcr aging) */
};

/*
 * A scheduler, after IPVS's struct ip_vs_scheduler. init sets up
 * svc->sched_data and done frees what init made; update is called
 * whenever the dest set, a weight or a dest's flags changed; schedule
 * picks a dest for a new flow or returns NULL. dest_changed (optional)
 * is called on the packet path whenever one dest's connection counts or
 * usability changed, so a scheduler that keeps dests ordered can move
 * that one dest (O(log n)) instead of rebuilding; it must not allocate.
 */
struct uvs_sched_ops {
	const char	 *name;
	int		(*init)(struct uvs_svc *svc);
	void		(*done)(void *sched_data);
	int		(*update)(struct uvs_svc *svc);
	struct uvs_dest	*(*schedule)(struct uvs_svc *svc,
			    const struct uvs_flow *flow);
	void		(*dest_changed)(struct uvs_svc *svc,
			    struct uvs_dest *d);
};

struct uvs_svc {
	uint8_t				 proto;
	uint16_t			 af;	/* AF_INET or AF_INET6 */
	union uvs_inaddr		 addr;	/* VIP, network order */
	uint16_t			 port;	/* network order */
	uint32_t			 flags;
	uint32_t			 timeout;	/* persistence, seconds */
	/* -M: v4, a netmask in network order; v6, a prefix length */
	uint32_t			 netmask;
	const struct uvs_sched_ops	*sched;
	void				*sched_data;
	struct uvs_dest			**dests;	/* newest first, as IPVS
							   lists them */
	unsigned			 ndests;
	unsigned			 cap;
	uint64_t			 conns, inpkts, inbytes;
	struct uvs_est			 est;
};

/*
 * Scheduler registry (registry.c, from list.h). Returns NULL for an
 * unknown name.
 */
const struct uvs_sched_ops *uvs_sched_find(const char *name);
/* Fills names[] with up to max scheduler names (names.c, from list.h, in
   the registry's order); returns the count. */
size_t uvs_sched_names(const char **names, size_t max);

/*
 * A dest is usable for a new flow when it has weight and is neither
 * overloaded, unreachable on the link, nor taken out by health checks
 * (IPVS checks OVERLOAD + weight; a dest keepalived removed is gone).
 * NOHWADDR counts as IPVS's is_unavailable(): the dest keeps its place
 * (its sh, dh, mh buckets) and sh-fallback and mh-fallback walk on.
 */
static inline int
uvs_dest_usable(const struct uvs_dest *d)
{
	return d->weight > 0 && !(d->flags & (UVS_DEST_F_OVERLOAD |
	    UVS_DEST_F_NOHWADDR | UVS_DEST_F_OUT));
}

/*
 * Is d in the list IPVS would have? One that health checks took out
 * stands for a dest keepalived deleted: a scheduler that lays out the
 * list (sh, dh, mh buckets, wrr's gcd and largest weight) leaves it out.
 */
static inline int
uvs_dest_listed(const struct uvs_dest *d)
{
	return !(d->flags & UVS_DEST_F_OUT);
}

/* IPVS's ip_vs_dest_conn_overhead(): active conns cost 256 inactive ones. */
static inline uint32_t
uvs_dest_overhead(const struct uvs_dest *d)
{
	return (d->activeconns << 8) + d->inactconns;
}

/* mh.c: an mh service's lookup table and its size (a prime), or NULL. */
struct uvs_dest *const *uvs_sched_mh_table(const struct uvs_svc *svc,
		    unsigned *size);

/*
 * dest.c: a connection was bound to d (bound = 1) or released from it
 * (bound = 0), or its active/inactive split changed (bound = -1). Applies
 * IPVS's upper/lower thresholds (ip_vs_bind_dest / ip_vs_unbind_dest) and
 * tells the scheduler. Called by the connection table.
 */
void		 uvs_dest_conns_changed(struct uvs_dest *d, int bound);
/*
 * Re-applies d's thresholds to its total now, both ways (a shared total
 * moves with other workers' flows too); tells the scheduler when d's
 * OVERLOAD mark changed. Returns 1 if it did.
 */
int		 uvs_dest_thresholds_recheck(struct uvs_dest *d);

/*
 * Service table (svc.c): the set of virtual services and their dests.
 * Control-path only: these calls may allocate. Errors are -errno:
 * -EEXIST duplicate, -ESRCH no such service, -ENOENT no such dest or
 * scheduler, -ENOMEM, -EINVAL bad argument, -EAFNOSUPPORT a family
 * other than AF_INET/AF_INET6, or a dest not in its service's.
 */
/*
 * uvsd --follow-vip (VRRP): the host addresses a director may hold at
 * once. A pair shares a handful of VIPs; beyond this, addresses past
 * the cap are not held, so those VIPs stay silent (the director logs it).
 */
#define UVS_SVC_HELD_MAX	256

struct uvs_vip_slot {
	union uvs_inaddr addr;		/* network order */
	uint16_t	 af;
	uint32_t	 count;		/* services on it; 0: a free slot */
};

/* vipheld.c: an address the director's kernel holds. */
struct uvs_held {
	uint16_t	 af;
	union uvs_inaddr addr;
};

struct uvs_svc_table {
	struct uvs_svc	**svcs;
	unsigned	  nsvcs;
	unsigned	  cap;
	/* svcindex.c: hash of the services and of their VIPs */
	struct uvs_svc	**isvc;		/* 1 << ibits slots */
	struct uvs_vip_slot *ivip;	/* 1 << ibits slots */
	unsigned	  ibits;
	/* vipheld.c: uvsd --follow-vip, the addresses the kernel holds */
	int		  follow;
	unsigned	  nheld;
	struct uvs_held	  held[UVS_SVC_HELD_MAX];	/* sorted by family,
							   then bytes */
};

struct uvs_svc_conf {
	uint8_t		 proto;
	uint16_t	 af;		/* AF_INET or AF_INET6 */
	union uvs_inaddr addr;
	uint16_t	 port;
	char		 sched[UVS_SCHED_NAME_MAX];
	uint32_t	 flags;
	uint32_t	 timeout;
	uint32_t	 netmask;	/* v4: network order; v6: a prefix
					   length */
};

struct uvs_dest_conf {
	uint16_t	 af;		/* must be the service's (IPVS refuses
					   mixed families for DR, tunnels) */
	union uvs_inaddr addr;
	uint16_t	 port;
	int		 weight;
	uint32_t	 u_threshold;
	uint32_t	 l_threshold;
	uint32_t	 flags;		/* UVS_DEST_F_* a new dest starts with */
	uint8_t		 fwd;		/* UVS_FWD_* */
	uint8_t		 tun_type;	/* UVS_TUN_* */
	uint8_t		 tun_flags;	/* UVS_TUN_F_* */
	uint16_t	 tun_port;	/* network order */
};

void		 uvs_svc_table_init(struct uvs_svc_table *t);
/* Frees every service and dest; the conn table must be flushed first. */
void		 uvs_svc_table_free(struct uvs_svc_table *t);
/* The service proto af addr:port, or NULL; a hash lookup (svcindex.c). */
struct uvs_svc	*uvs_svc_find(const struct uvs_svc_table *t, uint8_t proto,
		    int af, const union uvs_inaddr *addr, uint16_t port);
/* Is af addr the VIP of any service? A hash lookup (svcindex.c). */
int		 uvs_svc_is_vip(const struct uvs_svc_table *t, int af,
		    const union uvs_inaddr *addr);
/*
 * vipheld.c. With follow on, a VIP is served (ARP answered, frames
 * forwarded) only while it is held: while the director's kernel has it
 * on an interface, which keepalived's VRRP master does. Follow off (the
 * default) serves every VIP. uvs_svc_hold: 0, or -ENOSPC when
 * UVS_SVC_HELD_MAX addresses are held already.
 */
void		 uvs_svc_follow(struct uvs_svc_table *t, int on);
int		 uvs_svc_hold(struct uvs_svc_table *t, int af,
		    const union uvs_inaddr *addr, int held);
int		 uvs_svc_is_held(const struct uvs_svc_table *t, int af,
		    const union uvs_inaddr *addr);
/* Is addr a VIP uvsd must not serve now (follow on, not held)? */
int		 uvs_svc_vip_silent(const struct uvs_svc_table *t, int af,
		    const union uvs_inaddr *addr);
/*
 * svcindex.c, for svc.c: makes room in the index for nsvcs services (0 or
 * -ENOMEM, the table unchanged), refills it from t->svcs after a change
 * (never fails once room was made), and frees it.
 */
int		 uvs_svcindex_reserve(struct uvs_svc_table *t, unsigned nsvcs);
void		 uvs_svcindex_rebuild(struct uvs_svc_table *t);
void		 uvs_svcindex_free(struct uvs_svc_table *t);
int		 uvs_svc_add(struct uvs_svc_table *t,
		    const struct uvs_svc_conf *c);
int		 uvs_svc_edit(struct uvs_svc_table *t,
		    const struct uvs_svc_conf *c);
/* Unlinks svc from the table and frees it with its dests. */
void		 uvs_svc_del(struct uvs_svc_table *t, struct uvs_svc *svc);
/* The dest addr:port of svc (in svc's family), or NULL. */
struct uvs_dest	*uvs_dest_find(const struct uvs_svc *svc,
		    const union uvs_inaddr *addr, uint16_t port);
int		 uvs_dest_add(struct uvs_svc *svc,
		    const struct uvs_dest_conf *c);
int		 uvs_dest_edit(struct uvs_svc *svc, struct uvs_dest *d,
		    const struct uvs_dest_conf *c);
/* Unlinks and frees d; the caller has removed its connections. */
void		 uvs_dest_del(struct uvs_svc *svc, struct uvs_dest *d);
/*
 * The client address a persistence template is keyed on: caddr cut by
 * svc's -M, a v4 netmask or a v6 prefix length (ip_vs_sched_persist).
 */
union uvs_inaddr uvs_svc_persist_addr(const struct uvs_svc *svc,
		    const union uvs_inaddr *caddr);
/* Re-runs the scheduler's update after a dest's flags changed. */
void		 uvs_svc_changed(struct uvs_svc *svc);
/*
 * Health checks take d out (out = 1) or put it back, as keepalived
 * deletes and re-adds it in IPVS: out, it is not listed (above); back,
 * it goes to the head of the list with its last weight set to its
 * weight, as ip_vs_add_dest leaves a dest. Then the scheduler updates.
 */
void		 uvs_dest_set_out(struct uvs_svc *svc, struct uvs_dest *d,
		    int out);

#endif
