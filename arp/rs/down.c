/*
 * uvs-rs down: takes back what the state file says up changed: the VIPs
 * it added, then the nft rules, then the sysctls once no VIP needs them.
 * What could not be undone stays recorded for the next down.
 */
#include <arpa/inet.h>
#include <net/if.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "arp/kernel/addr.h"
#include "arp/kernel/rtnl.h"
#include "arp/kernel/sysctl.h"
#include "arp/rs/rs.h"

/* Restores the sysctls once no VIP needs them; keeps what failed. */
static int
down_knobs(struct rs *rs)
{
	struct rs_knob	*k;
	size_t		 i, kept = 0;
	int		 rc, bad = 0;

	for (i = 0; i < rs->st.nknob; i++) {
		k = &rs->st.knob[i];
		rc = uvs_sysctl_set(k->ifname, k->rule->key, k->old);
		if (rc < 0 && rc != -ENOENT) {
			fprintf(stderr, "uvs-rs: cannot restore %s on %s: %s\n",
			    k->rule->key, k->ifname, strerror(-rc));
			rs->st.knob[kept++] = *k;
			bad = 1;
		}
	}
	rs->st.nknob = kept;
	return bad;
}

int
rs_down(struct rs *rs)
{
	char		 ip[INET_ADDRSTRLEN];
	struct rs_vip	*v;
	struct rs_nft	*e;
	size_t		 i;
	int		 rc, ifindex, bad = 0, nft_changed = 0;

	/* VIPs first, the mirror of rs_up: never up with ARP answered. */
	for (i = 0; i < rs->nvip; i++) {
		if ((v = state_find_vip(&rs->st, rs->vip[i])) == NULL) {
			fprintf(stderr, "uvs-rs: %s was not put up by uvs-rs "
			    "(not in %s); left alone\n",
			    ip_str(rs->vip[i], ip), rs->path);
			bad = 1;
			continue;
		}
		/* a device that is gone took the address with it */
		ifindex = (int)if_nametoindex(v->dev);
		rc = v->added && ifindex > 0 ?
		    uvs_addr_del(ifindex, v->addr, VIP_PREFIX) : 0;
		if (rc < 0 && rc != -EADDRNOTAVAIL) {
			fprintf(stderr, "uvs-rs: cannot take %s off %s: %s\n",
			    ip_str(v->addr, ip), v->dev, strerror(-rc));
			bad = 1;
			continue;
		}
		*v = rs->st.vip[--rs->st.nvip];
		if ((e = state_find_nft(&rs->st, rs->vip[i])) != NULL) {
			*e = rs->st.nft[--rs->st.nnft];
			nft_changed = 1;
		}
	}
	if (nft_changed && (rc = nft_load(&rs->st)) < 0) {
		fprintf(stderr, "uvs-rs: cannot update the nft arp rules "
		    "(table arp " NFT_TABLE "): %s\n", strerror(-rc));
		bad = 1;
	}
	bad |= rs_down6(rs);
	if (rs->st.nvip == 0)
		bad |= down_knobs(rs);
	if (rs->st.nvip == 0 && rs->st.nknob == 0 && rs->st.nnft == 0 &&
	    rs->st.nvip6 == 0)
		rc = unlink(rs->path) < 0 && errno != ENOENT ? -errno : 0;
	else
		rc = state_save(&rs->st, rs->path);
	if (rc < 0) {
		fprintf(stderr, "uvs-rs: cannot update %s: %s\n", rs->path,
		    strerror(-rc));
		bad = 1;
	}
	return bad ? EXIT_PROBLEM : 0;
}

