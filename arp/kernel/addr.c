/*
 * IPv4 and IPv6 addresses on the kernel's interfaces over rtnetlink, with
 * libmnl: RTM_NEWADDR / RTM_DELADDR with an ack, RTM_GETADDR as a dump.
 * Each call opens its own socket, sends one request and reads until the
 * kernel says done, so calls share no state and a caller needs no setup.
 * Failures come back as the -errno the kernel put in its NLMSG_ERROR.
 * The family decides only the address's length (4 or 16 bytes) and the
 * longest prefix; the messages are the same.
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

/* A request is a header, an ifaddrmsg and three attributes. */
#define REQ_SIZE	256

/* An address's bytes in family af: 4, 16, or 0 for another family. */
static size_t
addr_len(int af)
{
	return af == AF_INET ? 4 : af == AF_INET6 ? 16 : 0;
}

/* RTM_NEWADDR or RTM_DELADDR of addr/prefixlen on ifindex, acked. */
static int
addr_change(uint16_t type, uint16_t nlflags, int af, int ifindex,
    const union uvs_inaddr *addr, uint8_t prefixlen, uint32_t flags)
{
	char			 buf[REQ_SIZE];
	struct nlmsghdr		*nlh;
	struct ifaddrmsg	*ifa;
	size_t			 alen = addr_len(af);

	if (alen == 0)
		return -EAFNOSUPPORT;
	if (ifindex <= 0 || prefixlen > alen * 8)
		return -EINVAL;
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | nlflags;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (unsigned char)af;
	ifa->ifa_prefixlen = prefixlen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	ifa->ifa_flags = (unsigned char)flags;
	/* LOCAL is the address itself; ADDRESS equal to it means "no peer". */
	mnl_attr_put(nlh, IFA_LOCAL, alen, addr->b);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, addr->b);
	if (flags != 0)
		mnl_attr_put_u32(nlh, IFA_FLAGS, flags);
	return uvs_rtnl_talk(nlh, NULL, NULL);
}

int
uvs_addr_add_af(int af, int ifindex, const union uvs_inaddr *addr,
    uint8_t prefixlen, uint32_t flags)
{
	/* EXCL makes an address already there -EEXIST instead of success. */
	return addr_change(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, af,
	    ifindex, addr, prefixlen, flags);
}

int
uvs_addr_del_af(int af, int ifindex, const union uvs_inaddr *addr,
    uint8_t prefixlen)
{
	return addr_change(RTM_DELADDR, 0, af, ifindex, addr, prefixlen, 0);
}

int
uvs_addr_add(int ifindex, uint32_t addr, uint8_t prefixlen)
{
	union uvs_inaddr a = uvs_inaddr4(addr);

	return uvs_addr_add_af(AF_INET, ifindex, &a, prefixlen, 0);
}

int
uvs_addr_del(int ifindex, uint32_t addr, uint8_t prefixlen)
{
	union uvs_inaddr a = uvs_inaddr4(addr);

	return uvs_addr_del_af(AF_INET, ifindex, &a, prefixlen);
}

static int
addr_find_attr(const struct nlattr *attr, void *data)
{
	const struct nlattr	**tb = data;
	int			  type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, IFA_MAX) < 0)
		return MNL_CB_OK;	/* newer kernel, newer attribute */
	if (type == IFA_FLAGS && mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return MNL_CB_ERROR;
	tb[type] = attr;
	return MNL_CB_OK;
}

/* One address as the dump gives it. */
struct addr_seen {
	int			 ifindex;
	union uvs_inaddr	 addr;
	uint8_t			 prefixlen;
	uint32_t		 flags;		/* IFA_F_* */
};

/* What addr_walk calls for each address of its family. */
typedef void (*addr_visit_fn)(void *arg, const struct addr_seen *seen);

struct addr_walker {
	int		 af;
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
	struct addr_seen	 seen = { 0 };
	size_t			 alen = addr_len(w->af);

	if (nlh->nlmsg_type != RTM_NEWADDR)
		return MNL_CB_OK;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifa))) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	ifa = mnl_nlmsg_get_payload(nlh);
	if (ifa->ifa_family != w->af)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*ifa), addr_find_attr, tb) < 0)
		return MNL_CB_ERROR;
	/* Point-to-point links carry the peer in ADDRESS, ours in LOCAL. */
	if ((local = tb[IFA_LOCAL]) == NULL)
		local = tb[IFA_ADDRESS];
	if (local == NULL || mnl_attr_get_payload_len(local) != alen)
		return MNL_CB_OK;
	seen.ifindex = (int)ifa->ifa_index;
	memcpy(seen.addr.b, mnl_attr_get_payload(local), alen);
	seen.prefixlen = ifa->ifa_prefixlen;
	/* IFA_FLAGS, when there, holds every flag; ifa_flags the low 8 */
	seen.flags = tb[IFA_FLAGS] != NULL ? mnl_attr_get_u32(tb[IFA_FLAGS]) :
	    ifa->ifa_flags;
	w->visit(w->arg, &seen);
	return MNL_CB_OK;
}

/*
 * One RTM_GETADDR dump of the addresses of family af, each handed to
 * visit. The kernel never puts more than 32 KB into one dump message
 * (netlink_recvmsg caps max_recvmsg_len), so rtnl's buffer never
 * truncates one.
 */
static int
addr_walk(int af, addr_visit_fn visit, void *arg)
{
	char			 buf[REQ_SIZE];
	struct nlmsghdr		*nlh;
	struct ifaddrmsg	*ifa;
	struct addr_walker	 w = { .af = af, .visit = visit, .arg = arg };

	if (addr_len(af) == 0)
		return -EAFNOSUPPORT;
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (unsigned char)af;
	return uvs_rtnl_talk(nlh, addr_walk_msg, &w);
}

struct addr_find {
	union uvs_inaddr	addr;
	struct addr_seen	best;	/* lowest ifindex holding addr, or 0 */
};

static void
addr_find_visit(void *arg, const struct addr_seen *seen)
{
	struct addr_find	*find = arg;

	if (!uvs_inaddr_eq(&seen->addr, &find->addr))
		return;
	/* The dump order is the kernel's; the lowest index (lo) is stable. */
	if (find->best.ifindex == 0 || seen->ifindex < find->best.ifindex)
		find->best = *seen;
}

int
uvs_addr_lookup_af(int af, const union uvs_inaddr *addr, uint8_t *prefixlen,
    uint32_t *flags)
{
	struct addr_find	 find = { .addr = *addr };
	int			 rc;

	if ((rc = addr_walk(af, addr_find_visit, &find)) < 0)
		return rc;
	if (find.best.ifindex > 0 && prefixlen != NULL)
		*prefixlen = find.best.prefixlen;
	if (find.best.ifindex > 0 && flags != NULL)
		*flags = find.best.flags;
	return find.best.ifindex;
}

int
uvs_addr_lookup(uint32_t addr, uint8_t *prefixlen)
{
	union uvs_inaddr a = uvs_inaddr4(addr);

	return uvs_addr_lookup_af(AF_INET, &a, prefixlen, NULL);
}

struct addr_all {
	union uvs_inaddr	*out;
	unsigned		 max;
	unsigned		 n;	/* every address, also past max */
};

static void
addr_all_visit(void *arg, const struct addr_seen *seen)
{
	struct addr_all		*all = arg;

	if (all->n < all->max && all->out != NULL)
		all->out[all->n] = seen->addr;
	all->n++;
}

int
uvs_addr_list_af(int af, union uvs_inaddr *out, unsigned max)
{
	struct addr_all		 all = { .out = out, .max = max };
	int			 rc;

	if ((rc = addr_walk(af, addr_all_visit, &all)) < 0)
		return rc;
	return (int)all.n;
}
