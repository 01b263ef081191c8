/*
 * IPv4 addresses on the kernel's interfaces over rtnetlink, with libmnl:
 * RTM_NEWADDR / RTM_DELADDR with an ack, RTM_GETADDR as a dump. Each call
 * opens its own socket, sends one request and reads until the kernel says
 * done, so calls share no state and a caller needs no setup. Failures come
 * back as the -errno the kernel put in its NLMSG_ERROR.
 */
#include <sys/socket.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>

#include "arp/kernel/addr.h"
#include "arp/kernel/rtnl.h"

/* A request is a header, an ifaddrmsg and two u32 attributes. */
#define REQ_SIZE	256

/* RTM_NEWADDR or RTM_DELADDR of addr/prefixlen on ifindex, acked. */
static int
addr_change(uint16_t type, uint16_t flags, int ifindex, uint32_t addr,
    uint8_t prefixlen)
{
	char			 buf[REQ_SIZE];
	struct nlmsghdr		*nlh;
	struct ifaddrmsg	*ifa;

	if (ifindex <= 0 || prefixlen > 32)
		return -EINVAL;
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = prefixlen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	/* LOCAL is the address itself; ADDRESS equal to it means "no peer". */
	mnl_attr_put_u32(nlh, IFA_LOCAL, addr);
	mnl_attr_put_u32(nlh, IFA_ADDRESS, addr);
	return uvs_rtnl_talk(nlh, NULL, NULL);
}

int
uvs_addr_add(int ifindex, uint32_t addr, uint8_t prefixlen)
{
	/* EXCL makes an address already there -EEXIST instead of success. */
	return addr_change(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifindex,
	    addr, prefixlen);
}

int
uvs_addr_del(int ifindex, uint32_t addr, uint8_t prefixlen)
{
	return addr_change(RTM_DELADDR, 0, ifindex, addr, prefixlen);
}

static int
addr_find_attr(const struct nlattr *attr, void *data)
{
	const struct nlattr	**tb = data;
	int			  type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, IFA_MAX) < 0)
		return MNL_CB_OK;	/* newer kernel, newer attribute */
	if ((type == IFA_LOCAL || type == IFA_ADDRESS) &&
	    mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return MNL_CB_ERROR;
	tb[type] = attr;
	return MNL_CB_OK;
}

/* What addr_walk calls for each IPv4 address the kernel dumps. */
typedef void (*addr_visit_fn)(void *arg, int ifindex, uint32_t addr,
    uint8_t prefixlen);

struct addr_walker {
	addr_visit_fn	 visit;
	void		*arg;
};

static int
addr_walk_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr	*tb[IFA_MAX + 1] = { NULL };
	const struct nlattr	*local;
	struct addr_walker	*w = data;
	struct ifaddrmsg	*ifa;

	if (nlh->nlmsg_type != RTM_NEWADDR)
		return MNL_CB_OK;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifa))) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	ifa = mnl_nlmsg_get_payload(nlh);
	if (ifa->ifa_family != AF_INET)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*ifa), addr_find_attr, tb) < 0)
		return MNL_CB_ERROR;
	/* Point-to-point links carry the peer in ADDRESS, ours in LOCAL. */
	if ((local = tb[IFA_LOCAL]) == NULL)
		local = tb[IFA_ADDRESS];
	if (local != NULL)
		w->visit(w->arg, (int)ifa->ifa_index, mnl_attr_get_u32(local),
		    ifa->ifa_prefixlen);
	return MNL_CB_OK;
}

/*
 * One RTM_GETADDR dump of the IPv4 addresses, each handed to visit. The
 * kernel never puts more than 32 KB into one dump message
 * (netlink_recvmsg caps max_recvmsg_len), so rtnl's buffer never
 * truncates one.
 */
static int
addr_walk(addr_visit_fn visit, void *arg)
{
	char			 buf[REQ_SIZE];
	struct nlmsghdr		*nlh;
	struct ifaddrmsg	*ifa;
	struct addr_walker	 w = { .visit = visit, .arg = arg };

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	return uvs_rtnl_talk(nlh, addr_walk_msg, &w);
}

struct addr_find {
	uint32_t	addr;
	int		ifindex;	/* lowest ifindex holding addr, or 0 */
	uint8_t		prefixlen;
};

static void
addr_find_visit(void *arg, int ifindex, uint32_t addr, uint8_t prefixlen)
{
	struct addr_find	*find = arg;

	if (addr != find->addr)
		return;
	/* The dump order is the kernel's; the lowest index (lo) is stable. */
	if (find->ifindex == 0 || ifindex < find->ifindex) {
		find->ifindex = ifindex;
		find->prefixlen = prefixlen;
	}
}

int
uvs_addr_lookup(uint32_t addr, uint8_t *prefixlen)
{
	struct addr_find	 find = { .addr = addr };
	int			 rc;

	if ((rc = addr_walk(addr_find_visit, &find)) < 0)
		return rc;
	if (find.ifindex > 0 && prefixlen != NULL)
		*prefixlen = find.prefixlen;
	return find.ifindex;
}

struct addr_all {
	uint32_t	*out;
	unsigned	 max;
	unsigned	 n;	/* every address, also past max */
};

static void
addr_all_visit(void *arg, int ifindex, uint32_t addr, uint8_t prefixlen)
{
	struct addr_all		*all = arg;

	(void)ifindex;
	(void)prefixlen;
	if (all->n < all->max)
		all->out[all->n] = addr;
	all->n++;
}

int
uvs_addr_list(uint32_t *out, unsigned max)
{
	struct addr_all		 all = { .out = out, .max = max };
	int			 rc;

	if ((rc = addr_walk(addr_all_visit, &all)) < 0)
		return rc;
	return (int)all.n;
}
