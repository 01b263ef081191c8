/*
 * uvs-rs for IPv6 VIPs. DR needs the real server to take packets for the
 * VIP without ever claiming it on the wire; for IPv4 that takes
 * arp_ignore/arp_announce or arp rules, for IPv6 the kernel does it by
 * itself when the VIP is on lo:
 * - ndisc_recv_ns looks the target up with ipv6_get_ifaddr(..., dev,
 *   strict) on the link the solicitation came in by, so an address on lo
 *   is never answered for on eth0 (no proxy NDP is involved);
 * - ndisc_solicit keeps the triggering packet's source only when
 *   ipv6_chk_addr_and_flags(..., dev, strict) finds it on the outgoing
 *   link, else ndisc_send_ns takes the link's link-local address: the
 *   VIP on lo is never the source of our own solicitations.
 * So up6 puts the VIP on lo as /128 with nodad (lo skips DAD anyway; the
 * flag says the address is shared on purpose) and changes nothing else,
 * unless --arp nft asks for nft rules that say the same (nft6.c); check6
 * verifies the address (on lo, /128, not tentative) and the rules when
 * any are there.
 */
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <net/if.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arp/kernel/addr.h"
#include "arp/rs/rs.h"

static const char *
ip6_str(const struct in6_addr *a, char *buf)
{
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

static union uvs_inaddr
inaddr6(const struct in6_addr *a)
{
	union uvs_inaddr x;

	x.in6 = *a;
	return x;
}

struct rs_vip6 *
state_find_vip6(struct rs_state *st, const struct in6_addr *addr)
{
	size_t	i;

	for (i = 0; i < st->nvip6; i++)
		if (memcmp(&st->vip6[i].addr, addr, sizeof(*addr)) == 0)
			return &st->vip6[i];
	return NULL;
}

struct rs_vip6 *
state_add_vip6(struct rs_state *st, const struct in6_addr *addr, int added)
{
	struct rs_vip6	*v;

	if ((v = reallocarray(st->vip6, st->nvip6 + 1, sizeof(*v))) == NULL)
		return NULL;
	st->vip6 = v;
	v = &st->vip6[st->nvip6++];
	*v = (struct rs_vip6){ .addr = *addr, .added = added };
	return v;
}

static int
up6_vip(struct rs *rs, const struct in6_addr *addr)
{
	char			 ip[INET6_ADDRSTRLEN];
	union uvs_inaddr	 a = inaddr6(addr);
	struct rs_vip6		*v;
	int			 rc;

	rc = uvs_addr_add_af(AF_INET6, rs->lo, &a, VIP6_PREFIX,
	    UVS_ADDR_F_NODAD);
	if (rc < 0 && rc != -EEXIST) {
		fprintf(stderr, "uvs-rs: cannot put %s on lo: %s\n",
		    ip6_str(addr, ip), strerror(-rc));
		return rc;
	}
	if ((v = state_find_vip6(&rs->st, addr)) == NULL &&
	    (v = state_add_vip6(&rs->st, addr, rc == 0)) == NULL) {
		fprintf(stderr, "uvs-rs: out of memory\n");
		return -ENOMEM;
	}
	if (rc == 0)
		v->fresh = 1;
	return 0;
}

/* --arp nft: this run's VIPs join the rules of earlier runs. */
static int
up6_nft(struct rs *rs)
{
	struct rs_vip6	*v;
	size_t		 i;
	int		 rc;

	for (i = 0; i < rs->nvip6; i++)
		if ((v = state_find_vip6(&rs->st, &rs->vip6[i])) != NULL)
			v->nft = 1;
	if ((rc = nft6_load(&rs->st)) < 0)
		fprintf(stderr, "uvs-rs: cannot load the nft rules (table ip6 "
		    NFT_TABLE "): %s\n", strerror(-rc));
	return rc;
}

int
rs_up6(struct rs *rs)
{
	size_t	i;
	int	rc;

	for (i = 0; i < rs->nvip6; i++)
		if ((rc = up6_vip(rs, &rs->vip6[i])) < 0)
			return rc;
	return rs->nvip6 > 0 && rs->method == ARP_NFT ? up6_nft(rs) : 0;
}

/* The nft marks as they were before this run, and the table to match. */
static void
up6_nft_undo(struct rs *rs)
{
	size_t	i;
	int	changed = 0, rc;

	for (i = 0; i < rs->st.nvip6; i++) {
		changed |= rs->st.vip6[i].nft != rs->st.vip6[i].nft_undo;
		rs->st.vip6[i].nft = rs->st.vip6[i].nft_undo;
	}
	if (changed && (rc = nft6_load(&rs->st)) < 0)
		fprintf(stderr, "uvs-rs: cannot restore the nft rules (table "
		    "ip6 " NFT_TABLE "): %s\n", strerror(-rc));
}

void
rs_up6_undo(struct rs *rs)
{
	char			 ip[INET6_ADDRSTRLEN];
	union uvs_inaddr	 a;
	size_t			 i;
	int			 rc;

	up6_nft_undo(rs);
	for (i = 0; i < rs->st.nvip6; i++) {
		if (!rs->st.vip6[i].fresh)
			continue;
		a = inaddr6(&rs->st.vip6[i].addr);
		rc = uvs_addr_del_af(AF_INET6, rs->lo, &a, VIP6_PREFIX);
		if (rc < 0 && rc != -EADDRNOTAVAIL)
			fprintf(stderr, "uvs-rs: cannot take %s off lo: %s\n",
			    ip6_str(&rs->st.vip6[i].addr, ip), strerror(-rc));
	}
}

/* 1 when something could not be undone (it stays recorded). */
int
rs_down6(struct rs *rs)
{
	char			 ip[INET6_ADDRSTRLEN];
	union uvs_inaddr	 a;
	struct rs_vip6		*v;
	size_t			 i;
	int			 rc, bad = 0, nft = 0;

	for (i = 0; i < rs->nvip6; i++) {
		ip6_str(&rs->vip6[i], ip);
		if ((v = state_find_vip6(&rs->st, &rs->vip6[i])) == NULL) {
			fprintf(stderr, "uvs-rs: %s was not put up by uvs-rs "
			    "(not in %s); left alone\n", ip, rs->path);
			bad = 1;
			continue;
		}
		a = inaddr6(&v->addr);
		rc = v->added ? uvs_addr_del_af(AF_INET6, rs->lo, &a,
		    VIP6_PREFIX) : 0;
		if (rc < 0 && rc != -EADDRNOTAVAIL) {
			fprintf(stderr, "uvs-rs: cannot take %s off lo: %s\n",
			    ip, strerror(-rc));
			bad = 1;
			continue;
		}
		nft |= v->nft;
		*v = rs->st.vip6[--rs->st.nvip6];
	}
	if (nft && (rc = nft6_load(&rs->st)) < 0) {
		fprintf(stderr, "uvs-rs: cannot update the nft rules (table "
		    "ip6 " NFT_TABLE "): %s\n", strerror(-rc));
		bad = 1;
	}
	return bad;
}

/* One VIP: on lo as /128 and usable; 1 when not. */
static int
check6_vip(struct rs *rs, const struct in6_addr *addr)
{
	char			 ip[INET6_ADDRSTRLEN], ifname[IF_NAMESIZE];
	union uvs_inaddr	 a = inaddr6(addr);
	uint32_t		 flags = 0;
	uint8_t			 plen = 0;
	int			 ifindex;

	ip6_str(addr, ip);
	ifindex = uvs_addr_lookup_af(AF_INET6, &a, &plen, &flags);
	if (ifindex < 0) {
		printf("uvs-rs: cannot list addresses: %s\n",
		    strerror(-ifindex));
		return 1;
	}
	if (ifindex == 0) {
		printf("uvs-rs: %s is not on lo: this host drops what the "
		    "director sends it for %s, so its share of connections "
		    "hangs\n", ip, ip);
		return 1;
	}
	if (ifindex != rs->lo) {
		/* on eth0 the kernel answers NS for it: the director's
		   clients would come here */
		printf("uvs-rs: %s is on %s, where this host answers Neighbor "
		    "Solicitations for it: it belongs on lo\n", ip,
		    if_indextoname((unsigned)ifindex, ifname) ? ifname : "?");
		return 1;
	}
	if (plen != VIP6_PREFIX) {
		printf("uvs-rs: %s is on lo as /%u (need /%d)\n", ip, plen,
		    VIP6_PREFIX);
		return 1;
	}
	if (flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)) {
		printf("uvs-rs: %s on lo is not usable yet (%s)\n", ip,
		    flags & IFA_F_DADFAILED ? "duplicate address detection "
		    "failed" : "tentative");
		return 1;
	}
	return 0;
}

/*
 * The nft rules, when there are any: both or neither for a VIP (one
 * alone is a table edited by hand). Counts problems into *nbad; returns
 * how many VIPs have both.
 */
static size_t
check6_nft(struct rs *rs, int *nbad)
{
	char	 ip[INET6_ADDRSTRLEN];
	int	*in, *out;
	size_t	 i, both = 0;
	int	 rc;

	in = calloc(rs->nvip6, sizeof(*in));
	out = calloc(rs->nvip6, sizeof(*out));
	if (in == NULL || out == NULL)
		rc = -ENOMEM;
	else
		rc = nft6_check(rs->vip6, rs->nvip6, in, out);
	if (rc < 0) {
		printf("uvs-rs: cannot read table ip6 " NFT_TABLE ": %s\n",
		    strerror(-rc));
		++*nbad;
	}
	for (i = 0; rc == 0 && i < rs->nvip6; i++) {
		both += in[i] && out[i];
		if (in[i] == out[i])
			continue;
		ip6_str(&rs->vip6[i], ip);
		if (in[i])
			printf("uvs-rs: table ip6 " NFT_TABLE " drops NS for "
			    "%s but not our own NS from it\n", ip);
		else
			printf("uvs-rs: table ip6 " NFT_TABLE " drops our own "
			    "NS from %s but not NS for it\n", ip);
		++*nbad;
	}
	free(in);
	free(out);
	return both;
}

int
rs_check6(struct rs *rs)
{
	char	ip[INET6_ADDRSTRLEN];
	size_t	i, nnft;
	int	nbad = 0, nft_bad;

	for (i = 0; i < rs->nvip6; i++)
		nbad += check6_vip(rs, &rs->vip6[i]);
	nft_bad = nbad;
	nnft = check6_nft(rs, &nbad);
	/* Tcp's InCsumErrors counts both families; rs_check said it when
	   there were v4 VIPs too */
	if (rs->nvip == 0)
		rs_check_csum();
	if (nbad > 0) {
		printf("uvs-rs: fix: uvs-rs up%s", nbad > nft_bad ?
		    " --arp nft" : "");
		for (i = 0; i < rs->nvip6; i++)
			printf(" %s", ip6_str(&rs->vip6[i], ip));
		printf("\n");
		return EXIT_PROBLEM;
	}
	printf("uvs-rs: ok: %zu IPv6 VIP%s on lo as /128; the kernel neither "
	    "answers nor sends Neighbor Solicitations for %s", rs->nvip6,
	    rs->nvip6 == 1 ? "" : "s", rs->nvip6 == 1 ? "it" : "them");
	if (nnft > 0)
		printf("; nft drops them too for %zu (table ip6 " NFT_TABLE
		    ")", nnft);
	printf("\n");
	return 0;
}
