/*
 * uvs-rs check: reports, without changing anything, whether each VIP is
 * on lo as /32 and kept quiet in ARP by either method (the sysctls on
 * every interface, or the nft rules of table arp uvs-rs), and says what
 * is missing. The exit code counts for scripts: 0 all good, 1 problems.
 */
#include <arpa/inet.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter_arp.h>
#include <net/if.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arp/arp.h"
#include "arp/kernel/addr.h"
#include "arp/kernel/nft.h"
#include "arp/kernel/rtnl.h"
#include "arp/kernel/sysctl.h"
#include "arp/rs/rs.h"

/* Where the VIP is: a problem when nowhere or not /32 on lo. */
static void
check_vip(struct rs *rs, size_t n)
{
	char		 ip[INET_ADDRSTRLEN], ifname[IF_NAMESIZE];
	struct rs_found	*f = &rs->found[n];

	ip_str(rs->vip[n], ip);
	f->ifindex = uvs_addr_lookup(rs->vip[n], &f->prefixlen);
	if (f->ifindex < 0)
		printf("uvs-rs: cannot list addresses: %s\n",
		    strerror(-f->ifindex));
	else if (f->ifindex == 0)
		printf("uvs-rs: %s is not on lo: this host drops what the "
		    "director sends it for %s (not one of its addresses), so "
		    "its share of connections hangs\n", ip, ip);
	else if (f->ifindex != rs->lo) {
		/* the seed's eth0:1: fine where the nft rules guard it */
		printf("uvs-rs: %s is on %s as /%u\n", ip,
		    if_indextoname(f->ifindex, ifname) ? ifname : "?",
		    f->prefixlen);
		return;
	} else if (f->prefixlen != VIP_PREFIX)
		printf("uvs-rs: %s is on lo as /%u (need /%d)\n", ip,
		    f->prefixlen, VIP_PREFIX);
	else
		return;
	rs->nbad++;
}

/* What one rule does to ARP for an address, as our rules or nft's say it. */
struct arp_rule {
	int		tpa_ok, spa_ok;	/* matched target / sender IP */
	uint32_t	tpa, spa;
	int		drop;
	int		rewrite;	/* sender IP set to `to` */
	uint32_t	to;
};

/*
 * Follows the registers through a rule: payload loads, immediates, cmp eq
 * and a payload write. -1 for any other expression: not ours to judge.
 */
static int
arp_rule_read(const struct uvs_nft_rule *r, struct arp_rule *m)
{
	struct { int load; uint32_t off, len, imm; int has_imm; } reg[32];
	const struct uvs_nft_expr	*e;
	size_t				 i;
	uint32_t			 v;

	memset(m, 0, sizeof(*m));
	memset(reg, 0, sizeof(reg));
	if (r->truncated)
		return -1;
	for (i = 0; i < r->nexpr; i++) {
		e = &r->expr[i];
		if (strcmp(e->name, "counter") == 0)
			continue;
		if (strcmp(e->name, "immediate") == 0 && e->is_verdict) {
			m->drop = e->verdict == NF_DROP;
			continue;
		}
		if (e->dreg >= 32 || e->sreg >= 32)
			return -1;
		if (strcmp(e->name, "payload") == 0 && e->dreg > 0 &&
		    e->base == NFT_PAYLOAD_NETWORK_HEADER) {
			reg[e->dreg].load = 1;
			reg[e->dreg].off = e->offset;
			reg[e->dreg].len = e->len;
			reg[e->dreg].has_imm = 0;
		} else if (strcmp(e->name, "immediate") == 0 && e->dreg > 0 &&
		    e->dlen == sizeof(v)) {
			memcpy(&reg[e->dreg].imm, e->data, sizeof(v));
			reg[e->dreg].has_imm = 1;
			reg[e->dreg].load = 0;
		} else if (strcmp(e->name, "cmp") == 0 && e->sreg > 0 &&
		    e->op == NFT_CMP_EQ) {
			if (!reg[e->sreg].load || reg[e->sreg].len != sizeof(v) ||
			    e->dlen != sizeof(v))
				continue;	/* the header fields */
			memcpy(&v, e->data, sizeof(v));
			if (reg[e->sreg].off == ARP_OFF_TPA)
				m->tpa_ok = 1, m->tpa = v;
			else if (reg[e->sreg].off == ARP_OFF_SPA)
				m->spa_ok = 1, m->spa = v;
		} else if (strcmp(e->name, "payload") == 0 && e->sreg > 0 &&
		    e->base == NFT_PAYLOAD_NETWORK_HEADER &&
		    e->offset == ARP_OFF_SPA && e->len == sizeof(v) &&
		    reg[e->sreg].has_imm) {
			m->rewrite = 1;
			m->to = reg[e->sreg].imm;
		} else
			return -1;
	}
	return 0;
}

static int
found_in(const struct uvs_nft_rule *r, void *arg)
{
	struct rs	*rs = arg;
	struct arp_rule	 m;
	size_t		 i;

	if (arp_rule_read(r, &m) < 0 || !m.tpa_ok || !m.drop)
		return 0;
	for (i = 0; i < rs->nvip; i++)
		if (rs->vip[i] == m.tpa)
			rs->found[i].nft_drop = 1;
	return 0;
}

static int
found_out(const struct uvs_nft_rule *r, void *arg)
{
	struct rs	*rs = arg;
	struct arp_rule	 m;
	size_t		 i;

	if (arp_rule_read(r, &m) < 0 || !m.spa_ok || !m.rewrite || m.drop)
		return 0;
	for (i = 0; i < rs->nvip; i++)
		if (rs->vip[i] == m.spa && !rs->found[i].nft_rewrite) {
			rs->found[i].nft_rewrite = 1;
			rs->found[i].rip = m.to;
		}
	return 0;
}

/* Reads one chain's rules if it is hooked where it should be. */
static int
check_chain(struct rs *rs, struct uvs_nft *n, const char *chain,
    uint32_t hooknum, int (*fn)(const struct uvs_nft_rule *, void *))
{
	struct uvs_nft_chain_info	ci;
	int				rc;

	rc = uvs_nft_chain_get(n, NFPROTO_ARP, NFT_TABLE, chain, &ci);
	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	if (!ci.base || ci.hooknum != hooknum)
		return 0;	/* a chain no packet reaches does nothing */
	return uvs_nft_rules_each(n, NFPROTO_ARP, NFT_TABLE, chain, fn, rs);
}

/* Fills rs->found from table arp uvs-rs; none (or no nf_tables) is 0. */
static int
check_nft(struct rs *rs)
{
	struct uvs_nft	n;
	int		rc;

	if ((rc = uvs_nft_open(&n)) < 0)
		return rc == -EPROTONOSUPPORT ? 0 : rc;
	if ((rc = check_chain(rs, &n, NFT_IN, NF_ARP_IN, found_in)) == 0)
		rc = check_chain(rs, &n, NFT_OUT, NF_ARP_OUT, found_out);
	uvs_nft_close(&n);
	return rc;
}

/*
 * One VIP's ARP side, beyond the sysctls. Returns 1 when the nft rules
 * protect it, 0 when that is left to the sysctls, -1 when nothing can:
 * the kernel answers ARP for an address on the very interface a request
 * comes in on (arp_ignore 1 and 2 look at that interface), so a VIP on
 * an Ethernet device is safe only behind the nft rules.
 */
static int
check_arp(struct rs *rs, size_t n, int *nft_hint)
{
	char		 ip[INET_ADDRSTRLEN], rip[INET_ADDRSTRLEN];
	char		 dev[IF_NAMESIZE] = "lo";
	struct rs_found	*f = &rs->found[n];
	int		 v = 0;

	ip_str(rs->vip[n], ip);
	if (f->ifindex > 0 && !if_indextoname(f->ifindex, dev))
		strcpy(dev, "?");
	if (f->nft_drop && f->nft_rewrite) {
		printf("uvs-rs: %s on %s is protected by nft (table arp "
		    NFT_TABLE "): ARP asking for it is dropped, and this "
		    "host's own ARP names %s as sender instead\n", ip,
		    f->ifindex > 0 ? dev : "no interface",
		    ip_str(f->rip, rip));
		return 1;
	}
	if (f->nft_drop || f->nft_rewrite) {
		printf("uvs-rs: table arp " NFT_TABLE " has only half of the "
		    "rules for %s: no %s\n", ip, f->nft_drop ?
		    "output rule giving this host's address as sender" :
		    "input rule dropping ARP asking for it");
		*nft_hint = 1;
	}
	if (f->ifindex <= 0 || f->ifindex == rs->lo)
		return 0;
	if (uvs_sysctl_get(dev, "arp_ignore", &v) < 0 || v < rs->all[0])
		v = rs->all[0];
	printf("uvs-rs: %s on %s is not protected: %s answers ARP for its "
	    "own addresses whatever arp_ignore (%d) says, so clients send "
	    "VIP traffic here, past the director; only nft arp rules keep it "
	    "quiet\n", ip, dev, dev, v);
	*nft_hint = 1;
	return -1;
}

/* The kernel applies max(all, interface) for both knobs (IN_DEV_MAXCONF). */
static int
check_if(const char *ifname, void *arg)
{
	struct rs	*rs = arg;
	size_t		 i;
	int		 v, rc;

	if (strcmp(ifname, "lo") == 0)
		return 0;
	rs->nif++;
	/* quiet: no VIP relies on the sysctls, so nothing here is wrong */
	if (rs->quiet)
		return 0;
	for (i = 0; i < RS_NRULES; i++) {
		if ((rc = uvs_sysctl_get(ifname, rs_rules[i].key, &v)) < 0) {
			printf("uvs-rs: cannot read %s on %s: %s\n",
			    rs_rules[i].key, ifname, strerror(-rc));
			rs->nbad++;
			continue;
		}
		if (rs->all[i] > v)
			v = rs->all[i];
		if (!rs_rules[i].ok(v)) {
			printf("uvs-rs: %s is %d on %s (need %d): %s\n",
			    rs_rules[i].key, v, ifname, rs_rules[i].want,
			    rs_rules[i].why);
			rs->nbad++;
		}
	}
	return 0;
}

/* The value under name in a /proc/net/snmp header/values line pair. */
static long long
snmp_field(char *head, char *vals, const char *name)
{
	char	*hs, *vs, *h, *v;

	h = strtok_r(head, " \n", &hs);
	v = strtok_r(vals, " \n", &vs);
	while (h && v) {
		if (strcmp(h, name) == 0)
			return strtoll(v, NULL, 10);
		h = strtok_r(NULL, " \n", &hs);
		v = strtok_r(NULL, " \n", &vs);
	}
	return 0;
}

/*
 * TCP and UDP packets this namespace received with a bad checksum. A
 * forwarder that sends frames on without their checksum-offload state
 * (a partial checksum the sender's NIC was to finish) makes them, and no
 * sysctl here shows it. The count, or -errno.
 */
static long long
csum_errors(void)
{
	char		 head[4096], vals[4096];
	long long	 sum = 0;
	FILE		*f;

	if ((f = fopen("/proc/net/snmp", "r")) == NULL)
		return -errno;
	/* the file is pairs of lines: "Tcp: names..." then "Tcp: values..." */
	while (fgets(head, sizeof(head), f) && fgets(vals, sizeof(vals), f))
		if (strncmp(head, "Tcp:", 4) == 0 ||
		    strncmp(head, "Udp:", 4) == 0)
			sum += snmp_field(head, vals, "InCsumErrors");
	fclose(f);
	return sum;
}

/* The note on bad checksums, for either family's check; says nothing
   when there are none. */
void
rs_check_csum(void)
{
	long long	bad_csum;

	if ((bad_csum = csum_errors()) > 0)
		printf("uvs-rs: note: %lld TCP/UDP packets reached this host "
		    "with bad checksums (InCsumErrors in nstat): a forwarder "
		    "on the way sends frames on without their checksum-offload "
		    "state, and the connections they carry hang; fix the "
		    "forwarder (uvsd: run it without --no-vnet)\n", bad_csum);
}

int
rs_check(struct rs *rs)
{
	char		ip[INET_ADDRSTRLEN], dev[IF_NAMESIZE] = "";
	size_t		i, nnft = 0, nlo = 0;
	int		rc, nft_err, nft_hint = 0;

	if ((rs->found = calloc(rs->nvip, sizeof(*rs->found))) == NULL) {
		printf("uvs-rs: out of memory\n");
		return EXIT_PROBLEM;
	}
	for (i = 0; i < rs->nvip; i++) {
		check_vip(rs, i);
		nlo += rs->found[i].ifindex == rs->lo;
	}
	for (i = 0; i < RS_NRULES; i++) {
		if ((rc = uvs_sysctl_get("all", rs_rules[i].key,
		    &rs->all[i])) < 0) {
			printf("uvs-rs: cannot read %s on all: %s\n",
			    rs_rules[i].key, strerror(-rc));
			return EXIT_PROBLEM;
		}
	}
	nft_err = check_nft(rs);
	rs->quiet = 1;
	for (i = 0; i < rs->nvip; i++) {
		rc = check_arp(rs, i, &nft_hint);
		nnft += rc == 1;
		if (rc == 0)
			rs->quiet = 0;	/* this one relies on the sysctls */
		if (rc < 0) {
			rs->nbad++;
			if (!dev[0])
				if_indextoname(rs->found[i].ifindex, dev);
		}
	}
	if (nft_err < 0 && nnft < rs->nvip)
		printf("uvs-rs: cannot read table arp " NFT_TABLE ": %s\n",
		    strerror(-nft_err));
	if ((rc = uvs_sysctl_each_if(check_if, rs)) < 0) {
		printf("uvs-rs: cannot list interfaces: %s\n", strerror(-rc));
		rs->nbad++;
	}
	rs_check_csum();
	if (rs->nbad > 0) {
		printf("uvs-rs: fix: uvs-rs up%s%s%s", nft_hint ?
		    " --arp nft" : "", dev[0] ? " --dev " : "", dev);
		for (i = 0; i < rs->nvip; i++)
			printf(" %s", ip_str(rs->vip[i], ip));
		printf("\n");
		return EXIT_PROBLEM;
	}
	printf("uvs-rs: ok: %zu VIP%s%s, ARP for %s suppressed",
	    rs->nvip, rs->nvip == 1 ? "" : "s", nlo == rs->nvip ? " on lo" : "",
	    rs->nvip == 1 ? "it" : "them");
	if (nnft > 0)
		printf(" by nft (table arp " NFT_TABLE ")");
	if (nnft > 0 && nnft < rs->nvip)
		printf(" for %zu and", nnft);
	if (nnft < rs->nvip)
		printf(" by sysctl on %d interface%s", rs->nif,
		    rs->nif == 1 ? "" : "s");
	printf("\n");
	return 0;
}
