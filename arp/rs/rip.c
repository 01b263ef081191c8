/*
 * The real server's own address, put as sender in place of a VIP by
 * --arp nft: --rip, or the primary address of the interface the main
 * table routes the VIP's network through, asked of rtnetlink.
 */
#include <arpa/inet.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "arp/kernel/rtnl.h"
#include "arp/rs/rs.h"

struct route_find {
	uint32_t	dst;
	int		len;		/* longest prefix so far, -1 none */
	int		oif;
};

/* The main table's longest unicast route to f->dst names the interface. */
static int
route_msg(const struct nlmsghdr *nlh, void *data)
{
	struct route_find	*f = data;
	const struct nlattr	*a;
	const struct rtmsg	*rtm;
	uint32_t		 dst = 0, table, mask;
	int			 oif = 0;

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*rtm)))
		return MNL_CB_OK;
	rtm = mnl_nlmsg_get_payload(nlh);
	if (rtm->rtm_family != AF_INET || rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	table = rtm->rtm_table;
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			continue;
		if (mnl_attr_get_type(a) == RTA_DST)
			dst = mnl_attr_get_u32(a);
		else if (mnl_attr_get_type(a) == RTA_OIF)
			oif = (int)mnl_attr_get_u32(a);
		else if (mnl_attr_get_type(a) == RTA_TABLE)
			table = mnl_attr_get_u32(a);
	}
	mask = rtm->rtm_dst_len == 0 ? 0 :
	    htonl(~0u << (32 - rtm->rtm_dst_len));
	if (table != RT_TABLE_MAIN || oif == 0 || ((f->dst ^ dst) & mask) ||
	    rtm->rtm_dst_len <= f->len)
		return MNL_CB_OK;
	f->len = rtm->rtm_dst_len;
	f->oif = oif;
	return MNL_CB_OK;
}

struct addr_primary {
	const struct rs	*rs;
	int		 ifindex;
	uint32_t	 addr;		/* the first found, 0 none */
};

/* The interface's first primary global address that is no VIP of ours. */
static int
primary_msg(const struct nlmsghdr *nlh, void *data)
{
	struct addr_primary	*p = data;
	const struct ifaddrmsg	*ifa;
	const struct nlattr	*a;
	uint32_t		 addr = 0;
	size_t			 i;

	if (nlh->nlmsg_type != RTM_NEWADDR || p->addr != 0 ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifa)))
		return MNL_CB_OK;
	ifa = mnl_nlmsg_get_payload(nlh);
	if (ifa->ifa_family != AF_INET || (int)ifa->ifa_index != p->ifindex ||
	    (ifa->ifa_flags & IFA_F_SECONDARY) ||
	    ifa->ifa_scope != RT_SCOPE_UNIVERSE)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ifa))
		if (mnl_attr_get_type(a) == IFA_LOCAL &&
		    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			addr = mnl_attr_get_u32(a);
	for (i = 0; i < p->rs->nvip; i++)
		if (addr == p->rs->vip[i])
			return MNL_CB_OK;
	p->addr = addr;
	return MNL_CB_OK;
}

/*
 * The address this host's ARP should carry in place of vip: --rip, or
 * the primary address of the interface holding the route towards vip's
 * network (where the director and the clients are). 0 or -errno, said.
 */
int
find_rip(const struct rs *rs, uint32_t vip, uint32_t *rip)
{
	char			 buf[MNL_SOCKET_BUFFER_SIZE], ip[INET_ADDRSTRLEN];
	struct route_find	 route = { .dst = vip, .len = -1 };
	struct addr_primary	 prim = { .rs = rs };
	struct nlmsghdr		*nlh;
	struct rtmsg		*rtm;
	struct ifaddrmsg	*ifa;
	int			 rc;

	if (rs->rip != 0) {
		*rip = rs->rip;
		return 0;
	}
	nlh = mnl_nlmsg_put_header(memset(buf, 0, sizeof(buf)));
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	if ((rc = uvs_rtnl_talk(nlh, route_msg, &route)) >= 0 &&
	    route.oif == 0)
		rc = -ENETUNREACH;
	if (rc >= 0) {
		nlh = mnl_nlmsg_put_header(memset(buf, 0, sizeof(buf)));
		nlh->nlmsg_type = RTM_GETADDR;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
		ifa->ifa_family = AF_INET;
		prim.ifindex = route.oif;
		if ((rc = uvs_rtnl_talk(nlh, primary_msg, &prim)) >= 0 &&
		    prim.addr == 0)
			rc = -EADDRNOTAVAIL;
	}
	if (rc < 0) {
		fprintf(stderr, "uvs-rs: cannot tell this host's own address "
		    "on the way to %s (%s); give it: --rip ADDR\n",
		    ip_str(vip, ip), strerror(-rc));
		return rc;
	}
	*rip = prim.addr;
	return 0;
}

