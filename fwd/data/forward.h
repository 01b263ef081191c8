/*
 * The packet path of the director, one function per stage in the order a
 * frame travels: parse, answer ARP for a VIP, find or create the flow,
 * check the dest can be reached, rewrite the MACs. Sending is the
 * caller's: this file decides, it does no I/O.
 */
#ifndef UVS_FORWARD_H
#define UVS_FORWARD_H

#include <stdint.h>

#include "arp/arp.h"
#include "fwd/data/drop.h"
#include "fwd/data/frag.h"
#include "fwd/data/parse.h"
#include "fwd/data/tunnel.h"
#include "sched/conn.h"
#include "sched/sched.h"

struct uvs_fwd_stats {
	uint64_t	 rx_frames;
	uint64_t	 fwd_frames;
	uint64_t	 fwd_bytes;
	uint64_t	 arp_replies;
	uint64_t	 arp_ignored;	/* ARP not asking for a VIP */
	uint64_t	 arp_standby;	/* --follow-vip: for a VIP not held */
	uint64_t	 ndp_replies;	/* NAs sent for a v6 VIP */
	uint64_t	 ndp_ignored;	/* NS not asking for a v6 VIP */
	uint64_t	 conns_new;
	uint64_t	 conns_reused;	/* SYN on a closing flow: rescheduled */
	uint64_t	 rx_kernel_drops;	/* no room in ring or queue */
	uint64_t	 rx_copied;	/* too big for a ring slot: read
					   from the socket's queue by copy */
	uint64_t	 tun_gso_frames;	/* -i: GSO frames cut up ... */
	uint64_t	 tun_packets;		/* ... and all packets wrapped */
	uint64_t	 ops_sched;	/* -o: datagrams scheduled alone */
	uint64_t	 icmp_fwd;	/* ICMP errors sent to a flow's owner */
	uint64_t	 frags_fwd;	/* fragments forwarded (first ones too) */
	uint64_t	 frags_held;	/* early fragments held for their first */
	uint64_t	 tx_sw_csum;	/* checksums the backend finished (xdp) */
	/* sync backup (syncd.c): entries this table took as new flows,
	   took over as known ones, or refused (syncin.h) */
	uint64_t	 sync_new, sync_updated, sync_refused;
	uint64_t	 drops[UVS_DROP_MAX];
};

/*
 * Called for each new flow, e.g. for a -v log line, right after the flow
 * is bound to its dest (so c->dest counts it already) and before the
 * frame is rewritten: old_dst is the frame's destination MAC as it came,
 * c->dest->hwaddr the one it is given; f is the flow's key (its
 * addresses, which c holds only folded for IPv6). May be NULL.
 */
typedef void (*uvs_fwd_conn_hook)(void *arg, const struct uvs_conn *c,
		    const struct uvs_flow *f, const uint8_t *old_dst);

struct uvs_fwd {
	struct uvs_svc_table	 svcs;
	struct uvs_conn_table	 conns;
	uint8_t			 mac[6];	/* the director's */
	uint8_t			 arp_reply[UVS_ARP_FRAME_LEN];	/* template */
	/* UVS_REPLY_NA: the NS to answer (the NA is built on the link it
	   leaves by, with that link's MAC: arp/ndp.h) */
	struct uvs_fwd_ns {
		union uvs_inaddr target, src;
		uint8_t		 mac[6];	/* the asker's */
	}			 ns;
	struct uvs_fwd_stats	 stats;
	uvs_fwd_conn_hook	 on_new_conn;
	void			*hook_arg;
	/*
	 * IPVS's sloppy_tcp (off by default, as there): any TCP packet but
	 * an RST may start a flow, not only a SYN. A connection met in
	 * mid-stream, e.g. after a restart lost the table, is scheduled
	 * again; mh and sh send it back to the server that holds it.
	 */
	int			 sloppy_tcp;
	/* UVS_FORWARD: the link to send on (dest->oif); 0: the one the
	   frame came in by */
	int			 out_ifindex;
	/* UVS_FORWARD: the dest; a tunnelled one's frame is left as it
	   came, for the caller to wrap (tunnel.h) */
	const struct uvs_dest	*out_dest;
	/* the frame's vnet header, set by the caller; NULL: none */
	const struct virtio_net_hdr *rx_vnet;
	/* UVS_ICMP: an ICMP error for the frame's sender */
	uint8_t			 icmp[UVS_TUN_ICMP_MAX];
	size_t			 icmp_len;
	/* IP fragments: which real server each datagram in flight went to */
	struct uvs_frag_table	 frags;
	uint32_t		 frag_clock;	/* last expiry sweep */
	uint32_t		 frag_max;	/* --frag-max: the director's
						   copy holds it whole, each
						   worker its share */
	uint32_t		 frag_hold;
	/*
	 * --vlan: the links uvsd serves on its interface. Without a list,
	 * untagged frames only: a tagged frame answered or forwarded
	 * untagged would leak from its VLAN onto the native LAN. With one,
	 * bit VID of vlan_ok says (bit 0: untagged, or priority-tagged).
	 */
	int			 vlan_list;
	uint8_t			 vlan_ok[4096 / 8];
};

enum uvs_verdict {
	UVS_DROP,	/* counted in stats.drops */
	UVS_FORWARD,	/* frame rewritten in place: send it */
	UVS_REPLY,	/* fw->arp_reply holds an answer: send that */
	UVS_REPLY_NA,	/* fw->ns is an NS for a VIP: answer it */
	UVS_IGNORE,	/* nothing to do (e.g. ARP not for us) */
	UVS_ICMP,	/* counted in stats.drops; fw->icmp holds an ICMP
			   error for the sender: send it back */
	UVS_HOLD,	/* an early fragment, kept aside (frag.h) */
};

/* uvs_fwd_frame_vlan's vlan: a tag that came out of band, and its TCI */
#define UVS_FWD_TAGGED	0x10000u

/*
 * Decides one received frame. frame/len exclude the vnet header. now is
 * the table clock in seconds.
 */
enum uvs_verdict uvs_fwd_frame(struct uvs_fwd *fw, uint8_t *frame,
		    size_t len, uint32_t now);
/*
 * The same for a frame whose 802.1Q tag the kernel took off: vlan is
 * UVS_FWD_TAGGED | its TCI (0 for none). A frame forwarded or answered
 * must leave with that tag put back.
 */
enum uvs_verdict uvs_fwd_frame_vlan(struct uvs_fwd *fw, uint8_t *frame,
		    size_t len, uint32_t vlan, uint32_t now);

/*
 * A burst decided in stages, so that the table's cache misses of its
 * frames overlap: uvs_fwd_prepare for every frame (parse, hash, prefetch
 * the bucket), then uvs_fwd_prefetch for every frame (the entry), then
 * uvs_fwd_decide for each in order, which does what uvs_fwd_frame_vlan
 * does with the parse already made. Decisions stay exact when frames
 * of one burst create or end each other's flows: the prefetches are
 * only hints, the lookup itself happens at decision time.
 */
struct uvs_fwd_pre {
	struct uvs_pkt	 pkt;
	enum uvs_drop	 why;	/* the parser's verdict */
	uint32_t	 hash;	/* pkt.flow's conn bucket (IP, ICMP error) */
};

void	uvs_fwd_prepare(const struct uvs_fwd *fw, const uint8_t *frame,
	    size_t len, uint32_t now, struct uvs_fwd_pre *p);
void	uvs_fwd_prefetch(const struct uvs_fwd *fw,
	    const struct uvs_fwd_pre *p);
enum uvs_verdict uvs_fwd_decide(struct uvs_fwd *fw, uint8_t *frame,
	    size_t len, uint32_t vlan, const struct uvs_fwd_pre *p,
	    uint32_t now);

/*
 * After a frame was decided: the early fragments its arrival released,
 * one by one (buffer with the caller's headroom, its length and tag), to
 * be sent with the burst; NULL when none is left. uvs_fwd_burst_done
 * after the burst was sent gives their room back.
 */
uint8_t	*uvs_fwd_next_held(struct uvs_fwd *fw, size_t *len, uint16_t *tci);
void	 uvs_fwd_burst_done(struct uvs_fwd *fw);

/* Sets up fragment tracking (frag.h); 0 or -errno. */
int	 uvs_fwd_frag_init(struct uvs_fwd *fw, uint32_t max, uint32_t hold,
	    uint32_t headroom, uint32_t seed);
/*
 * Forgets every flow and fragment bound to dest (all if NULL), as the
 * control plane must before a dest or service goes.
 */
void	 uvs_fwd_flush_dest(struct uvs_fwd *fw, const struct uvs_dest *dest);
/* Serves VLAN vid (0: untagged) from now on. */
void	 uvs_fwd_serve_vlan(struct uvs_fwd *fw, unsigned vid);

#endif
