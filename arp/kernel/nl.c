/*
 * The kernel's view of the link, over rtnetlink with libmnl: the
 * director's own MAC, and its neighbour table. uvsd never resolves MACs
 * itself: it asks the kernel (NTF_USE starts or refreshes resolution, as
 * if the kernel had a packet to send there) and listens to neighbour
 * events, so the kernel's ARP timers, probes and failure detection serve
 * the director for free.
 */
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "arp/arp.h"
#include "sched/inaddr.h"
#include "arp/kernel/rtnl.h"

/* States in which the kernel trusts the entry's MAC (its NUD_VALID). */
#define NUD_USABLE	(NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | \
			 NUD_PERMANENT)

struct uvs_nl {
	struct mnl_socket	*sock;
	uvs_neigh_af_cb		 cb6;	/* IPv6 neighbours, NULL: ignored */
	void			*arg6;
	int			 links[UVS_NL_LINKS_MAX];	/* watched */
	unsigned		 nlinks;
	unsigned		 seq;
};

struct link_req {
	int		 ifindex;
	int		 have_mac;
	uint8_t		 mac[6];
};

static int
link_attr_cb(const struct nlattr *a, void *data)
{
	struct link_req *r = data;

	if (mnl_attr_get_type(a) == IFLA_ADDRESS &&
	    mnl_attr_get_payload_len(a) == 6) {
		memcpy(r->mac, mnl_attr_get_payload(a), 6);
		r->have_mac = 1;
	}
	return MNL_CB_OK;
}

static int
link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_req *r = data;
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	r->ifindex = ifi->ifi_index;
	return mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, r);
}


int
uvs_link_get(const char *ifname, int *ifindex, uint8_t mac[6])
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	struct link_req r = { 0 };
	int rc;

	if (strlen(ifname) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	if ((rc = uvs_rtnl_talk(nlh, link_cb, &r)) < 0)
		return rc;
	if (!r.have_mac)
		return -EPFNOSUPPORT;	/* not an Ethernet-like link */
	*ifindex = r.ifindex;
	memcpy(mac, r.mac, 6);
	return 0;
}

struct uvs_nl *
uvs_nl_open(void)
{
	struct uvs_nl *nl = calloc(1, sizeof(*nl));

	if (!nl)
		return NULL;
	nl->seq = (unsigned)time(NULL);
	/* routes too: a dest's egress link follows the kernel's route to it;
	   addresses: --follow-vip serves a VIP while the kernel holds it */
	if (!(nl->sock = mnl_socket_open(NETLINK_ROUTE)) ||
	    mnl_socket_bind(nl->sock, RTMGRP_NEIGH | RTMGRP_IPV4_ROUTE |
	    RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_ROUTE | RTMGRP_IPV6_IFADDR,
	    MNL_SOCKET_AUTOPID) < 0 ||
	    fcntl(mnl_socket_get_fd(nl->sock), F_SETFL, O_NONBLOCK) < 0) {
		int e = errno;

		uvs_nl_close(nl);
		errno = e;
		return NULL;
	}
	return nl;
}

void
uvs_nl_close(struct uvs_nl *nl)
{
	if (!nl)
		return;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl);
}

int
uvs_nl_fd(const struct uvs_nl *nl)
{
	return mnl_socket_get_fd(nl->sock);
}

int
uvs_nl_watch(struct uvs_nl *nl, int ifindex)
{
	if (nl->nlinks == UVS_NL_LINKS_MAX)
		return -ENOSPC;
	nl->links[nl->nlinks++] = ifindex;
	return 0;
}

static int
watched(const struct uvs_nl *nl, int ifindex)
{
	unsigned i;

	for (i = 0; i < nl->nlinks; i++)
		if (nl->links[i] == ifindex)
			return 1;
	return 0;
}

static int
nl_send(struct uvs_nl *nl, struct nlmsghdr *nlh)
{
	nlh->nlmsg_seq = ++nl->seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return 0;
}

void
uvs_nl_on_neigh6(struct uvs_nl *nl, uvs_neigh_af_cb cb, void *arg)
{
	nl->cb6 = cb;
	nl->arg6 = arg;
}

/* A neighbour's address bytes in family af: 4, 16, or 0. */
static size_t
neigh_alen(int af)
{
	return af == AF_INET ? 4 : af == AF_INET6 ? 16 : 0;
}

int
uvs_nl_resolve_af(struct uvs_nl *nl, int af, int ifindex,
    const union uvs_inaddr *addr)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ndmsg *ndm;
	size_t alen = neigh_alen(af);

	if (alen == 0)
		return -EAFNOSUPPORT;
	nlh->nlmsg_type = RTM_NEWNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = (uint8_t)af;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = NUD_NONE;
	/*
	 * NTF_USE: "use" the entry as the kernel would (neigh_event_send),
	 * which starts ARP, or for IPv6 a Neighbor Solicitation from the
	 * link's own address (ndisc_solicit).
	 */
	ndm->ndm_flags = NTF_USE;
	mnl_attr_put(nlh, NDA_DST, alen, addr->b);
	return nl_send(nl, nlh);
}

int
uvs_nl_resolve(struct uvs_nl *nl, int ifindex, uint32_t addr)
{
	union uvs_inaddr a = uvs_inaddr4(addr);

	return uvs_nl_resolve_af(nl, AF_INET, ifindex, &a);
}

int
uvs_nl_dump_af(struct uvs_nl *nl, int af)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ndmsg *ndm;

	if (neigh_alen(af) == 0)
		return -EAFNOSUPPORT;
	nlh->nlmsg_type = RTM_GETNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = (uint8_t)af;
	return nl_send(nl, nlh);
}

int
uvs_nl_dump(struct uvs_nl *nl)
{
	return uvs_nl_dump_af(nl, AF_INET);
}

struct neigh_ctx {
	struct uvs_nl	*nl;
	uvs_neigh_cb	 cb;
	void		*arg;
	int		 routes;	/* a route message came */
	int		 addrs;		/* an address message came */
};

/* What a neighbour message says, or -1 when it says nothing usable. */
static int
neigh_event(const struct nlmsghdr *nlh, const struct ndmsg *ndm,
    const uint8_t *mac)
{
	if (nlh->nlmsg_type == RTM_DELNEIGH)
		return UVS_NEIGH_GONE;
	if (ndm->ndm_state & NUD_FAILED)
		return UVS_NEIGH_FAILED;
	if (mac && (ndm->ndm_state & NUD_USABLE))
		return UVS_NEIGH_VALID;
	return -1;
}

static int
neigh_cb(const struct nlmsghdr *nlh, void *data)
{
	struct neigh_ctx *ctx = data;
	struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	struct nlattr *a;
	const uint8_t *mac = NULL;
	union uvs_inaddr addr = { .all = { 0 } };
	size_t alen;
	int have_dst = 0, ev;

	if (nlh->nlmsg_type == RTM_NEWROUTE || nlh->nlmsg_type == RTM_DELROUTE) {
		ctx->routes = 1;
		return MNL_CB_OK;
	}
	if (nlh->nlmsg_type == RTM_NEWADDR || nlh->nlmsg_type == RTM_DELADDR) {
		ctx->addrs = 1;
		return MNL_CB_OK;
	}
	if (nlh->nlmsg_type != RTM_NEWNEIGH && nlh->nlmsg_type != RTM_DELNEIGH)
		return MNL_CB_OK;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ndm)))
		return MNL_CB_OK;
	if (ndm->ndm_family == AF_INET6 && ctx->nl->cb6 == NULL)
		return MNL_CB_OK;
	if ((alen = neigh_alen(ndm->ndm_family)) == 0 ||
	    !watched(ctx->nl, ndm->ndm_ifindex))
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ndm)) {
		if (mnl_attr_get_type(a) == NDA_DST &&
		    mnl_attr_get_payload_len(a) == alen) {
			memcpy(addr.b, mnl_attr_get_payload(a), alen);
			have_dst = 1;
		} else if (mnl_attr_get_type(a) == NDA_LLADDR &&
		    mnl_attr_get_payload_len(a) == 6) {
			mac = mnl_attr_get_payload(a);
		}
	}
	if (!have_dst || (ev = neigh_event(nlh, ndm, mac)) < 0)
		return MNL_CB_OK;
	if (ev != UVS_NEIGH_VALID)
		mac = NULL;
	if (ndm->ndm_family == AF_INET6)
		ctx->nl->cb6(ctx->nl->arg6, AF_INET6, ndm->ndm_ifindex, &addr,
		    (enum uvs_neigh_event)ev, mac);
	else
		ctx->cb(ctx->arg, ndm->ndm_ifindex, addr.ip,
		    (enum uvs_neigh_event)ev, mac);
	return MNL_CB_OK;
}

int
uvs_nl_read(struct uvs_nl *nl, uvs_neigh_cb cb, void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct neigh_ctx ctx = { nl, cb, arg, 0, 0 };
	ssize_t n;

	for (;;) {
		n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (n < 0 && errno == EAGAIN && ctx.routes)
			cb(arg, 0, 0, UVS_NEIGH_ROUTES, NULL);
		if (n < 0 && errno == EAGAIN && ctx.addrs)
			cb(arg, 0, 0, UVS_NEIGH_ADDRS, NULL);
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		/* seq 0 / portid 0: accept events and our dumps alike */
		if (mnl_cb_run(buf, (size_t)n, 0, 0, neigh_cb, &ctx) < 0 &&
		    errno != ENOENT && errno != EEXIST)
			return -errno;
	}
}
