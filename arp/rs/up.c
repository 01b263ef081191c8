/*
 * uvs-rs up: puts each VIP on lo (or --dev) and suppresses ARP for it by
 * sysctl or by nft, recording each change in the state file before the
 * next. Everything is checked first; an up that fails half way takes
 * back what this run changed, and only that.
 */
#include <arpa/inet.h>
#include <net/if.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arp/kernel/addr.h"
#include "arp/kernel/rtnl.h"
#include "arp/kernel/sysctl.h"
#include "arp/rs/rs.h"

/* Raises every rule on ifname that the kernel would not honour yet. */
static int
up_knobs(struct rs *rs, const char *ifname)
{
	const struct rs_rule	*rule;
	struct rs_knob		*k;
	size_t			 i;
	int			 v, rc;

	for (i = 0; i < RS_NRULES; i++) {
		rule = &rs_rules[i];
		if ((rc = uvs_sysctl_get(ifname, rule->key, &v)) == -ENOENT)
			return 0;	/* the interface went away meanwhile */
		if (rc < 0) {
			fprintf(stderr, "uvs-rs: cannot read %s on %s: %s\n",
			    rule->key, ifname, strerror(-rc));
			return rc;
		}
		if (rule->ok(v))
			continue;
		k = state_find_knob(&rs->st, ifname, rule);
		if (k == NULL &&
		    (k = state_add_knob(&rs->st, ifname, rule, v)) == NULL) {
			fprintf(stderr, "uvs-rs: out of memory\n");
			return -ENOMEM;
		}
		k->undo = v;
		k->fresh = 1;
		if ((rc = uvs_sysctl_set(ifname, rule->key, rule->want)) < 0) {
			fprintf(stderr, "uvs-rs: cannot set %s on %s: %s\n",
			    rule->key, ifname, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

/* 1 stops the walk: up_knobs has said what went wrong. */
static int
up_if(const char *ifname, void *arg)
{
	if (strcmp(ifname, "lo") == 0)
		return 0;
	return up_knobs(arg, ifname) < 0 ? 1 : 0;
}

/* The nft rules for this run's VIPs join those of earlier runs. */
static int
up_nft(struct rs *rs)
{
	uint32_t	rip;
	size_t		i;
	int		rc;

	/* what the table held before, to load again if this run fails */
	rs->nnft_undo = rs->st.nnft;
	if (rs->st.nnft > 0 && (rs->nft_undo = reallocarray(NULL,
	    rs->st.nnft, sizeof(*rs->nft_undo))) == NULL) {
		fprintf(stderr, "uvs-rs: out of memory\n");
		return -ENOMEM;
	}
	if (rs->st.nnft > 0)
		memcpy(rs->nft_undo, rs->st.nft,
		    rs->st.nnft * sizeof(*rs->nft_undo));
	for (i = 0; i < rs->nvip; i++) {
		if ((rc = find_rip(rs, rs->vip[i], &rip)) < 0)
			return rc;
		if ((rc = state_set_nft(&rs->st, rs->vip[i], rip)) < 0) {
			fprintf(stderr, "uvs-rs: out of memory\n");
			return rc;
		}
	}
	rs->nft_changed = 1;
	if ((rc = nft_load(&rs->st)) < 0)
		fprintf(stderr, "uvs-rs: cannot load the nft arp rules (table "
		    "arp " NFT_TABLE "): %s\n", strerror(-rc));
	return rc;
}

/* The ifindex of dev, or 0 having said it is gone. */
static int
dev_index(const char *dev)
{
	unsigned	ifindex = if_nametoindex(dev);

	if (ifindex == 0)
		fprintf(stderr, "uvs-rs: no interface %s: %s\n", dev,
		    strerror(errno));
	return (int)ifindex;
}

static int
up_vip(struct rs *rs, uint32_t addr)
{
	char		 ip[INET_ADDRSTRLEN];
	struct rs_vip	*v;
	int		 rc, ifindex;

	if ((ifindex = dev_index(rs->dev)) == 0)
		return -ENODEV;
	rc = uvs_addr_add(ifindex, addr, VIP_PREFIX);
	if (rc < 0 && rc != -EEXIST) {
		fprintf(stderr, "uvs-rs: cannot put %s on %s: %s\n",
		    ip_str(addr, ip), rs->dev, strerror(-rc));
		return rc;
	}
	/* A record from an earlier up says whether it was there before. */
	if ((v = state_find_vip(&rs->st, addr)) == NULL &&
	    (v = state_add_vip(&rs->st, addr, rc == 0, rs->dev)) == NULL) {
		fprintf(stderr, "uvs-rs: out of memory\n");
		return -ENOMEM;
	}
	if (rc == 0)
		v->fresh = 1;
	return 0;
}

/* Takes back what this run changed, VIPs first (see rs_up). */
static void
up_undo(struct rs *rs)
{
	char		 ip[INET_ADDRSTRLEN];
	struct rs_vip	*v;
	size_t		 i;
	int		 rc;

	for (i = 0; i < rs->st.nvip; i++) {
		v = &rs->st.vip[i];
		if (!v->fresh)
			continue;
		rc = uvs_addr_del((int)if_nametoindex(v->dev), v->addr,
		    VIP_PREFIX);
		if (rc < 0 && rc != -EADDRNOTAVAIL)
			fprintf(stderr, "uvs-rs: cannot take %s off %s: %s\n",
			    ip_str(v->addr, ip), v->dev, strerror(-rc));
	}
	if (rs->nft_changed) {
		free(rs->st.nft);
		rs->st.nft = rs->nft_undo;
		rs->st.nnft = rs->nnft_undo;
		rs->nft_undo = NULL;
		if ((rc = nft_load(&rs->st)) < 0)
			fprintf(stderr, "uvs-rs: cannot restore the nft arp "
			    "rules: %s\n", strerror(-rc));
	}
	for (i = 0; i < rs->st.nknob; i++) {
		if (!rs->st.knob[i].fresh)
			continue;
		rc = uvs_sysctl_set(rs->st.knob[i].ifname,
		    rs->st.knob[i].rule->key, rs->st.knob[i].undo);
		if (rc < 0 && rc != -ENOENT)
			fprintf(stderr, "uvs-rs: cannot restore %s on %s: %s\n",
			    rs->st.knob[i].rule->key, rs->st.knob[i].ifname,
			    strerror(-rc));
	}
}

/* A VIP already up elsewhere must come down before it moves. */
static int
up_precheck(struct rs *rs)
{
	char		 ip[INET_ADDRSTRLEN];
	struct rs_vip	*v;
	size_t		 i;

	for (i = 0; i < rs->nvip; i++) {
		v = state_find_vip(&rs->st, rs->vip[i]);
		if (v == NULL || strcmp(v->dev, rs->dev) == 0)
			continue;
		fprintf(stderr, "uvs-rs: %s is up on %s already; take it down "
		    "first (uvs-rs down %s)\n", ip_str(rs->vip[i], ip),
		    v->dev, ip);
		return -EEXIST;
	}
	return 0;
}

int
rs_up(struct rs *rs)
{
	size_t	i;
	int	rc;

	if (up_precheck(rs) < 0)
		return EXIT_PROBLEM;
	/*
	 * ARP first: a VIP on lo while arp_ignore is still 0 (or before the
	 * nft rules) would answer the clients' ARP and pull the director's
	 * traffic to this host. IPv6 VIPs need no such step (vip6.c).
	 */
	rc = 0;
	if (rs->nvip > 0 && rs->method == ARP_NFT)
		rc = up_nft(rs);
	else if (rs->nvip > 0 && (rc = up_knobs(rs, "all")) == 0 &&
	    (rc = uvs_sysctl_each_if(up_if, rs)) < 0)
		fprintf(stderr, "uvs-rs: cannot list interfaces: %s\n",
		    strerror(-rc));
	for (i = 0; rc == 0 && i < rs->nvip; i++)
		rc = up_vip(rs, rs->vip[i]);
	if (rc == 0)
		rc = rs_up6(rs);
	if (rc == 0 && (rc = state_save(&rs->st, rs->path)) < 0)
		fprintf(stderr, "uvs-rs: cannot write %s: %s\n", rs->path,
		    strerror(-rc));
	if (rc != 0) {
		up_undo(rs);
		rs_up6_undo(rs);
		return EXIT_PROBLEM;
	}
	return 0;
}

