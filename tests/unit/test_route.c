/*
 * Route answers (arp/kernel/route.c: uvs_route_parse) fed canned
 * RTM_NEWROUTE messages, as `ip route get` would receive them: on-link,
 * via a gateway, with an MTU metric, and the answers that name no link
 * (unreachable, blackhole) or are no IPv4 route at all; and the IPv6
 * answers `ip -6 route get` receives, with 16-byte addresses, where a
 * 4-byte gateway is no address at all.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <cmocka.h>

#include "arp/kernel/route.h"

static uint32_t
ip(const char *s)
{
	uint32_t a;

	inet_pton(AF_INET, s, &a);
	return a;
}

/* An answer to RTM_GETROUTE: type, oif (0: none), gateway, mtu. */
static struct nlmsghdr *
answer(char *buf, uint8_t family, uint8_t type, int oif, const char *gw,
    uint32_t mtu)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	struct nlattr *m;

	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = family;
	rtm->rtm_dst_len = 32;
	rtm->rtm_type = type;
	mnl_attr_put_u32(nlh, RTA_DST, ip("198.19.0.2"));
	if (oif)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)oif);
	if (gw)
		mnl_attr_put_u32(nlh, RTA_GATEWAY, ip(gw));
	mnl_attr_put_u32(nlh, RTA_PREFSRC, ip("198.19.0.1"));
	if (mtu) {
		m = mnl_attr_nest_start(nlh, RTA_METRICS);
		mnl_attr_put_u32(nlh, RTAX_MTU, mtu);
		mnl_attr_nest_end(nlh, m);
	}
	return nlh;
}

static void
on_link(void **state)
{
	char buf[512];
	struct uvs_route r;

	(void)state;
	assert_int_equal(uvs_route_parse(answer(buf, AF_INET, RTN_UNICAST, 7,
	    NULL, 0), &r), 0);
	assert_int_equal(r.oif, 7);
	assert_int_equal(r.gateway.ip, 0);
	assert_int_equal(r.prefsrc.ip, ip("198.19.0.1"));
	assert_int_equal(r.mtu, 0);
	assert_int_equal(r.type, RTN_UNICAST);
}

static void
via_gateway_with_mtu(void **state)
{
	char buf[512];
	struct uvs_route r;

	(void)state;
	assert_int_equal(uvs_route_parse(answer(buf, AF_INET, RTN_UNICAST, 3,
	    "198.18.0.254", 1400), &r), 0);
	assert_int_equal(r.oif, 3);
	assert_int_equal(r.gateway.ip, ip("198.18.0.254"));
	assert_int_equal(r.mtu, 1400);
}

static void
no_link(void **state)
{
	char buf[512];
	struct uvs_route r;

	(void)state;
	assert_int_equal(uvs_route_parse(answer(buf, AF_INET,
	    RTN_UNREACHABLE, 0, NULL, 0), &r), -ENETUNREACH);
	assert_int_equal(uvs_route_parse(answer(buf, AF_INET,
	    RTN_BLACKHOLE, 1, NULL, 0), &r), -ENETUNREACH);
	/* a unicast answer without RTA_OIF is no use either */
	assert_int_equal(uvs_route_parse(answer(buf, AF_INET, RTN_UNICAST, 0,
	    NULL, 0), &r), -ENETUNREACH);
}

static void
not_an_ipv4_route(void **state)
{
	char buf[512];
	struct uvs_route r;
	struct nlmsghdr *nlh;

	(void)state;
	assert_int_equal(uvs_route_parse(answer(buf, AF_INET6, RTN_UNICAST, 2,
	    NULL, 0), &r), -EINVAL);
	nlh = answer(buf, AF_INET, RTN_UNICAST, 2, NULL, 0);
	nlh->nlmsg_type = RTM_NEWNEIGH;
	assert_int_equal(uvs_route_parse(nlh, &r), -EINVAL);
	/* shorter than its rtmsg */
	nlh = answer(buf, AF_INET, RTN_UNICAST, 2, NULL, 0);
	nlh->nlmsg_len = sizeof(*nlh) + 4;
	assert_int_equal(uvs_route_parse(nlh, &r), -EINVAL);
}

static void
bad_attribute_lengths_ignored(void **state)
{
	char buf[512];
	struct uvs_route r;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	uint16_t two = 2;

	(void)state;
	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_OIF, sizeof(two), &two);	/* 2 bytes, not 4 */
	assert_int_equal(uvs_route_parse(nlh, &r), -ENETUNREACH);
}

static void
ip6(const char *s, uint8_t out[16])
{
	inet_pton(AF_INET6, s, out);
}

/* An IPv6 answer: oif, gateway (NULL: on-link), mtu, prefsrc. */
static struct nlmsghdr *
answer6(char *buf, uint8_t type, int oif, const char *gw, uint32_t mtu)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	struct nlattr *m;
	uint8_t a[16];

	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET6;
	rtm->rtm_dst_len = 128;
	rtm->rtm_type = type;
	ip6("2001:db8::11", a);
	mnl_attr_put(nlh, RTA_DST, 16, a);
	if (oif)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)oif);
	if (gw) {
		ip6(gw, a);
		mnl_attr_put(nlh, RTA_GATEWAY, 16, a);
	}
	ip6("2001:db8::2", a);
	mnl_attr_put(nlh, RTA_PREFSRC, 16, a);
	if (mtu) {
		m = mnl_attr_nest_start(nlh, RTA_METRICS);
		mnl_attr_put_u32(nlh, RTAX_MTU, mtu);
		mnl_attr_nest_end(nlh, m);
	}
	return nlh;
}

static void
v6_on_link(void **state)
{
	char buf[512];
	struct uvs_route r;
	uint8_t src[16], zero[16] = { 0 };

	(void)state;
	assert_int_equal(uvs_route_parse_af(AF_INET6, answer6(buf,
	    RTN_UNICAST, 4, NULL, 0), &r), 0);
	assert_int_equal(r.af, AF_INET6);
	assert_int_equal(r.oif, 4);
	assert_memory_equal(r.gateway.b, zero, 16);
	ip6("2001:db8::2", src);
	assert_memory_equal(r.prefsrc.b, src, 16);
}

static void
v6_via_gateway_with_mtu(void **state)
{
	char buf[512];
	struct uvs_route r;
	uint8_t gw[16];

	(void)state;
	assert_int_equal(uvs_route_parse_af(AF_INET6, answer6(buf,
	    RTN_UNICAST, 5, "fe80::1", 1280), &r), 0);
	ip6("fe80::1", gw);
	assert_memory_equal(r.gateway.b, gw, 16);
	assert_int_equal(r.mtu, 1280);
	/* the same message is no IPv4 route, and no IPv6 route is IPv4 */
	assert_int_equal(uvs_route_parse(answer6(buf, RTN_UNICAST, 5, NULL,
	    0), &r), -EINVAL);
	assert_int_equal(uvs_route_parse_af(AF_INET6, answer(buf, AF_INET,
	    RTN_UNICAST, 2, NULL, 0), &r), -EINVAL);
	assert_int_equal(uvs_route_parse_af(AF_UNIX, answer6(buf,
	    RTN_UNICAST, 5, NULL, 0), &r), -EINVAL);
}

static void
v6_short_gateway_ignored(void **state)
{
	char buf[512];
	struct uvs_route r;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	uint8_t zero[16] = { 0 };

	(void)state;
	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET6;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_OIF, 9);
	mnl_attr_put_u32(nlh, RTA_GATEWAY, ip("198.18.0.1"));	/* 4 bytes */
	assert_int_equal(uvs_route_parse_af(AF_INET6, nlh, &r), 0);
	assert_memory_equal(r.gateway.b, zero, 16);
	assert_int_equal(uvs_route_parse_af(AF_INET6, answer6(buf,
	    RTN_UNREACHABLE, 0, NULL, 0), &r), -ENETUNREACH);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(on_link),
		cmocka_unit_test(via_gateway_with_mtu),
		cmocka_unit_test(no_link),
		cmocka_unit_test(not_an_ipv4_route),
		cmocka_unit_test(bad_attribute_lengths_ignored),
		cmocka_unit_test(v6_on_link),
		cmocka_unit_test(v6_via_gateway_with_mtu),
		cmocka_unit_test(v6_short_gateway_ignored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
