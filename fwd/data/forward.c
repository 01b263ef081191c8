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

static enum uvs_verdict
drop(struct uvs_fwd *fw, enum uvs_drop why)
{
	fw->stats.drops[why]++;
	return UVS_DROP;
}

/* Stage 2a: "who has VIP?" gets "VIP is-at <director MAC>". */
static enum uvs_verdict
answer_arp(struct uvs_fwd *fw, const struct uvs_pkt *pkt)
{
	if (pkt->arp_op != ARPOP_REQUEST ||
	    !uvs_svc_is_vip(&fw->svcs, pkt->arp_tpa)) {
		fw->stats.arp_ignored++;
		return UVS_IGNORE;
	}
	uvs_arp_reply_fill(fw->arp_reply, pkt->arp_tpa, pkt->arp_sha,
	    pkt->arp_spa);
	fw->stats.arp_replies++;
	return UVS_REPLY;
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

	svc = uvs_svc_find(&fw->svcs, f->proto, f->vaddr, f->vport);
	if (!svc && f->vport) {
		svc = uvs_svc_find(&fw->svcs, f->proto, f->vaddr, 0);
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
		.proto = f->proto, .caddr = f->caddr & svc->netmask,
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

/* Stage 3b: a flow we have not seen: pick a dest and remember it. */
static struct uvs_conn *
new_flow(struct uvs_fwd *fw, const uint8_t *frame, const struct uvs_pkt *pkt,
    uint32_t now, enum uvs_drop *why)
{
	const struct uvs_flow *f = &pkt->flow;
	struct uvs_conn *c, *tpl = NULL;
	struct uvs_svc *svc;
	struct uvs_dest *dest;

	if (!(svc = flow_service(fw, f))) {
		*why = uvs_svc_is_vip(&fw->svcs, f->vaddr) ? UVS_DROP_NO_SVC :
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
	if (!(c = uvs_conn_insert(&fw->conns, f, dest, now))) {
		*why = UVS_DROP_CONN_FULL;
		return NULL;
	}
	if (tpl)
		uvs_conn_template_bind(&fw->conns, tpl, c, now, svc->timeout);
	fw->stats.conns_new++;
	if (fw->on_new_conn)
		fw->on_new_conn(fw->hook_arg, c, frame);
	return c;
}

/*
 * Stage 3: find the flow, or create it; advance its state. A SYN on a
 * flow that is closing is a client reusing its port: the old entry goes
 * and the SYN is scheduled at once, where IPVS users meet a 1 s stall.
 */
static struct uvs_conn *
find_flow(struct uvs_fwd *fw, const uint8_t *frame, const struct uvs_pkt *pkt,
    uint32_t now, enum uvs_drop *why)
{
	struct uvs_conn *c = uvs_conn_lookup(&fw->conns, &pkt->flow);

	if (c && c->proto == IPPROTO_TCP && tcp_starts_flow(pkt->tcp_flags) &&
	    uvs_tcp_state_closing(c->state)) {
		uvs_conn_remove(&fw->conns, c);
		fw->stats.conns_reused++;
		c = NULL;
	}
	if (!c && !(c = new_flow(fw, frame, pkt, now, why)))
		return NULL;
	uvs_conn_update(&fw->conns, c, pkt->tcp_flags, now);
	return c;
}

/* Stage 4: Ethernet destination = the real server, source = us. */
static void
rewrite(struct uvs_fwd *fw, uint8_t *frame, const struct uvs_dest *d)
{
	memcpy(frame, d->hwaddr, ETH_ALEN);
	memcpy(frame + ETH_ALEN, fw->mac, ETH_ALEN);
}

static void
count_forward(struct uvs_fwd *fw, struct uvs_dest *d, uint16_t ip_len)
{
	d->inpkts++;
	d->inbytes += ip_len;
	d->svc->inpkts++;
	d->svc->inbytes += ip_len;
	fw->stats.fwd_frames++;
	fw->stats.fwd_bytes += ip_len;
}

enum uvs_verdict
uvs_fwd_frame(struct uvs_fwd *fw, uint8_t *frame, size_t len, uint32_t now)
{
	struct uvs_pkt pkt = { .flow.now = now };
	struct uvs_conn *c;
	enum uvs_drop why;

	fw->stats.rx_frames++;
	/* Stage 1: parse */
	if ((why = uvs_parse_frame(frame, len, &pkt)) != UVS_DROP_NONE)
		return drop(fw, why);
	/* Stage 2: ARP */
	if (pkt.kind == UVS_PKT_ARP)
		return answer_arp(fw, &pkt);
	/* Stage 3: flow */
	if (!(c = find_flow(fw, frame, &pkt, now, &why)))
		return drop(fw, why);
	/* Stage 4: is the dest reachable on the link? */
	if (c->dest->flags & UVS_DEST_F_NOHWADDR) {
		c->dest->nomac_drops++;
		return drop(fw, UVS_DROP_DEST_NOHW);
	}
	/* Stage 5: rewrite; the caller sends */
	rewrite(fw, frame, c->dest);
	count_forward(fw, c->dest, pkt.ip_len);
	return UVS_FORWARD;
}
