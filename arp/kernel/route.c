/*
 * Route lookups over rtnetlink: RTM_GETROUTE for one IPv4 address, the
 * question `ip route get ADDR` asks. The answer's RTA_OIF is the link a
 * frame for ADDR leaves by, RTA_GATEWAY the next hop when the address is
 * not on that link. Parsing is split from the exchange so that tests can
 * feed it canned messages.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "arp/kernel/route.h"
#include "arp/kernel/rtnl.h"

struct parse_ctx {
	struct uvs_route	*r;
	int			 have_oif;
};

static int
metrics_cb(const struct nlattr *a, void *data)
{
	struct uvs_route *r = data;

	if (mnl_attr_get_type(a) == RTAX_MTU &&
	    mnl_attr_get_payload_len(a) == 4)
		r->mtu = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static int
route_attr_cb(const struct nlattr *a, void *data)
{
	struct parse_ctx *ctx = data;
	uint16_t len = mnl_attr_get_payload_len(a);

	switch (mnl_attr_get_type(a)) {
	case RTA_OIF:
		if (len == 4) {
			ctx->r->oif = (int)mnl_attr_get_u32(a);
			ctx->have_oif = 1;
		}
		break;
	case RTA_GATEWAY:
		if (len == 4)
			ctx->r->gateway = mnl_attr_get_u32(a);
		break;
	case RTA_PREFSRC:
		if (len == 4)
			ctx->r->prefsrc = mnl_attr_get_u32(a);
		break;
	case RTA_METRICS:
		(void)mnl_attr_parse_nested(a, metrics_cb, ctx->r);
		break;
	}
	return MNL_CB_OK;
}

int
uvs_route_parse(const struct nlmsghdr *nlh, struct uvs_route *r)
{
	struct parse_ctx ctx = { r, 0 };
	const struct rtmsg *rtm;

	memset(r, 0, sizeof(*r));
	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*rtm)))
		return -EINVAL;
	rtm = mnl_nlmsg_get_payload(nlh);
	if (rtm->rtm_family != AF_INET)
		return -EINVAL;
	r->type = rtm->rtm_type;
	if (mnl_attr_parse(nlh, sizeof(*rtm), route_attr_cb, &ctx) < 0)
		return -EINVAL;
	if (rtm->rtm_type != RTN_UNICAST && rtm->rtm_type != RTN_LOCAL)
		return -ENETUNREACH;
	return ctx.have_oif ? 0 : -ENETUNREACH;
}

struct get_ctx {
	struct uvs_route	*r;
	int			 rc;
};

static int
get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct get_ctx *g = data;

	g->rc = uvs_route_parse(nlh, g->r);
	return MNL_CB_OK;
}

int
uvs_route_get(uint32_t dst, struct uvs_route *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct get_ctx g = { r, -ENETUNREACH };
	struct rtmsg *rtm;
	int rc;

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 32;
	mnl_attr_put_u32(nlh, RTA_DST, dst);
	if ((rc = uvs_rtnl_talk(nlh, get_cb, &g)) < 0)
		return rc;
	return g.rc;
}

static int
mtu_attr_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == IFLA_MTU &&
	    mnl_attr_get_payload_len(a) == 4)
		*(uint32_t *)data = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static int
mtu_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct ifinfomsg), mtu_attr_cb,
	    data);
}

int
uvs_link_mtu(int ifindex, uint32_t *mtu)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	int rc;

	*mtu = 0;
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if ((rc = uvs_rtnl_talk(nlh, mtu_cb, mtu)) < 0)
		return rc;
	return *mtu ? 0 : -ENODATA;
}
