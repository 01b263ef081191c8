/*
 * uvs-rs's own types, shared by its files: the command line's request
 * (struct rs), the state file's model (struct rs_state), what check
 * finds, and the functions one file offers another. Not a library
 * interface: nothing outside arp/rs includes it.
 */
#ifndef UVS_RS_H
#define UVS_RS_H

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define STATE_DIR	"/run/uvs"
#define VIP_PREFIX	32
#define VIP6_PREFIX	128
#define LINE_MAX_LEN	256

#define USAGE		"usage: uvs-rs [--state FILE] [--arp sysctl|nft] " \
			"[--tun ipip|gue|gre [--tun-port N]] " \
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

/* An IPv6 VIP: always on lo as /128 (VIP6_PREFIX), nodad. */
struct rs_vip6 {
	struct in6_addr	addr;
	int		added;		/* up put it there, down takes it off */
	int		fresh;		/* this run added it: undone on failure */
	int		nft;		/* up --arp nft: table ip6 uvs-rs has it */
	int		nft_undo;	/* nft before this run */
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
	struct rs_vip6	*vip6;
	size_t		 nvip6;
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
	const uint32_t	*vip;		/* from the command line: IPv4 */
	size_t		 nvip;
	const struct in6_addr *vip6;	/* ... and IPv6 */
	size_t		 nvip6;
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
	int		 tun;		/* up --tun: UVS_DECAP_*, -1 none */
	uint16_t	 tun_port;	/* up --tun gue --tun-port */
};

/* knobs.c: the sysctl rules, arp_ignore then arp_announce */
#define RS_NRULES	2
extern const struct rs_rule rs_rules[RS_NRULES];
const struct rs_rule *rule_by_key(const char *key);

static inline const char *
ip_str(uint32_t addr, char *buf)
{
	struct in_addr	in = { .s_addr = addr };

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

/* state.c */
struct rs_vip	*state_find_vip(struct rs_state *st, uint32_t addr);
struct rs_knob	*state_find_knob(struct rs_state *st, const char *ifname,
		    const struct rs_rule *rule);
struct rs_vip	*state_add_vip(struct rs_state *st, uint32_t addr, int added,
		    const char *dev);
struct rs_nft	*state_find_nft(struct rs_state *st, uint32_t vip);
int		 state_set_nft(struct rs_state *st, uint32_t vip,
		    uint32_t rip);
struct rs_knob	*state_add_knob(struct rs_state *st, const char *ifname,
		    const struct rs_rule *rule, int old);
void		 state_free(struct rs_state *st);
int		 state_parse(struct rs_state *st, const char *line);
int		 state_load(struct rs_state *st, const char *path,
		    int *lineno);
int		 state_save(const struct rs_state *st, const char *path);
int		 state_default_path(char *buf, size_t size, uint64_t ino);
int		 rs_load(struct rs *rs);
/*
 * state_lock: STATE_DIR's lock, so one uvs-rs at a time reads and writes
 * the default state files and the sweep never takes one being written;
 * its fd, or -1 (no directory: then no sweep either). state_sweep: removes
 * the default state files of namespaces nothing holds any more, when
 * netns.c can see every namespace; a file it cannot judge stays.
 */
int		 state_lock(void);
void		 state_sweep(const struct rs *rs);

/* nftarp.c, rip.c */
int		 nft_load(const struct rs_state *st);
int		 find_rip(const struct rs *rs, uint32_t vip, uint32_t *rip);

/* up.c, down.c, check.c: each returns the exit code */
int		 rs_up(struct rs *rs);
int		 rs_down(struct rs *rs);
int		 rs_check(struct rs *rs);
void		 rs_check_csum(void);

/* args.c: NULL when s is a VIP of that family, or what is wrong */
const char	*vip_parse(const char *s, uint32_t *addr);
const char	*vip6_parse(const char *s, struct in6_addr *addr);

/*
 * vip6.c: IPv6 VIPs. The kernel never answers a Neighbor Solicitation
 * for an address on lo arriving on another link, nor uses it as the
 * source of its own, so up6 puts the VIP on lo and needs nothing else;
 * check6 says whether that holds. state_*_vip6 keep the state file's
 * "vip6" lines. up6 and down6 change st only: their caller saves it.
 */
struct rs_vip6	*state_find_vip6(struct rs_state *st,
		    const struct in6_addr *addr);
struct rs_vip6	*state_add_vip6(struct rs_state *st,
		    const struct in6_addr *addr, int added);
int		 rs_up6(struct rs *rs);
/*
 * nft6.c: table ip6 uvs-rs for the vip6 entries marked nft, loaded whole
 * (none: the table goes); nft6_check says, by VIP, whether the input
 * rule (NS for it dropped) and the output rule (our NS from it dropped)
 * are there. 0 or -errno.
 */
int		 nft6_load(const struct rs_state *st);
int		 nft6_check(const struct in6_addr *vip, size_t nvip, int *in,
		    int *out);
void		 rs_up6_undo(struct rs *rs);
int		 rs_down6(struct rs *rs);
int		 rs_check6(struct rs *rs);

/*
 * tun.c: up --tun unwraps tunnel mode's packets (tundecap.h) once the
 * VIPs are up; down stops it; check adds its verdict to rc. rs_tun_opts
 * checks --tun and --tun-port whole. Exit codes, or 0 / -EINVAL.
 */
int	rs_tun_up(struct rs *rs);
void	rs_tun_down(struct rs *rs);
int	rs_tun_check(struct rs *rs, int rc);
int	rs_tun_opts(struct rs *rs, const char *verb, const char *tun,
	    const char *port);

#endif
