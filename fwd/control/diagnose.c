/*
 * uvsd --check: what on the director would make its own kernel answer
 * beside uvsd. The kernel sees every frame uvsd sees; it stays out of the
 * way only if it has no VIP and does not forward, or if uvsd's guard (an
 * nftables netdev table, guard.c) drops VIP traffic before the kernel's
 * stacks. So the check asks the running uvsd for its VIPs over the control
 * socket, looks for each one on the kernel's interfaces (getifaddrs), and
 * for the guard's table in nf_tables; every problem is one line naming the
 * cause, what goes wrong and the fix. It reads only; it changes nothing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/netfilter.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arp/kernel/nft.h"
#include "fwd/data/xdp_prog.h"
#include "fwd/lang/ctlclient.h"
#include "fwd/lang/ctlmsg.h"
#include "fwd/control/diagnose.h"
#include "sched/inaddr.h"

#define VIPS_MAX	256	/* VIPs looked at; more are reported, not checked */
/* guard.c's names: table netdev uvsd-<ifindex>, base chain "ingress" */
#define GUARD_TABLE_FMT	"uvsd-%u"
#define GUARD_CHAIN	"ingress"

struct vip {
	int			 af;
	union uvs_inaddr	 addr;
};

struct vips {
	struct vip	 vip[VIPS_MAX];
	unsigned	 n;
	unsigned	 more;		/* beyond VIPS_MAX */
};

/* The distinct VIPs in uvsd's "list" reply. */
static void
vips_from_list(char *reply, struct vips *v)
{
	struct uvs_ctl_msg m;
	char *line, *save;
	struct vip a = { 0 };
	unsigned i;

	for (line = strtok_r(reply, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "svc ", 4) || uvs_ctl_parse(line, &m) < 0 ||
		    uvs_ctl_get_inaddr(&m, "vip", &a.af, &a.addr) < 0)
			continue;
		for (i = 0; i < v->n && (v->vip[i].af != a.af ||
		    !uvs_inaddr_eq(&v->vip[i].addr, &a.addr)); i++)
			;
		if (i < v->n)
			continue;
		if (v->n == VIPS_MAX)
			v->more++;
		else
			v->vip[v->n++] = a;
	}
}

/* 1 when uvsd's guard table and chain exist for ifindex, 0 if not. */
static int
guard_installed(unsigned ifindex, char *table, size_t len)
{
	struct uvs_nft_chain_info info;
	struct uvs_nft n;
	int rc;

	snprintf(table, len, GUARD_TABLE_FMT, ifindex);
	if (uvs_nft_open(&n) < 0)
		return 0;
	rc = uvs_nft_chain_get(&n, NFPROTO_NETDEV, table, GUARD_CHAIN, &info);
	uvs_nft_close(&n);
	return rc == 0 && info.base;
}

/* 1 when sa holds vip's address. */
static int
sa_is(const struct sockaddr *sa, const struct vip *vip)
{
	if (!sa || sa->sa_family != vip->af)
		return 0;
	if (vip->af == AF_INET)
		return ((const struct sockaddr_in *)(const void *)sa)
		    ->sin_addr.s_addr == vip->addr.ip;
	return memcmp(&((const struct sockaddr_in6 *)(const void *)sa)
	    ->sin6_addr, &vip->addr.in6, sizeof(struct in6_addr)) == 0;
}

/* The kernel interface holding vip, into name; 0 when none does. */
static int
kernel_iface_of(const struct ifaddrs *ifs, const struct vip *vip, char *name,
    size_t len)
{
	const struct ifaddrs *i;

	for (i = ifs; i; i = i->ifa_next) {
		if (!sa_is(i->ifa_addr, vip))
			continue;
		snprintf(name, len, "%s", i->ifa_name);
		return 1;
	}
	return 0;
}

static int
ip_forward_on(void)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_forward", "r");
	int v = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%d", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

/* One VIP against the kernel; 1 for a problem. */
static int
check_vip(FILE *out, const struct ifaddrs *ifs, const struct vip *vip,
    const char *keeper, const char *table)
{
	char a[INET6_ADDRSTRLEN], ifn[IF_NAMESIZE];
	int v6 = vip->af == AF_INET6;

	inet_ntop(vip->af, &vip->addr, a, sizeof(a));
	if (!kernel_iface_of(ifs, vip, ifn, sizeof(ifn)))
		return 0;
	if (keeper) {
		fprintf(out, "uvsd --check: VIP %s is on kernel interface %s; "
		    "%s keeps the kernel off it\n", a, ifn, keeper);
		return 0;
	}
	fprintf(out, "uvsd --check: VIP %s is on kernel interface %s and "
	    "uvsd's guard is off (no table netdev %s): the kernel answers %s "
	    "and TCP for the VIP itself and resets the connections uvsd "
	    "forwards; start uvsd without --no-guard, or ip %saddr del %s/%d "
	    "dev %s\n", a, ifn, table, v6 ? "Neighbor Solicitations" : "ARP",
	    v6 ? "-6 " : "", a, v6 ? 128 : 32, ifn);
	return 1;
}

int
uvs_diagnose(const char *ifname, const char *socket, FILE *out)
{
	unsigned ifindex = if_nametoindex(ifname);
	struct vips v = { .n = 0 };
	struct ifaddrs *ifs;
	char table[32], keeper[96], *reply;
	const char *who = "uvsd's guard";
	int guard, bad = 0, rc;
	unsigned i;

	if (ifindex == 0) {
		rc = -errno;
		fprintf(out, "uvsd --check: interface %s: %s\n", ifname,
		    strerror(errno));
		return rc;
	}
	if ((rc = uvs_ctl_request(socket, "list", &reply)) < 0) {
		fprintf(out, "uvsd --check: no uvsd answers on %s (%s): start "
		    "it (uvsd -i %s)\n", socket, strerror(-rc), ifname);
		return rc;
	}
	vips_from_list(reply, &v);
	free(reply);
	if (getifaddrs(&ifs) < 0) {
		rc = -errno;
		fprintf(out, "uvsd --check: cannot list addresses: %s\n",
		    strerror(errno));
		return rc;
	}
	guard = guard_installed(ifindex, table, sizeof(table));
	snprintf(keeper, sizeof(keeper), "uvsd's guard (table netdev %s)",
	    table);
	/* --backend xdp, native: its program keeps the kernel off */
	if (!guard && uvs_xdp_prog_on((int)ifindex)) {
		guard = 1;
		snprintf(keeper, sizeof(keeper), "uvsd's XDP program "
		    "(uvs_xdp on %s)", ifname);
		who = "uvsd's XDP program";
	}
	for (i = 0; i < v.n; i++)
		bad += check_vip(out, ifs, &v.vip[i], guard ? keeper : NULL,
		    table);
	freeifaddrs(ifs);
	if (v.more)
		fprintf(out, "uvsd --check: %u more VIPs not checked\n", v.more);
	if (!guard && ip_forward_on()) {
		fprintf(out, "uvsd --check: net.ipv4.ip_forward is 1 and uvsd's "
		    "guard is off: the kernel routes VIP traffic beside uvsd; "
		    "start uvsd without --no-guard, or sysctl -w "
		    "net.ipv4.ip_forward=0\n");
		bad++;
	}
	if (!bad && guard)
		fprintf(out, "uvsd --check: ok: %u VIP%s; %s keeps the kernel "
		    "off %s\n", v.n, v.n == 1 ? "" : "s", who,
		    v.n == 1 ? "it" : "them");
	else if (!bad)
		fprintf(out, "uvsd --check: ok: %u VIP%s; the kernel holds none "
		    "and does not forward\n", v.n, v.n == 1 ? "" : "s");
	return bad;
}
