/*
 * Route lookups over rtnetlink: RTM_GETROUTE for one IPv4 or IPv6
 * address, the question `ip route get ADDR` asks. The answer's RTA_OIF is the link a
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
	size_t			 alen;	/* 4 or 16: the family's address */
};

/* An address attribute of the route's family, or nothing. */
static void
route_addr(const struct nlattr *a, size_t alen, union uvs_inaddr *out)
{
	if (mnl_attr_get_payload_len(a) == alen)
		memcpy(out->b, mnl_attr_get_payload(a), alen);
}

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
		route_addr(a, ctx->alen, &ctx->r->gateway);
		break;
	case RTA_PREFSRC:
		route_addr(a, ctx->alen, &ctx->r->prefsrc);
		break;
	case RTA_METRICS:
		(void)mnl_attr_parse_nested(a, metrics_cb, ctx->r);
		break;
	}
	return MNL_CB_OK;
}

/* 4 or 16 bytes; 0 for a family routes are not asked for here. */
static size_t
route_alen(int af)
{
	return af == AF_INET ? 4 : af == AF_INET6 ? 16 : 0;
}

int
uvs_route_parse_af(int af, const struct nlmsghdr *nlh, struct uvs_route *r)
{
	struct parse_ctx ctx = { r, 0, route_alen(af) };
	const struct rtmsg *rtm;

	memset(r, 0, sizeof(*r));
	if (ctx.alen == 0 || nlh->nlmsg_type != RTM_NEWROUTE ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*rtm)))
		return -EINVAL;
	rtm = mnl_nlmsg_get_payload(nlh);
	if (rtm->rtm_family != af)
		return -EINVAL;
	r->af = af;
	r->type = rtm->rtm_type;
	if (mnl_attr_parse(nlh, sizeof(*rtm), route_attr_cb, &ctx) < 0)
		return -EINVAL;
	if (rtm->rtm_type != RTN_UNICAST && rtm->rtm_type != RTN_LOCAL)
		return -ENETUNREACH;
	return ctx.have_oif ? 0 : -ENETUNREACH;
}

int
uvs_route_parse(const struct nlmsghdr *nlh, struct uvs_route *r)
{
	return uvs_route_parse_af(AF_INET, nlh, r);
}

struct get_ctx {
	int			 af;
	struct uvs_route	*r;
	int			 rc;
};

static int
get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct get_ctx *g = data;

	g->rc = uvs_route_parse_af(g->af, nlh, g->r);
	return MNL_CB_OK;
}

int
uvs_route_get_af(int af, const union uvs_inaddr *dst, struct uvs_route *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct get_ctx g = { af, r, -ENETUNREACH };
	struct rtmsg *rtm;
	size_t alen = route_alen(af);
	int rc;

	if (alen == 0)
		return -EAFNOSUPPORT;
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)af;
	rtm->rtm_dst_len = (unsigned char)(alen * 8);
	mnl_attr_put(nlh, RTA_DST, alen, dst->b);
	if ((rc = uvs_rtnl_talk(nlh, get_cb, &g)) < 0)
		return rc;
	return g.rc;
}

int
uvs_route_get(uint32_t dst, struct uvs_route *r)
{
	union uvs_inaddr a = uvs_inaddr4(dst);

	return uvs_route_get_af(AF_INET, &a, r);
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
