/*
 * The director's decision for each frame, stage by stage in the order of
 * docs/design.md's packet path. Only the Ethernet header is ever written: DR
 * leaves the IP packet exactly as the client sent it, so the real server
 * sees the client's address and answers it directly. Nothing here
 * allocates or makes a system call.
 */
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "fwd/data/forward.h"
#include "fwd/data/icmp6.h"

static enum uvs_verdict
drop(struct uvs_fwd *fw, enum uvs_drop why)
{
	fw->stats.drops[why]++;
	return UVS_DROP;
}

/* Held fragments the tracker gave up (expired, or their entry taken). */
static void
count_frag_expired(struct uvs_fwd *fw)
{
	fw->stats.drops[UVS_DROP_FRAG_EXPIRED] = fw->frags.expired_frames;
}

/*
 * Stage 2a: "who has VIP?" gets "VIP is-at <director MAC>". A request
 * whose sender is the VIP itself is a gratuitous announcement (another
 * uvsd loading the VIP, a VRRP master taking it), not a question: the
 * kernel answers none for its own addresses (ip_route_input calls such
 * a source a martian), and directors sharing a LAN behind an ECMP router
 * would otherwise answer each other's.
 */
static enum uvs_verdict
answer_arp(struct uvs_fwd *fw, const struct uvs_pkt *pkt)
{
	union uvs_inaddr tpa = uvs_inaddr4(pkt->arp_tpa);

	if (pkt->arp_op != ARPOP_REQUEST || pkt->arp_spa == pkt->arp_tpa ||
	    !uvs_svc_is_vip(&fw->svcs, AF_INET, &tpa)) {
		fw->stats.arp_ignored++;
		return UVS_IGNORE;
	}
	/* --follow-vip: the VRRP backup keeps quiet about a VIP it lacks */
	if (uvs_svc_vip_silent(&fw->svcs, AF_INET, &tpa)) {
		fw->stats.arp_standby++;
		return UVS_IGNORE;
	}
	uvs_arp_reply_fill(fw->arp_reply, pkt->arp_tpa, pkt->arp_sha,
	    pkt->arp_spa);
	fw->stats.arp_replies++;
	return UVS_REPLY;
}

/*
 * Stage 2 for v6: a Neighbor Solicitation for one of our VIPs is
 * answered as ARP is (the caller builds the NA on its link); an NS for
 * any other address is the kernel's business.
 */
static enum uvs_verdict
answer_ns(struct uvs_fwd *fw, const uint8_t *frame, const struct uvs_pkt *pkt)
{
	if (!uvs_svc_is_vip(&fw->svcs, AF_INET6, &pkt->ns_target)) {
		fw->stats.ndp_ignored++;
		return UVS_IGNORE;
	}
	/* --follow-vip: the VRRP backup keeps quiet about a VIP it lacks */
	if (uvs_svc_vip_silent(&fw->svcs, AF_INET6, &pkt->ns_target)) {
		fw->stats.arp_standby++;
		return UVS_IGNORE;
	}
	fw->ns.target = pkt->ns_target;
	fw->ns.src = pkt->flow.caddr;
	memcpy(fw->ns.mac, pkt->ns_has_sll ? pkt->ns_sll : frame + 6, 6);
	fw->stats.ndp_replies++;
	return UVS_REPLY_NA;
}

/* IPVS schedules a TCP flow only on a bare SYN (tcp_conn_schedule). */
static int
tcp_starts_flow(uint8_t flags)
{
	return (flags & (TH_SYN | TH_ACK | TH_FIN | TH_RST)) == TH_SYN;
}

/* With sloppy_tcp, as IPVS's tcp_conn_schedule: anything but an RST. */
static int
tcp_may_start_flow(const struct uvs_fwd *fw, uint8_t flags)
{
	if (fw->sloppy_tcp)
		return !(flags & TH_RST);
	return tcp_starts_flow(flags);
}

/*
 * The service of a flow: VIP:port, else a persistent VIP:0 service that
 * takes every port (IPVS's ip_vs_service_find order).
 */
static struct uvs_svc *
flow_service(struct uvs_fwd *fw, const struct uvs_flow *f)
{
	struct uvs_svc *svc;

	svc = uvs_svc_find(&fw->svcs, f->proto, f->af, &f->vaddr, f->vport);
	if (!svc && f->vport) {
		svc = uvs_svc_find(&fw->svcs, f->proto, f->af, &f->vaddr, 0);
		if (svc && !(svc->flags & UVS_SVC_F_PERSISTENT))
			svc = NULL;
	}
	return svc;
}

/*
 * Stage 3b, persistent services (-p): the client's template names its
 * dest while it lives. As in IPVS (expire_quiescent_template = 0) a
 * quiescent dest keeps its clients; a dest that cannot be reached, or
 * that health checks took out (keepalived would have deleted it), gives
 * them up, and the template is pointed at a newly scheduled one.
 */
static struct uvs_dest *
persistent_dest(struct uvs_fwd *fw, struct uvs_svc *svc,
    const struct uvs_flow *f, uint32_t now, struct uvs_conn **tpl)
{
	struct uvs_flow key = {
		.proto = f->proto, .af = f->af,
		.caddr = uvs_svc_persist_addr(svc, &f->caddr),
		.vaddr = f->vaddr, .vport = svc->port,
	};
	struct uvs_conn *t = uvs_conn_template_lookup(&fw->conns, &key);
	struct uvs_dest *d;

	if (t && !(t->dest->flags & (UVS_DEST_F_NOHWADDR | UVS_DEST_F_OUT))) {
		*tpl = t;
		return t->dest;
	}
	if (!(d = svc->sched->schedule(svc, f)))
		return NULL;
	if (t) {
		t->dest->persistconns--;
		t->dest = d;
		d->persistconns++;
	} else {
		/* no room for a template: the flow goes on unpinned */
		t = uvs_conn_template_insert(&fw->conns, &key, d, now,
		    svc->timeout);
	}
	*tpl = t;
	return d;
}

/*
 * Stage 3b, one-packet scheduling (-o, UDP only, as IPVS's
 * IP_VS_CONN_F_ONE_PACKET): the datagram is scheduled alone and leaves
 * no flow behind. IPVS binds and at once unbinds a connection, so only
 * the Conns counters move. A persistent service still pins its client
 * through the template, but these datagrams do not re-arm it (IPVS's
 * do): it lives its timeout from when it was made or last bound a flow.
 */
static int
one_packet(const struct uvs_svc *svc, const struct uvs_flow *f)
{
	return (svc->flags & UVS_SVC_F_ONEPACKET) && f->proto == IPPROTO_UDP;
}

static struct uvs_dest *
one_packet_dest(struct uvs_fwd *fw, struct uvs_dest *dest,
    const uint8_t *frame, const struct uvs_flow *f)
{
	struct uvs_conn c = { .caddr = f->caddr.ip, .vaddr = f->vaddr.ip,
	    .cport = f->cport, .vport = f->vport, .proto = f->proto,
	    .state = UVS_UDP_NORMAL, .flags = UVS_CONN_F_INACTIVE,
	    .dest = dest };

	dest->conns++;
	dest->svc->conns++;
	fw->stats.ops_sched++;
	if (fw->on_new_conn)
		fw->on_new_conn(fw->hook_arg, &c, f, frame);
	return dest;
}

/*
 * --follow-vip: a frame to a VIP this director does not hold (VRRP
 * backup) is not forwarded, not even on a flow it knows: the master
 * serves it, and a stray copy (a flooding switch) must not reach the
 * real server twice.
 */
static int
vip_standby(const struct uvs_fwd *fw, const uint8_t *frame,
    const struct uvs_pkt *pkt)
{
	union uvs_inaddr dst = { .all = { 0 } };
	int af = pkt->af;

	if (!fw->svcs.follow)
		return 0;
	/* the packet's destination, IPv4 or IPv6 */
	if (af == AF_INET6)
		memcpy(dst.b, frame + pkt->l3_off + 24, 16);
	else
		memcpy(&dst.ip, frame + pkt->l3_off + 16, 4);
	return uvs_svc_is_vip(&fw->svcs, af, &dst) &&
	    !uvs_svc_is_held(&fw->svcs, af, &dst);
}

/* Stage 3b: a flow we have not seen: pick a dest and remember it. */
static struct uvs_dest *
new_flow(struct uvs_fwd *fw, const uint8_t *frame, const struct uvs_pkt *pkt,
    uint32_t now, enum uvs_drop *why)
{
	const struct uvs_flow *f = &pkt->flow;
	struct uvs_conn *c, *tpl = NULL;
	struct uvs_svc *svc;
	struct uvs_dest *dest;

	if (!(svc = flow_service(fw, f))) {
		*why = uvs_svc_is_vip(&fw->svcs, f->af, &f->vaddr) ?
		    UVS_DROP_NO_SVC :
		    UVS_DROP_NOT_VIP;
		return NULL;
	}
	if (f->proto == IPPROTO_TCP &&
	    !tcp_may_start_flow(fw, pkt->tcp_flags)) {
		*why = UVS_DROP_TCP_NOSYN;
		return NULL;
	}
	if (svc->flags & UVS_SVC_F_PERSISTENT)
		dest = persistent_dest(fw, svc, f, now, &tpl);
	else
		dest = svc->sched->schedule(svc, f);
	if (!dest) {
		*why = UVS_DROP_NO_DEST;
		return NULL;
	}
	if (one_packet(svc, f))
		return one_packet_dest(fw, dest, frame, f);
	if (!(c = uvs_conn_insert(&fw->conns, f, dest, now))) {
		*why = UVS_DROP_CONN_FULL;
		return NULL;
	}
	if (tpl)
		uvs_conn_template_bind(&fw->conns, tpl, c, now, svc->timeout);
	fw->stats.conns_new++;
	if (fw->on_new_conn)
		fw->on_new_conn(fw->hook_arg, c, f, frame);
	uvs_conn_update(&fw->conns, c, pkt->tcp_flags, now);
	return dest;
}

/*
 * Stage 3: find the flow, or create it; advance its state; return its
 * dest. A SYN on a flow that is closing is a client reusing its port:
 * the old entry goes and the SYN is scheduled at once, where IPVS users
 * meet a 1 s stall.
 */
static struct uvs_dest *
find_flow(struct uvs_fwd *fw, const uint8_t *frame,
    const struct uvs_fwd_pre *p, uint32_t now, enum uvs_drop *why)
{
	const struct uvs_pkt *pkt = &p->pkt;
	struct uvs_conn *c = uvs_conn_lookup_hashed(&fw->conns, &pkt->flow,
	    p->hash);

	if (c && c->proto == IPPROTO_TCP && tcp_starts_flow(pkt->tcp_flags) &&
	    uvs_tcp_state_closing(c->state)) {
		uvs_conn_remove(&fw->conns, c);
		fw->stats.conns_reused++;
		c = NULL;
	}
	if (!c)
		return new_flow(fw, frame, pkt, now, why);
	uvs_conn_update(&fw->conns, c, pkt->tcp_flags, now);
	return c->dest;
}

/*
 * Stage 4: Ethernet destination = the real server, source = us on the
 * link the kernel's route to it names (IPVS's DR xmit routes too).
 */
static void
rewrite(struct uvs_fwd *fw, uint8_t *frame, const struct uvs_dest *d)
{
	memcpy(frame, d->hwaddr, ETH_ALEN);
	memcpy(frame + ETH_ALEN, d->oif ? d->srcmac : fw->mac, ETH_ALEN);
	fw->out_ifindex = d->oif;
}

/*
 * Stage 4, tunnel mode: the frame stays as it came (the caller wraps
 * it), if it fits the route to the real server once wrapped. If not,
 * IPVS's answer: with DF, ICMP frag-needed to the client naming the
 * inner MTU; without, the outer packet goes in fragments (tunnel.c).
 */
static enum uvs_verdict
tunnel_check(struct uvs_fwd *fw, const uint8_t *frame, size_t len,
    const struct uvs_dest *d)
{
	static const struct virtio_net_hdr none;
	const struct virtio_net_hdr *vh = fw->rx_vnet ? fw->rx_vnet : &none;
	uint16_t mtu;

	switch (uvs_tun_fit(d, vh, frame, len, &mtu)) {
	case UVS_TUN_FITS:
		return UVS_FORWARD;
	case UVS_TUN_TOOBIG:
		fw->icmp_len = uvs_tun_frag_needed(fw->icmp, frame, len, mtu);
		fw->stats.drops[UVS_DROP_TUN_TOOBIG]++;
		return UVS_ICMP;
	case UVS_TUN_NEEDS_FRAG:
		return drop(fw, UVS_DROP_TUN_NOFRAG);
	default:
		return drop(fw, UVS_DROP_TUN_GSO);
	}
}

/*
 * Stage 4, Direct Routing: on a director with several links the real
 * server's may have a smaller MTU than the client's; IPVS answers a DF
 * packet that does not fit with ICMP frag-needed (ip_vs_dr_xmit), a v6
 * one with Packet Too Big (ip_vs_dr_xmit_v6).
 */
static enum uvs_verdict
dr_check(struct uvs_fwd *fw, const uint8_t *frame, size_t len,
    const struct uvs_dest *d, int af)
{
	static const struct virtio_net_hdr none;
	const struct virtio_net_hdr *vh = fw->rx_vnet ? fw->rx_vnet : &none;
	uint16_t mtu;

	/* IPv6 has no DF: every packet too big gets Packet Too Big */
	if (af == AF_INET6) {
		if (uvs_icmp6_fits(frame, len, d->mtu,
		    vh->gso_type != VIRTIO_NET_HDR_GSO_NONE))
			return UVS_FORWARD;
		fw->icmp_len = uvs_icmp6_too_big(fw->icmp, sizeof(fw->icmp),
		    frame, len, d->mtu);
		fw->stats.drops[UVS_DROP_DR_TOOBIG]++;
		return UVS_ICMP;
	}
	if (uvs_dr_fit(d, vh, frame, len, &mtu) == UVS_TUN_FITS)
		return UVS_FORWARD;
	fw->icmp_len = uvs_tun_frag_needed(fw->icmp, frame, len, mtu);
	fw->stats.drops[UVS_DROP_DR_TOOBIG]++;
	return UVS_ICMP;
}

static void
count_bytes(struct uvs_fwd *fw, struct uvs_dest *d, uint64_t bytes)
{
	d->inbytes += bytes;
	d->svc->inbytes += bytes;
	fw->stats.fwd_bytes += bytes;
}

static void
count_forward(struct uvs_fwd *fw, struct uvs_dest *d, uint32_t ip_len)
{
	d->inpkts++;
	d->svc->inpkts++;
	fw->stats.fwd_frames++;
	count_bytes(fw, d, ip_len);
}

/*
 * Stage 3c, an ICMP error (ip_vs_in_icmp): unreachable, source quench or
 * time exceeded about a reply of one of our flows goes to the real
 * server that owns the flow, so that its path-MTU discovery learns what
 * the client's path carries. An error about no flow we hold is not ours
 * (IPVS leaves it to the director's own stack; uvsd drops it).
 */
static enum uvs_verdict
icmp_error(struct uvs_fwd *fw, uint8_t *frame, const struct uvs_fwd_pre *p)
{
	const struct uvs_pkt *pkt = &p->pkt;
	struct uvs_conn *c = uvs_conn_lookup_hashed(&fw->conns, &pkt->flow,
	    p->hash);

	if (!c || (c->flags & UVS_CONN_F_TEMPLATE))
		return drop(fw, UVS_DROP_ICMP_NO_CONN);
	if (c->dest->flags & UVS_DEST_F_NOHWADDR) {
		c->dest->nomac_drops++;
		return drop(fw, UVS_DROP_DEST_NOHW);
	}
	rewrite(fw, frame, c->dest);
	count_forward(fw, c->dest, pkt->ip_len);
	fw->stats.icmp_fwd++;
	return UVS_FORWARD;
}

/*
 * Stage 3d, a later fragment (no ports): it goes where its datagram's
 * first fragment went. One that comes first is held until then; if the
 * first was dropped, so is the rest, for the same reason.
 */
static enum uvs_verdict
later_fragment(struct uvs_fwd *fw, uint8_t *frame, size_t len,
    const struct uvs_pkt *pkt, uint16_t tci, uint32_t now)
{
	struct uvs_frag *e = uvs_frag_lookup(&fw->frags, pkt);
	struct uvs_dest *d;
	enum uvs_drop why;

	if (!e && !(e = uvs_frag_add(&fw->frags, pkt, now,
	    UVS_FRAG_TIMEOUT)))
		return drop(fw, UVS_DROP_FRAG_NOROOM);
	count_frag_expired(fw);
	switch (e->state) {
	case UVS_FRAG_FWD:
		d = e->dest;
		if (d->flags & UVS_DEST_F_NOHWADDR) {
			d->nomac_drops++;
			return drop(fw, UVS_DROP_DEST_NOHW);
		}
		(void)uvs_frag_account(&fw->frags, e, pkt);
		rewrite(fw, frame, d);
		fw->stats.fwd_frames++;
		fw->stats.frags_fwd++;
		count_bytes(fw, d, pkt->frag_len);
		return UVS_FORWARD;
	case UVS_FRAG_DROP:
		why = (enum uvs_drop)e->why;
		(void)uvs_frag_account(&fw->frags, e, pkt);
		return drop(fw, why);
	default:
		if (uvs_frag_hold(&fw->frags, e, frame, len, tci) < 0)
			return drop(fw, UVS_DROP_FRAG_NOROOM);
		(void)uvs_frag_account(&fw->frags, e, pkt);
		fw->stats.frags_held++;
		return UVS_HOLD;
	}
}

/*
 * A first fragment was placed (d) or dropped (d NULL, for why): its
 * datagram's entry says so to the fragments still to come, and the
 * fragments that came before it follow it now.
 */
static void
first_fragment(struct uvs_fwd *fw, const struct uvs_pkt *pkt,
    struct uvs_dest *d, enum uvs_drop why, uint32_t now)
{
	struct uvs_frag *e = uvs_frag_lookup(&fw->frags, pkt);
	uint64_t bytes = 0;
	unsigned n;

	if (!e && !(e = uvs_frag_add(&fw->frags, pkt, now,
	    UVS_FRAG_TIMEOUT)))
		return;		/* no table: later fragments are dropped */
	count_frag_expired(fw);
	if (e->state == UVS_FRAG_WAIT) {
		if (d) {
			e->state = UVS_FRAG_FWD;
			e->dest = d;
			n = uvs_frag_release(&fw->frags, e, d->hwaddr,
			    fw->mac, &bytes);
			fw->stats.fwd_frames += n;
			fw->stats.frags_fwd += n;
			count_bytes(fw, d, bytes);
		} else {
			e->state = UVS_FRAG_DROP;
			e->why = (uint8_t)why;
			fw->stats.drops[why] += uvs_frag_drop_held(&fw->frags,
			    e);
		}
	}
	(void)uvs_frag_account(&fw->frags, e, pkt);
}

/* An unserved VLAN's frames are not ours to answer or forward. */
static int
vlan_served(const struct uvs_fwd *fw, uint32_t vlan,
    const struct uvs_pkt *pkt)
{
	unsigned vid = 0;

	if (vlan & UVS_FWD_TAGGED)
		vid = vlan & UVS_VLAN_VID;
	else if (pkt->vlan_inline)
		vid = pkt->vlan_tci & UVS_VLAN_VID;
	if (!fw->vlan_list)
		return vid == 0;
	return fw->vlan_ok[vid / 8] >> (vid % 8) & 1;
}

/* Stages 3 to 5 for a TCP/UDP packet or a datagram's first fragment. */
static enum uvs_verdict
flow_packet(struct uvs_fwd *fw, uint8_t *frame, size_t len,
    const struct uvs_fwd_pre *p, uint32_t now)
{
	const struct uvs_pkt *pkt = &p->pkt;
	enum uvs_verdict v;
	struct uvs_dest *d;
	enum uvs_drop why = UVS_DROP_NONE;

	/* Stage 3: flow */
	d = find_flow(fw, frame, p, now, &why);
	/* Stage 4: is the dest reachable on the link? */
	if (d && (d->flags & UVS_DEST_F_NOHWADDR)) {
		d->nomac_drops++;
		d = NULL;
		why = UVS_DROP_DEST_NOHW;
	}
	if (pkt->frag)
		first_fragment(fw, pkt, d, why, now);
	if (!d)
		return drop(fw, why);
	/* Stage 5: rewrite, or leave it to be wrapped; the caller sends */
	fw->out_dest = d;
	if (d->fwd == UVS_FWD_TUNNEL) {
		if ((v = tunnel_check(fw, frame, len, d)) != UVS_FORWARD)
			return v;
		fw->out_ifindex = d->oif;
	} else {
		if ((v = dr_check(fw, frame, len, d, pkt->flow.af)) !=
		    UVS_FORWARD)
			return v;
		rewrite(fw, frame, d);
	}
	count_forward(fw, d, pkt->ip_len);
	if (pkt->frag)
		fw->stats.frags_fwd++;
	return UVS_FORWARD;
}

/*
 * Stage 1, ahead of the decision: parse, and for a packet of a flow
 * hash its key and start loading its bucket. Nothing here depends on
 * the table's state, so a whole burst can be parsed first.
 */
void
uvs_fwd_prepare(const struct uvs_fwd *fw, const uint8_t *frame, size_t len,
    uint32_t now, struct uvs_fwd_pre *p)
{
	memset(&p->pkt, 0, sizeof(p->pkt));
	p->pkt.flow.now = now;
	p->hash = 0;
	p->why = uvs_parse_frame(frame, len, &p->pkt);
	if (p->why != UVS_DROP_NONE || (p->pkt.kind != UVS_PKT_IP &&
	    p->pkt.kind != UVS_PKT_ICMP_ERR))
		return;
	p->hash = uvs_conn_hash(&fw->conns, &p->pkt.flow);
	uvs_conn_prefetch_bucket(&fw->conns, p->hash);
}

void
uvs_fwd_prefetch(const struct uvs_fwd *fw, const struct uvs_fwd_pre *p)
{
	if (p->why == UVS_DROP_NONE && (p->pkt.kind == UVS_PKT_IP ||
	    p->pkt.kind == UVS_PKT_ICMP_ERR))
		uvs_conn_prefetch_entry(&fw->conns, p->hash);
}

enum uvs_verdict
uvs_fwd_decide(struct uvs_fwd *fw, uint8_t *frame, size_t len,
    uint32_t vlan, const struct uvs_fwd_pre *p, uint32_t now)
{
	fw->stats.rx_frames++;
	if (fw->frag_clock != now) {
		fw->frag_clock = now;
		(void)uvs_frag_expire(&fw->frags, now);
		count_frag_expired(fw);
	}
	if (p->why != UVS_DROP_NONE)
		return drop(fw, p->why);
	if (!vlan_served(fw, vlan, &p->pkt))
		return drop(fw, UVS_DROP_VLAN);
	/* Stage 2: ARP */
	if (p->pkt.kind == UVS_PKT_ARP)
		return answer_arp(fw, &p->pkt);
	if (p->pkt.kind == UVS_PKT_NS)
		return answer_ns(fw, frame, &p->pkt);
	if (vip_standby(fw, frame, &p->pkt))
		return drop(fw, UVS_DROP_VIP_STANDBY);
	if (p->pkt.kind == UVS_PKT_ICMP_ERR)
		return icmp_error(fw, frame, p);
	if (p->pkt.kind == UVS_PKT_FRAG)
		return later_fragment(fw, frame, len, &p->pkt,
		    (uint16_t)(vlan & 0xffff), now);
	return flow_packet(fw, frame, len, p, now);
}

enum uvs_verdict
uvs_fwd_frame_vlan(struct uvs_fwd *fw, uint8_t *frame, size_t len,
    uint32_t vlan, uint32_t now)
{
	struct uvs_fwd_pre p;

	uvs_fwd_prepare(fw, frame, len, now, &p);
	return uvs_fwd_decide(fw, frame, len, vlan, &p, now);
}

enum uvs_verdict
uvs_fwd_frame(struct uvs_fwd *fw, uint8_t *frame, size_t len, uint32_t now)
{
	return uvs_fwd_frame_vlan(fw, frame, len, 0, now);
}

uint8_t *
uvs_fwd_next_held(struct uvs_fwd *fw, size_t *len, uint16_t *tci)
{
	return uvs_frag_next_ready(&fw->frags, len, tci);
}

void
uvs_fwd_burst_done(struct uvs_fwd *fw)
{
	uvs_frag_sent(&fw->frags);
}

int
uvs_fwd_frag_init(struct uvs_fwd *fw, uint32_t max, uint32_t hold,
    uint32_t headroom, uint32_t seed)
{
	return uvs_frag_init(&fw->frags, max, hold, headroom, seed);
}

void
uvs_fwd_flush_dest(struct uvs_fwd *fw, const struct uvs_dest *dest)
{
	uvs_conn_flush_dest(&fw->conns, dest);
	uvs_frag_flush_dest(&fw->frags, dest);
}

void
uvs_fwd_serve_vlan(struct uvs_fwd *fw, unsigned vid)
{
	if (vid > UVS_VLAN_VID)
		return;
	fw->vlan_list = 1;
	fw->vlan_ok[vid / 8] |= (uint8_t)(1u << (vid % 8));
}
