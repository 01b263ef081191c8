/*
 * uvs-rs: the real-server half of LVS Direct Routing. `up` puts each VIP
 * on lo, so the host accepts frames the director sends it, and keeps the
 * host from answering or announcing ARP for the VIP in one of two ways:
 * --arp sysctl (default) raises arp_ignore/arp_announce, as `ifconfig
 * lo:0` recipes did; --arp nft loads the arptables_jf pair as nftables
 * arp rules (table arp uvs-rs): drop ARP whose target is the VIP, and
 * rewrite the VIP as sender of the host's own ARP to its real address.
 * Only the nft rules protect a VIP on an Ethernet device (--dev eth0):
 * the kernel answers ARP for an address on the receiving interface
 * whatever arp_ignore=1 says. `down` undoes exactly what `up` changed and
 * nothing else: `up` records each change in a state file, one per network
 * namespace because namespaces share /run. A state file left by a
 * namespace that no longer exists is not the user's business: it is
 * dropped without a word, and removed (netns.c tells which namespaces
 * live). `check` finds either method and says what is missing. Every
 * argument is checked before anything changes; an `up` that fails half
 * way undoes its own changes.
 */
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter_arp.h>
#include <linux/rtnetlink.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "arp/kernel/addr.h"
#include "arp/arp.h"
#include "arp/kernel/netns.h"
#include "arp/kernel/nft.h"
#include "arp/kernel/rtnl.h"
#include "arp/kernel/sysctl.h"

#define STATE_DIR	"/run/uvs"
#define VIP_PREFIX	32
#define LINE_MAX_LEN	256

#define USAGE		"usage: uvs-rs [--state FILE] [--arp sysctl|nft] " \
			"[--dev IFACE] [--rip ADDR] up|check|down VIP..."

/* The arptables_jf pair as nft arp rules: one table, two base chains. */
#define NFT_TABLE	"uvs-rs"
#define NFT_IN		"input"
#define NFT_OUT		"output"
#define NFT_PRIORITY	0	/* filter, where arptables' filter table sat */
/* ARP fields from the ARP header on (RFC 826): arp.h's, less Ethernet's */
#define ARP_OFF_SPA	(UVS_ARP_OFF_SPA - UVS_ARP_OFF)
#define ARP_OFF_TPA	(UVS_ARP_OFF_TPA - UVS_ARP_OFF)
#define NFT_RULE_BYTES	1024	/* one VIP's two rules with room to spare */

enum { EXIT_PROBLEM = 1, EXIT_USAGE = 2 };
enum rs_method { ARP_SYSCTL, ARP_NFT };

/* A sysctl up raises, and which values keep ARP for a VIP on lo quiet. */
struct rs_rule {
	const char	*key;
	int		 want;
	int		(*ok)(int);
	const char	*why;	/* what goes wrong when it is not ok */
};

struct rs_vip {
	uint32_t	addr;
	int		added;		/* up put it there, down takes it off */
	int		fresh;		/* this run added it: undone on failure */
	char		dev[IF_NAMESIZE];	/* where: lo, or --dev */
};

/* A VIP whose ARP the nft rules handle, and the sender put in its place. */
struct rs_nft {
	uint32_t	vip;
	uint32_t	rip;
};

struct rs_knob {
	char			 ifname[IF_NAMESIZE];
	const struct rs_rule	*rule;
	int			 old;	/* before the first up: down restores */
	int			 undo;	/* before this run: failure restores */
	int			 fresh;
};

struct rs_state {
	uint64_t	 netns;		/* SO_NETNS_COOKIE of the writer, 0 unknown */
	uint64_t	 netns_ino;	/* the writer's netns inode, 0 unknown */
	struct rs_vip	*vip;
	size_t		 nvip;
	struct rs_knob	*knob;
	size_t		 nknob;
	struct rs_nft	*nft;
	size_t		 nnft;
};

/* What check found for one VIP. */
struct rs_found {
	int		ifindex;	/* holding it, 0 none, <0 unknown */
	uint8_t		prefixlen;
	int		nft_drop;	/* input: ARP for it dropped */
	int		nft_rewrite;	/* output: it rewritten as sender */
	uint32_t	rip;		/* ... to this */
};

struct rs {
	const char	*path;		/* the state file */
	int		 default_path;	/* path is STATE_DIR's, named for ino */
	uint64_t	 ino;		/* this network namespace's inode */
	const uint32_t	*vip;		/* from the command line */
	size_t		 nvip;
	int		 lo;
	enum rs_method	 method;	/* up: --arp */
	char		 dev[IF_NAMESIZE];	/* up: --dev, else lo */
	uint32_t	 rip;		/* up: --rip, 0 to look it up */
	int		 all[2];	/* check: the "all" values, by rule */
	int		 nbad;		/* check: problems found */
	int		 nif;		/* check: interfaces looked at */
	int		 quiet;		/* check_if: count, do not print */
	struct rs_found	*found;		/* check: by VIP */
	struct rs_state	 st;
	struct rs_nft	*nft_undo;	/* up: st.nft before this run */
	size_t		 nnft_undo;
	int		 nft_changed;	/* up: the rules were reloaded */
};

/*
 * 1 and 2 answer only for addresses on the incoming interface, 8 never
 * answers. 3 still answers for a scope global VIP and 4-7 act as 0
 * (arp_ignore() in net/ipv4/arp.c), so "more" is not always "safer".
 */
static int
ignore_ok(int v)
{
	return v == 1 || v == 2 || v == 8;
}

/* Only 2 keeps the VIP out of ARP requests; arp_solicit() treats >2 as 0. */
static int
announce_ok(int v)
{
	return v == 2;
}

static const struct rs_rule rs_rules[] = {
	{ .key = "arp_ignore", .want = 1, .ok = ignore_ok,
	  .why = "this host answers ARP for the VIP, so clients that hear it "
	  "send VIP traffic here, past the director" },
	{ .key = "arp_announce", .want = 2, .ok = announce_ok,
	  .why = "this host's own ARP requests carry the VIP as sender, so "
	  "the hosts asked learn the VIP at this MAC and send VIP traffic "
	  "here, past the director" },
};
#define NRULES	(sizeof(rs_rules) / sizeof(rs_rules[0]))

static const char *
ip_str(uint32_t addr, char *buf)
{
	struct in_addr	in = { .s_addr = addr };

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

static const struct rs_rule *
rule_by_key(const char *key)
{
	size_t	i;

	for (i = 0; i < NRULES; i++)
		if (strcmp(rs_rules[i].key, key) == 0)
			return &rs_rules[i];
	return NULL;
}

/* The namespace's cookie is never reused within a boot; its inode is. */
static uint64_t
netns_cookie(void)
{
	uint64_t	cookie = 0;
#ifdef SO_NETNS_COOKIE
	socklen_t	len = sizeof(cookie);
	int		fd;

	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return 0;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) < 0)
		cookie = 0;
	close(fd);
#endif
	return cookie;
}

static struct rs_vip *
state_find_vip(struct rs_state *st, uint32_t addr)
{
	size_t	i;

	for (i = 0; i < st->nvip; i++)
		if (st->vip[i].addr == addr)
			return &st->vip[i];
	return NULL;
}

static struct rs_knob *
state_find_knob(struct rs_state *st, const char *ifname,
    const struct rs_rule *rule)
{
	size_t	i;

	for (i = 0; i < st->nknob; i++)
		if (st->knob[i].rule == rule &&
		    strcmp(st->knob[i].ifname, ifname) == 0)
			return &st->knob[i];
	return NULL;
}

static struct rs_vip *
state_add_vip(struct rs_state *st, uint32_t addr, int added, const char *dev)
{
	struct rs_vip	*v;

	if (strlen(dev) >= IF_NAMESIZE)
		return NULL;
	if ((v = reallocarray(st->vip, st->nvip + 1, sizeof(*v))) == NULL)
		return NULL;
	st->vip = v;
	v = &st->vip[st->nvip++];
	*v = (struct rs_vip){ .addr = addr, .added = added };
	strcpy(v->dev, dev);
	return v;
}

static struct rs_nft *
state_find_nft(struct rs_state *st, uint32_t vip)
{
	size_t	i;

	for (i = 0; i < st->nnft; i++)
		if (st->nft[i].vip == vip)
			return &st->nft[i];
	return NULL;
}

/* Records that the nft rules handle vip, rewriting it to rip. */
static int
state_set_nft(struct rs_state *st, uint32_t vip, uint32_t rip)
{
	struct rs_nft	*e;

	if ((e = state_find_nft(st, vip)) == NULL) {
		e = reallocarray(st->nft, st->nnft + 1, sizeof(*e));
		if (e == NULL)
			return -ENOMEM;
		st->nft = e;
		e = &st->nft[st->nnft++];
	}
	*e = (struct rs_nft){ .vip = vip, .rip = rip };
	return 0;
}

static struct rs_knob *
state_add_knob(struct rs_state *st, const char *ifname,
    const struct rs_rule *rule, int old)
{
	struct rs_knob	*k;

	if (strlen(ifname) >= IF_NAMESIZE)
		return NULL;
	if ((k = reallocarray(st->knob, st->nknob + 1, sizeof(*k))) == NULL)
		return NULL;
	st->knob = k;
	k = &st->knob[st->nknob++];
	*k = (struct rs_knob){ .rule = rule, .old = old, .undo = old };
	strcpy(k->ifname, ifname);
	return k;
}

static void
state_free(struct rs_state *st)
{
	free(st->vip);
	free(st->knob);
	free(st->nft);
	*st = (struct rs_state){ 0 };
}

/* One line of the file state_save writes; -EINVAL for anything else. */
static int
state_parse(struct rs_state *st, const char *line)
{
	char			 a[LINE_MAX_LEN], b[LINE_MAX_LEN];
	char			 c[LINE_MAX_LEN] = "lo";
	const struct rs_rule	*rule;
	struct in_addr		 in, in2;
	uint64_t		 cookie, ino = 0;
	int			 v, n = -1, m = -1;

	if (line[0] == '#' || line[0] == '\n')
		return 0;
	/* "netns COOKIE INODE"; files before the inode have the cookie alone */
	if (sscanf(line, "netns %" SCNu64 " %n", &cookie, &n) == 1 && n > 0 &&
	    (line[n] == '\0' || (sscanf(line + n, "%" SCNu64 " %n", &ino,
	    &m) == 1 && m > 0 && line[n + m] == '\0'))) {
		st->netns = cookie;
		st->netns_ino = ino;
		return 0;
	}
	n = -1;
	if (sscanf(line, "vip %255s %255s %n", a, b, &n) == 2 && n > 0) {
		/* then DEV, or nothing for lo as files before --dev say */
		if (line[n] != '\0' && (sscanf(line + n, "%255s %n", c,
		    &m) != 1 || line[n + m] != '\0'))
			return -EINVAL;
		if (strlen(c) >= IF_NAMESIZE)
			return -EINVAL;
		if (inet_pton(AF_INET, a, &in) != 1 || state_find_vip(st,
		    in.s_addr) != NULL)
			return -EINVAL;
		if (strcmp(b, "added") != 0 && strcmp(b, "present") != 0)
			return -EINVAL;
		if (state_add_vip(st, in.s_addr, b[0] == 'a', c) == NULL)
			return -ENOMEM;
		return 0;
	}
	n = -1;
	if (sscanf(line, "nft %255s %255s %n", a, b, &n) == 2 &&
	    n > 0 && line[n] == '\0') {
		if (inet_pton(AF_INET, a, &in) != 1 ||
		    inet_pton(AF_INET, b, &in2) != 1 ||
		    state_find_nft(st, in.s_addr) != NULL)
			return -EINVAL;
		return state_set_nft(st, in.s_addr, in2.s_addr);
	}
	n = -1;
	if (sscanf(line, "sysctl %255s %255s %d %n", a, b, &v, &n) == 3 &&
	    n > 0 && line[n] == '\0') {
		if ((rule = rule_by_key(b)) == NULL ||
		    strlen(a) >= IF_NAMESIZE || state_find_knob(st, a, rule))
			return -EINVAL;
		if (state_add_knob(st, a, rule, v) == NULL)
			return -ENOMEM;
		return 0;
	}
	return -EINVAL;
}

/* 0, -ENOENT when there is no file, -errno; *lineno names a bad line. */
static int
state_load(struct rs_state *st, const char *path, int *lineno)
{
	char	 line[LINE_MAX_LEN];
	FILE	*f;
	int	 rc = 0;

	*lineno = 0;
	if ((f = fopen(path, "re")) == NULL)
		return -errno;
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		++*lineno;
		rc = state_parse(st, line);
	}
	if (rc == 0 && ferror(f))
		rc = -EIO;
	fclose(f);
	return rc;
}

/* Written whole to a temporary file and renamed, so never half there. */
static int
state_save(const struct rs_state *st, const char *path)
{
	char	 tmp[PATH_MAX], ip[INET_ADDRSTRLEN];
	size_t	 i;
	FILE	*f;
	int	 fd, rc = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if ((f = fdopen(fd, "w")) == NULL) {
		rc = -errno;
		close(fd);
		unlink(tmp);
		return rc;
	}
	fprintf(f, "# uvs-rs: what `up` changed, for `down` to undo\n");
	if (st->netns != 0)
		fprintf(f, "netns %" PRIu64 " %" PRIu64 "\n", st->netns,
		    st->netns_ino);
	for (i = 0; i < st->nvip; i++)
		fprintf(f, "vip %s %s%s%s\n", ip_str(st->vip[i].addr, ip),
		    st->vip[i].added ? "added" : "present",
		    strcmp(st->vip[i].dev, "lo") == 0 ? "" : " ",
		    strcmp(st->vip[i].dev, "lo") == 0 ? "" : st->vip[i].dev);
	for (i = 0; i < st->nnft; i++) {
		fprintf(f, "nft %s", ip_str(st->nft[i].vip, ip));
		fprintf(f, " %s\n", ip_str(st->nft[i].rip, ip));
	}
	for (i = 0; i < st->nknob; i++)
		fprintf(f, "sysctl %s %s %d\n", st->knob[i].ifname,
		    st->knob[i].rule->key, st->knob[i].old);
	if (ferror(f) || fflush(f) != 0 || fsync(fd) < 0)
		rc = errno != 0 ? -errno : -EIO;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	return rc;
}

/*
 * Whether the namespace that wrote rs->st (under another cookie) is gone
 * for sure: it had our inode (a live namespace's inode is its own, so that
 * one died and ours took the number), or nothing on this host holds its
 * inode. A file of the default path has our inode in its name.
 */
static int
state_stale(const struct rs *rs)
{
	struct uvs_netns_set	live = { 0 };
	int			stale;

	if (rs->st.netns_ino == 0)
		return rs->default_path;
	if (rs->st.netns_ino == rs->ino)
		return 1;
	stale = uvs_netns_live(&live) == 0 &&
	    !uvs_netns_has(&live, rs->st.netns_ino);
	uvs_netns_free(&live);
	return stale;
}

/*
 * Reads what earlier runs changed. Inodes of dead namespaces are reused,
 * so a file written under another cookie is not ours to undo: dropped
 * quietly when its namespace is gone (up then writes ours over it, down
 * removes it), with a word when that namespace may still live (a --state
 * FILE shared by two).
 */
static int
rs_load(struct rs *rs)
{
	uint64_t	cookie = netns_cookie();
	int		rc, lineno;

	rc = state_load(&rs->st, rs->path, &lineno);
	if (rc < 0 && rc != -ENOENT) {
		if (rc == -EINVAL)
			fprintf(stderr, "uvs-rs: %s line %d is not one uvs-rs "
			    "wrote\n", rs->path, lineno);
		else
			fprintf(stderr, "uvs-rs: %s: %s\n", rs->path,
			    strerror(-rc));
		return rc;
	}
	if (rs->st.netns != 0 && cookie != 0 && rs->st.netns != cookie) {
		if (!state_stale(rs))
			fprintf(stderr, "uvs-rs: %s was written in another "
			    "network namespace; ignoring it\n", rs->path);
		state_free(&rs->st);
	}
	if (rs->st.netns == 0)
		rs->st.netns = cookie;
	rs->st.netns_ino = rs->ino;
	return 0;
}

/*
 * Takes STATE_DIR's lock: one uvs-rs at a time reads and writes the
 * default state files, so the sweep never takes one being written. The
 * lock's fd, or -1 (no directory, no lock: then no sweep either).
 */
static int
state_lock(void)
{
	int	fd;

	if ((fd = open(STATE_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	if (flock(fd, LOCK_EX) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Removes the default state files of namespaces that no longer exist
 * (deleted without `uvs-rs down`): rs-<inode>.state whose inode nothing
 * on this host holds. Only when netns.c can see every namespace; a file
 * it cannot judge stays.
 */
static void
state_sweep(const struct rs *rs)
{
	struct uvs_netns_set	 live = { 0 };
	char			 path[PATH_MAX];
	struct dirent		*de;
	uint64_t		 ino;
	int			 n, known = 0;
	DIR			*d;

	if ((d = opendir(STATE_DIR)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		n = -1;
		if (sscanf(de->d_name, "rs-%" SCNu64 ".state%n", &ino,
		    &n) != 1 || n < 0 || de->d_name[n] != '\0' ||
		    ino == rs->ino)
			continue;
		if (!known && uvs_netns_live(&live) < 0)
			break;
		known = 1;
		if (uvs_netns_has(&live, ino))
			continue;
		snprintf(path, sizeof(path), STATE_DIR "/%s", de->d_name);
		unlink(path);
	}
	closedir(d);
	uvs_netns_free(&live);
}

/* ---- the arptables_jf pair as nft arp rules ---------------------------- */

/* ARP for IPv4 over Ethernet: only then are the addresses at ARP_OFF_*. */
static void
match_arp(struct uvs_nft_batch *b, uint32_t off, uint32_t addr)
{
	struct arphdr	h = {
		.ar_hrd = htons(ARPHRD_ETHER),
		.ar_pro = htons(ETHERTYPE_IP),
		.ar_hln = ETH_ALEN,
		.ar_pln = sizeof(addr),
	};

	/* the fixed fields up to, not with, the operation: any op */
	uvs_nft_payload(b, NFT_PAYLOAD_NETWORK_HEADER, 0,
	    offsetof(struct arphdr, ar_op), NFT_REG_1);
	uvs_nft_cmp_eq(b, NFT_REG_1, &h, offsetof(struct arphdr, ar_op));
	uvs_nft_payload(b, NFT_PAYLOAD_NETWORK_HEADER, off, sizeof(addr),
	    NFT_REG_1);
	uvs_nft_cmp_eq(b, NFT_REG_1, &addr, sizeof(addr));
}

/* arptables -A IN -d VIP -j DROP */
static void
nft_rule_in(struct uvs_nft_batch *b, uint32_t vip)
{
	uvs_nft_rule_begin(b, NFPROTO_ARP, NFT_TABLE, NFT_IN);
	match_arp(b, ARP_OFF_TPA, vip);
	uvs_nft_counter(b);
	uvs_nft_verdict(b, NF_DROP);
	uvs_nft_rule_end(b);
}

/* arptables -A OUT -s VIP -j mangle --mangle-ip-s RIP */
static void
nft_rule_out(struct uvs_nft_batch *b, uint32_t vip, uint32_t rip)
{
	uvs_nft_rule_begin(b, NFPROTO_ARP, NFT_TABLE, NFT_OUT);
	match_arp(b, ARP_OFF_SPA, vip);
	uvs_nft_counter(b);
	uvs_nft_immediate(b, NFT_REG_1, &rip, sizeof(rip));
	uvs_nft_payload_set(b, NFT_PAYLOAD_NETWORK_HEADER, ARP_OFF_SPA,
	    sizeof(rip), NFT_REG_1);
	uvs_nft_rule_end(b);
}

/*
 * Loads the rules for every VIP in st->nft as one batch, replacing what
 * the table had; with none left the table goes. 0 or -errno.
 */
static int
nft_load(const struct rs_state *st)
{
	const struct uvs_nft_hook in = { .hooknum = NF_ARP_IN,
	    .priority = NFT_PRIORITY };
	const struct uvs_nft_hook out = { .hooknum = NF_ARP_OUT,
	    .priority = NFT_PRIORITY };
	struct uvs_nft_batch	 b;
	struct uvs_nft		 n;
	size_t			 i, size = NFT_RULE_BYTES * (st->nnft + 2);
	char			*buf;
	int			 rc;

	if ((buf = malloc(size)) == NULL)
		return -ENOMEM;
	if ((rc = uvs_nft_open(&n)) < 0) {
		free(buf);
		return rc;
	}
	uvs_nft_batch_init(&b, buf, size);
	if (st->nnft == 0)
		uvs_nft_table_del(&b, NFPROTO_ARP, NFT_TABLE);
	else {
		/* persistent, not owned: the rules outlive uvs-rs */
		uvs_nft_table_add(&b, NFPROTO_ARP, NFT_TABLE, 0);
		uvs_nft_chain_add(&b, NFPROTO_ARP, NFT_TABLE, NFT_IN, &in);
		uvs_nft_chain_add(&b, NFPROTO_ARP, NFT_TABLE, NFT_OUT, &out);
		uvs_nft_chain_flush(&b, NFPROTO_ARP, NFT_TABLE, NFT_IN);
		uvs_nft_chain_flush(&b, NFPROTO_ARP, NFT_TABLE, NFT_OUT);
	}
	for (i = 0; i < st->nnft; i++) {
		nft_rule_in(&b, st->nft[i].vip);
		nft_rule_out(&b, st->nft[i].vip, st->nft[i].rip);
	}
	rc = uvs_nft_batch_send(&n, &b);
	uvs_nft_close(&n);
	free(buf);
	/* no table to delete is what was wanted */
	return st->nnft == 0 && rc == -ENOENT ? 0 : rc;
}

/* ---- the real server's own address, for the rewritten sender ---------- */

struct route_find {
	uint32_t	dst;
	int		len;		/* longest prefix so far, -1 none */
	int		oif;
};

/* The main table's longest unicast route to f->dst names the interface. */
static int
route_msg(const struct nlmsghdr *nlh, void *data)
{
	struct route_find	*f = data;
	const struct nlattr	*a;
	const struct rtmsg	*rtm;
	uint32_t		 dst = 0, table, mask;
	int			 oif = 0;

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*rtm)))
		return MNL_CB_OK;
	rtm = mnl_nlmsg_get_payload(nlh);
	if (rtm->rtm_family != AF_INET || rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	table = rtm->rtm_table;
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			continue;
		if (mnl_attr_get_type(a) == RTA_DST)
			dst = mnl_attr_get_u32(a);
		else if (mnl_attr_get_type(a) == RTA_OIF)
			oif = (int)mnl_attr_get_u32(a);
		else if (mnl_attr_get_type(a) == RTA_TABLE)
			table = mnl_attr_get_u32(a);
	}
	mask = rtm->rtm_dst_len == 0 ? 0 :
	    htonl(~0u << (32 - rtm->rtm_dst_len));
	if (table != RT_TABLE_MAIN || oif == 0 || ((f->dst ^ dst) & mask) ||
	    rtm->rtm_dst_len <= f->len)
		return MNL_CB_OK;
	f->len = rtm->rtm_dst_len;
	f->oif = oif;
	return MNL_CB_OK;
}

struct addr_primary {
	const struct rs	*rs;
	int		 ifindex;
	uint32_t	 addr;		/* the first found, 0 none */
};

/* The interface's first primary global address that is no VIP of ours. */
static int
primary_msg(const struct nlmsghdr *nlh, void *data)
{
	struct addr_primary	*p = data;
	const struct ifaddrmsg	*ifa;
	const struct nlattr	*a;
	uint32_t		 addr = 0;
	size_t			 i;

	if (nlh->nlmsg_type != RTM_NEWADDR || p->addr != 0 ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifa)))
		return MNL_CB_OK;
	ifa = mnl_nlmsg_get_payload(nlh);
	if (ifa->ifa_family != AF_INET || (int)ifa->ifa_index != p->ifindex ||
	    (ifa->ifa_flags & IFA_F_SECONDARY) ||
	    ifa->ifa_scope != RT_SCOPE_UNIVERSE)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ifa))
		if (mnl_attr_get_type(a) == IFA_LOCAL &&
		    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			addr = mnl_attr_get_u32(a);
	for (i = 0; i < p->rs->nvip; i++)
		if (addr == p->rs->vip[i])
			return MNL_CB_OK;
	p->addr = addr;
	return MNL_CB_OK;
}

/*
 * The address this host's ARP should carry in place of vip: --rip, or
 * the primary address of the interface holding the route towards vip's
 * network (where the director and the clients are). 0 or -errno, said.
 */
static int
find_rip(const struct rs *rs, uint32_t vip, uint32_t *rip)
{
	char			 buf[MNL_SOCKET_BUFFER_SIZE], ip[INET_ADDRSTRLEN];
	struct route_find	 route = { .dst = vip, .len = -1 };
	struct addr_primary	 prim = { .rs = rs };
	struct nlmsghdr		*nlh;
	struct rtmsg		*rtm;
	struct ifaddrmsg	*ifa;
	int			 rc;

	if (rs->rip != 0) {
		*rip = rs->rip;
		return 0;
	}
	nlh = mnl_nlmsg_put_header(memset(buf, 0, sizeof(buf)));
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	if ((rc = uvs_rtnl_talk(nlh, route_msg, &route)) >= 0 &&
	    route.oif == 0)
		rc = -ENETUNREACH;
	if (rc >= 0) {
		nlh = mnl_nlmsg_put_header(memset(buf, 0, sizeof(buf)));
		nlh->nlmsg_type = RTM_GETADDR;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
		ifa->ifa_family = AF_INET;
		prim.ifindex = route.oif;
		if ((rc = uvs_rtnl_talk(nlh, primary_msg, &prim)) >= 0 &&
		    prim.addr == 0)
			rc = -EADDRNOTAVAIL;
	}
	if (rc < 0) {
		fprintf(stderr, "uvs-rs: cannot tell this host's own address "
		    "on the way to %s (%s); give it: --rip ADDR\n",
		    ip_str(vip, ip), strerror(-rc));
		return rc;
	}
	*rip = prim.addr;
	return 0;
}

/* Raises every rule on ifname that the kernel would not honour yet. */
static int
up_knobs(struct rs *rs, const char *ifname)
{
	const struct rs_rule	*rule;
	struct rs_knob		*k;
	size_t			 i;
	int			 v, rc;

	for (i = 0; i < NRULES; i++) {
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

static int
rs_up(struct rs *rs)
{
	size_t	i;
	int	rc;

	if (up_precheck(rs) < 0)
		return EXIT_PROBLEM;
	/*
	 * ARP first: a VIP on lo while arp_ignore is still 0 (or before the
	 * nft rules) would answer the clients' ARP and pull the director's
	 * traffic to this host.
	 */
	if (rs->method == ARP_NFT)
		rc = up_nft(rs);
	else if ((rc = up_knobs(rs, "all")) == 0 &&
	    (rc = uvs_sysctl_each_if(up_if, rs)) < 0)
		fprintf(stderr, "uvs-rs: cannot list interfaces: %s\n",
		    strerror(-rc));
	for (i = 0; rc == 0 && i < rs->nvip; i++)
		rc = up_vip(rs, rs->vip[i]);
	if (rc == 0 && (rc = state_save(&rs->st, rs->path)) < 0)
		fprintf(stderr, "uvs-rs: cannot write %s: %s\n", rs->path,
		    strerror(-rc));
	if (rc != 0) {
		up_undo(rs);
		return EXIT_PROBLEM;
	}
	return 0;
}

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

static int
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
	if (rs->st.nvip == 0)
		bad |= down_knobs(rs);
	if (rs->st.nvip == 0 && rs->st.nknob == 0 && rs->st.nnft == 0)
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
	for (i = 0; i < NRULES; i++) {
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

static int
rs_check(struct rs *rs)
{
	char		ip[INET_ADDRSTRLEN], dev[IF_NAMESIZE] = "";
	long long	bad_csum;
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
	for (i = 0; i < NRULES; i++) {
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
	if ((bad_csum = csum_errors()) > 0)
		printf("uvs-rs: note: %lld TCP/UDP packets reached this host "
		    "with bad checksums (InCsumErrors in nstat): a forwarder "
		    "on the way sends frames on without their checksum-offload "
		    "state, and the connections they carry hang; fix the "
		    "forwarder (uvsd: run it without --no-vnet)\n", bad_csum);
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

/* NULL when s is a VIP, or what is wrong with it. */
static const char *
vip_parse(const char *s, uint32_t *addr)
{
	struct in_addr	in;
	uint32_t	h;

	if (inet_pton(AF_INET, s, &in) != 1)
		return "is not a dotted IPv4 address";
	h = ntohl(in.s_addr);
	/* 0/8 is "this host", 127/8 loopback, 224/3 multicast and beyond. */
	if ((h >> 24) == 0 || (h >> 24) == 127 || (h >> 29) == 7)
		return "is not a unicast address";
	*addr = in.s_addr;
	return NULL;
}

static int
state_default_path(char *buf, size_t size, uint64_t ino)
{
	int	n;

	n = snprintf(buf, size, STATE_DIR "/rs-%" PRIu64 ".state", ino);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

/* Everything after the arguments proved good; returns the exit code. */
static int
rs_run(struct rs *rs, const char *verb, char *path, size_t size)
{
	int	rc, lock = -1;

	if (rs->path == NULL) {
		if ((rc = uvs_netns_self(&rs->ino)) < 0 ||
		    (rc = state_default_path(path, size, rs->ino)) < 0) {
			fprintf(stderr, "uvs-rs: cannot name the state file: "
			    "%s\n", strerror(-rc));
			return EXIT_PROBLEM;
		}
		rs->path = path;
		rs->default_path = 1;
		if (strcmp(verb, "up") == 0 && mkdir(STATE_DIR, 0700) < 0 &&
		    errno != EEXIST) {
			fprintf(stderr, "uvs-rs: cannot make %s: %s\n",
			    STATE_DIR, strerror(errno));
			return EXIT_PROBLEM;
		}
	}
	if ((rs->lo = if_nametoindex("lo")) == 0) {
		fprintf(stderr, "uvs-rs: no lo here: %s\n", strerror(errno));
		return EXIT_PROBLEM;
	}
	if (strcmp(verb, "check") == 0)
		return rs_check(rs);
	/* a --state FILE's namespace is told by its inode too */
	if (rs->ino == 0 && (rc = uvs_netns_self(&rs->ino)) < 0) {
		fprintf(stderr, "uvs-rs: cannot tell this network namespace: "
		    "%s\n", strerror(-rc));
		return EXIT_PROBLEM;
	}
	if (rs->default_path && (lock = state_lock()) >= 0)
		state_sweep(rs);
	if (rs_load(rs) < 0)
		rc = EXIT_PROBLEM;
	else if (strcmp(verb, "down") == 0)
		rc = rs_down(rs);
	else
		rc = rs_up(rs);
	if (lock >= 0)
		close(lock);
	return rc;
}

/* --arp, --dev, --rip: checked whole before anything changes. */
static int
up_opts(struct rs *rs, const char *verb, const char *arp, const char *dev,
    const char *rip)
{
	const char	*why;
	size_t		 len;

	if ((arp || dev || rip) && strcmp(verb, "up") != 0) {
		fprintf(stderr, "uvs-rs: --arp, --dev and --rip are for up "
		    "(check finds either method, down undoes what up did)\n");
		return -EINVAL;
	}
	if (arp && strcmp(arp, "nft") == 0)
		rs->method = ARP_NFT;
	else if (arp && strcmp(arp, "sysctl") != 0) {
		fprintf(stderr, "uvs-rs: --arp %s: sysctl or nft\n", arp);
		return -EINVAL;
	}
	if (rip && rs->method != ARP_NFT) {
		fprintf(stderr, "uvs-rs: --rip is for --arp nft\n");
		return -EINVAL;
	}
	if (rip && (why = vip_parse(rip, &rs->rip)) != NULL) {
		fprintf(stderr, "uvs-rs: --rip %s %s\n", rip, why);
		return -EINVAL;
	}
	if (dev == NULL)
		return 0;
	/* an alias label (eth0:1) names its device; the label is cosmetic */
	len = strcspn(dev, ":");
	if (len == 0 || len >= sizeof(rs->dev)) {
		fprintf(stderr, "uvs-rs: --dev %s is no interface name\n", dev);
		return -EINVAL;
	}
	memcpy(rs->dev, dev, len);
	rs->dev[len] = '\0';
	if (if_nametoindex(rs->dev) == 0) {
		fprintf(stderr, "uvs-rs: --dev %s: no interface %s\n", dev,
		    rs->dev);
		return -EINVAL;
	}
	if (rs->method != ARP_NFT && strcmp(rs->dev, "lo") != 0) {
		fprintf(stderr, "uvs-rs: --dev %s needs --arp nft: %s answers "
		    "ARP for its own addresses whatever arp_ignore says\n",
		    dev, rs->dev);
		return -EINVAL;
	}
	return 0;
}

static void
usage(FILE *f)
{
	fprintf(f, "%s\n"
	    "  up     put each VIP/32 on lo; stop ARP answers and announcements"
	    " for it\n"
	    "  check  say what is missing; exit 1 if anything is\n"
	    "  down   undo what up changed, and only that\n"
	    "  --state FILE  where up records its changes\n"
	    "                (default " STATE_DIR "/rs-<netns inode>.state)\n"
	    "  --arp sysctl  up: arp_ignore=1, arp_announce=2 (the default)\n"
	    "  --arp nft     up: nftables arp rules instead, as arptables_jf "
	    "did:\n"
	    "                drop ARP for the VIP, send our own ARP from RIP, "
	    "not the VIP\n"
	    "                (table arp " NFT_TABLE ")\n"
	    "  --dev IFACE   up --arp nft: put the VIP on IFACE, not lo "
	    "(eth0:1 means eth0)\n"
	    "  --rip ADDR    up --arp nft: the sender address for our ARP "
	    "(default: the\n"
	    "                primary address of the interface routing to "
	    "the VIP)\n",
	    USAGE);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "state", required_argument, NULL, 's' },
		{ "arp", required_argument, NULL, 'a' },
		{ "dev", required_argument, NULL, 'd' },
		{ "rip", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	char		 path[PATH_MAX];
	struct rs	 rs = { .dev = "lo" };
	const char	*verb, *why, *arp = NULL, *dev = NULL, *rip = NULL;
	uint32_t	*vip;
	int		 ch, i, rc;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout);
			return 0;
		case 's':
			rs.path = optarg;
			break;
		case 'a':
			arp = optarg;
			break;
		case 'd':
			dev = optarg;
			break;
		case 'r':
			rip = optarg;
			break;
		case ':':
			fprintf(stderr, "uvs-rs: %s needs an argument\n",
			    argv[optind - 1]);
			return EXIT_USAGE;
		default:
			fprintf(stderr, "uvs-rs: unknown option %s (%s)\n",
			    argv[optind - 1], USAGE);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "uvs-rs: no verb given (%s)\n", USAGE);
		return EXIT_USAGE;
	}
	verb = argv[optind++];
	if (strcmp(verb, "up") != 0 && strcmp(verb, "check") != 0 &&
	    strcmp(verb, "down") != 0) {
		fprintf(stderr, "uvs-rs: unknown verb '%s' (up, check or down)\n",
		    verb);
		return EXIT_USAGE;
	}
	if (optind >= argc) {
		fprintf(stderr, "uvs-rs: %s needs at least one VIP\n", verb);
		return EXIT_USAGE;
	}
	if (up_opts(&rs, verb, arp, dev, rip) < 0)
		return EXIT_USAGE;
	if ((vip = calloc(argc - optind, sizeof(*vip))) == NULL) {
		fprintf(stderr, "uvs-rs: out of memory\n");
		return EXIT_PROBLEM;
	}
	for (i = optind; i < argc; i++) {
		if ((why = vip_parse(argv[i], &vip[i - optind])) != NULL) {
			fprintf(stderr, "uvs-rs: %s %s\n", argv[i], why);
			free(vip);
			return EXIT_USAGE;
		}
	}
	rs.vip = vip;
	rs.nvip = argc - optind;
	rc = rs_run(&rs, verb, path, sizeof(path));
	state_free(&rs.st);
	free(rs.found);
	free(rs.nft_undo);
	free(vip);
	return rc;
}
