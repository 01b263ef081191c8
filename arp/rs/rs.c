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
 * namespace because namespaces share /run; a dead namespace's leftovers
 * are taken over or removed without a word. `check` finds either method
 * and says what is missing. Every argument is checked before anything
 * changes; an `up` that fails half way undoes its own changes.
 *
 * This file is the command line and main; the verbs live in up.c,
 * down.c and check.c, the ARP suppression in knobs.c (sysctl) and
 * nftarp.c (nft), the state file in state.c, --tun in tun.c.
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <net/if.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arp/kernel/netns.h"
#include "arp/kernel/rtnl.h"
#include "arp/rs/rs.h"

/* up or down, the state file locked when it is the default one. */
static int
rs_change(struct rs *rs, const char *verb)
{
	int	rc;

	if (rs_load(rs) < 0)
		return EXIT_PROBLEM;
	if (strcmp(verb, "down") == 0) {
		rs_tun_down(rs);
		return rs_down(rs);
	}
	if ((rc = rs_up(rs)) != 0 || rs->tun < 0)
		return rc;
	return rs_tun_up(rs);
}

/* check for each family given; 1 if either found a problem. */
static int
rs_check_all(struct rs *rs)
{
	int	rc = 0;

	if (rs->nvip > 0)
		rc = rs_tun_check(rs, rs_check(rs));
	if (rs->nvip6 > 0 && rs_check6(rs) != 0)
		rc = EXIT_PROBLEM;
	return rc;
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
		return rs_check_all(rs);
	/* a --state FILE's namespace is told by its inode too */
	if (rs->ino == 0 && (rc = uvs_netns_self(&rs->ino)) < 0) {
		fprintf(stderr, "uvs-rs: cannot tell this network namespace: "
		    "%s\n", strerror(-rc));
		return EXIT_PROBLEM;
	}
	if (rs->default_path && (lock = state_lock()) >= 0)
		state_sweep(rs);
	rc = rs_change(rs, verb);
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

/*
 * An IPv6 VIP lives on lo and nowhere else (vip6.c: the kernel answers
 * Neighbor Solicitations for addresses on the link they come in by), and
 * tunnel mode is IPv4's here.
 */
static int
v6_opts(const struct rs *rs)
{
	if (rs->nvip6 == 0)
		return 0;
	if (strcmp(rs->dev, "lo") != 0) {
		fprintf(stderr, "uvs-rs: --dev %s: an IPv6 VIP goes on lo "
		    "only (on %s the kernel answers Neighbor Solicitations "
		    "for it)\n", rs->dev, rs->dev);
		return -EINVAL;
	}
	if (rs->tun >= 0) {
		fprintf(stderr, "uvs-rs: --tun is for IPv4 VIPs\n");
		return -EINVAL;
	}
	return 0;
}

static void
usage(FILE *f)
{
	fprintf(f, "%s\n"
	    "  up     put each VIP/32 on lo; stop ARP answers and announcements"
	    " for it;\n"
	    "         an IPv6 VIP goes on lo as /128 nodad (the kernel keeps "
	    "it out of NDP)\n"
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
	    "the VIP)\n"
	    "  --tun ipip|gue|gre\n"
	    "                up: also take the director's tunnel mode (-i): "
	    "the kernel's\n"
	    "                tunl0/gre0 when it has them, else a user-space "
	    "decapsulator\n"
	    "                (raw or UDP socket in, TUN device out) that down "
	    "stops\n"
	    "  --tun-port N  up --tun gue: the UDP port (uvsadm's --tun-port)\n",
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
		{ "tun", required_argument, NULL, 't' },
		{ "tun-port", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	char		 path[PATH_MAX];
	struct rs	 rs = { .dev = "lo", .tun = -1 };
	const char	*verb, *why, *arp = NULL, *dev = NULL, *rip = NULL;
	const char	*tun = NULL, *tun_port = NULL;
	uint32_t	*vip;
	struct in6_addr	*vip6;
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
		case 't':
			tun = optarg;
			break;
		case 'p':
			tun_port = optarg;
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
	if (up_opts(&rs, verb, arp, dev, rip) < 0 ||
	    rs_tun_opts(&rs, verb, tun, tun_port) < 0)
		return EXIT_USAGE;
	vip = calloc(argc - optind, sizeof(*vip));
	vip6 = calloc(argc - optind, sizeof(*vip6));
	if (vip == NULL || vip6 == NULL) {
		fprintf(stderr, "uvs-rs: out of memory\n");
		free(vip);
		free(vip6);
		return EXIT_PROBLEM;
	}
	for (i = optind; i < argc; i++) {
		/* a colon makes it IPv6: no IPv4 address has one */
		if (strchr(argv[i], ':') != NULL)
			why = vip6_parse(argv[i], &vip6[rs.nvip6++]);
		else
			why = vip_parse(argv[i], &vip[rs.nvip++]);
		if (why != NULL) {
			fprintf(stderr, "uvs-rs: %s %s\n", argv[i], why);
			free(vip);
			free(vip6);
			return EXIT_USAGE;
		}
	}
	rs.vip = vip;
	rs.vip6 = vip6;
	if (v6_opts(&rs) < 0) {
		free(vip);
		free(vip6);
		return EXIT_USAGE;
	}
	rc = rs_run(&rs, verb, path, sizeof(path));
	state_free(&rs.st);
	free(rs.found);
	free(rs.nft_undo);
	free(vip);
	free(vip6);
	return rc;
}

