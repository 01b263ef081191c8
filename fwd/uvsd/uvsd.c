/*
 * uvsd: the director of a user-space LVS-DR cluster. Worker threads
 * (-j N, one without -j; workers.h) take the frames, decide each one
 * (forward.c) and send it on. This thread is the control plane only:
 * one loop waits on the control socket, rtnetlink, the health probes,
 * the --metrics scrapers and the links' errors, and once a second
 * keeps time. So a slow uvsadm reader or a big -R never holds up a
 * frame, and every way of running uvsd forwards by the same code.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fwd/data/clock.h"
#include "fwd/control/ctl.h"
#include "fwd/lang/ctlmsg.h"
#include "fwd/control/diagnose.h"
#include "fwd/control/ifclaim.h"
#include "fwd/control/director.h"
#include "fwd/control/follow.h"
#include "fwd/control/reload.h"
#include "fwd/health/confload.h"
#include "fwd/health/dirhealth.h"
#include "fwd/health/health.h"
#include "fwd/control/metrics.h"
#include "fwd/control/metrics_http.h"
#include "fwd/data/pktloop.h"
#include "fwd/data/ring.h"
#include "fwd/lang/rules.h"
#include "fwd/data/flowlog.h"
#include "fwd/data/trace.h"

/*
 * 16 MiB of ring in 128 blocks of 128 KiB (room for a 64 KiB GSO frame).
 * The kernel hands a block over when it is full or 1 ms old, so at a low
 * rate each block holds few frames: many blocks are what lets the ring
 * ride out a stall of the loop without dropping.
 */
#define RING_BLOCK_SIZE	(128u << 10)
#define RING_BLOCKS	128

static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t reload_signal;

struct uvsd_opts {
	const char	*ifname;	/* the first -i */
	/* every -i, in order (each may be a comma-separated list) */
	char		 ifnames[UVS_DIR_LINKS_MAX][IF_NAMESIZE];
	unsigned	 nifnames;
	const char	*socket;
	uint32_t	 conn_max;
	int		 verbose;
	const char	*trace;		/* --trace FILE */
	int		 no_vnet;	/* --no-vnet: checksum offload lost */
	int		 ring;		/* TPACKET_V2/V3; -1: --backend socket */
	int		 xdp;		/* --backend xdp (the ring if it fails) */
	unsigned	 jobs;		/* -j N workers (1 without -j) */
	enum uvs_fanout	 fanout;	/* --fanout client|flow */
	int		 check;		/* --check: diagnose, do not run */
	const char	*rules;		/* --rules FILE */
	const char	*keepalived;	/* --keepalived-conf FILE */
	struct uvs_health_src check_src;	/* --check-source, per family */
	int		 no_guard;	/* --no-guard: kernel left unguarded */
	int		 sloppy_tcp;	/* --sloppy-tcp: IPVS's sloppy_tcp */
	int		 config_test;	/* --config-test: read, check, exit */
	uint32_t	 frag_max;	/* --frag-max: datagrams in flight */
	int		 vlan_list;	/* --vlan given */
	uint8_t		 vlan_ok[4096 / 8];	/* its VIDs; bit 0: untagged */
	const char	*metrics;	/* --metrics ADDR:PORT */
	int		 follow_vip;	/* --follow-vip: serve held VIPs only */
};

/* What --metrics renders from: the director, and a snapshot to reuse. */
struct metrics_src {
	struct uvs_director	*d;
	struct uvs_metrics_snap	 snap;
};

static void
logmsg(const char *fmt, ...)
{
	va_list ap;

	/* one locked write per line: the workers log new flows too */
	va_start(ap, fmt);
	flockfile(stderr);
	fputs("uvsd: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	funlockfile(stderr);
	va_end(ap);
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: uvsd -i IFACE [-i IFACE2 ...] [--socket PATH] "
	    "[--conn-max N] [-v]\n"
	    "  -i, --interface IFACE  capture and send on IFACE; given again "
	    "(or IF1,IF2),\n"
	    "                         serve each link, and send to each real "
	    "server out of\n"
	    "                         the link the kernel's route to it names\n"
	    "  --socket PATH          control socket (default $%s or %s)\n"
	    "  --conn-max N           connection table capacity (default %u)\n"
	    "  --rules FILE           load a saved table (uvsadm -S) at start\n"
	    "  --keepalived-conf FILE load keepalived.conf's virtual_server "
	    "blocks at start\n"
	    "                         (kill -HUP reloads both: only what "
	    "changed changes)\n"
	    "  --config-test          read and check --rules and "
	    "--keepalived-conf, then\n"
	    "                         exit (0: they would load); no -i needed\n"
	    "  --metrics ADDR:PORT    serve Prometheus metrics on "
	    "http://ADDR:PORT/metrics\n"
	    "                         (ADDR empty: every address; off by "
	    "default)\n"
	    "  --follow-vip           serve a VIP (answer ARP, forward) "
	    "only while it is on\n"
	    "                         one of this host's interfaces: "
	    "keepalived's VRRP\n"
	    "                         master adds it, the backup removes it\n"
	    "  --check-source ADDR    send health checks from ADDR (default: "
	    "IFACE's first\n"
	    "                         address that is no VIP); once for "
	    "IPv4, once for IPv6\n"
	    "  --sloppy-tcp           a TCP flow may start with any packet "
	    "but an RST, not\n"
	    "                         only a SYN (IPVS's sloppy_tcp): with mh "
	    "or sh, open\n"
	    "                         connections survive a restart\n"
	    "  --frag-max N           IP datagrams in flight whose fragments "
	    "are tracked\n"
	    "                         (default %u; 0: only first fragments "
	    "pass)\n"
	    "  --vlan LIST            serve these 802.1Q VLANs on IFACE, "
	    "answered and\n"
	    "                         forwarded with their tag: IDs 1-4094 "
	    "and 'untagged',\n"
	    "                         comma-separated (default: untagged "
	    "only)\n"
	    "  --no-guard             teaching/debug: leave the director's "
	    "kernel unguarded,\n"
	    "                         to see what goes wrong\n"
	    "  --check                diagnose the uvsd running on IFACE and "
	    "this host's\n"
	    "                         kernel (VIPs on kernel interfaces, guard, "
	    "forwarding)\n"
	    "  -v, --verbose          log ARP answers and every new flow\n"
	    "  --trace FILE           write every frame in and out to a pcap "
	    "file\n"
	    "  --no-vnet              debug: drop the frames' checksum "
	    "offload state\n"
	    "                         (shows what a naive forwarder breaks)\n"
	    "  --backend ring|ring-v3|socket|xdp\n"
	    "                         receive from a TPACKET_V2 ring, each "
	    "frame handed\n"
	    "                         over as it lands (default); from a V3 "
	    "ring, in\n"
	    "                         blocks (fewer wake-ups, up to 1 ms "
	    "more wait);\n"
	    "                         or read frames one by one (the first "
	    "backend);\n"
	    "                         or an XDP program and AF_XDP sockets "
	    "(one -i, one\n"
	    "                         worker; the ring if the kernel or "
	    "driver cannot)\n"
	    "  -j, --jobs N           N worker threads (default 1), one per "
	    "core, each with\n"
	    "                         its own socket on every link and slice "
	    "of the flow\n"
	    "                         table (PACKET_FANOUT)\n"
	    "  --fanout client|flow   -j: a client's frames all go to one "
	    "worker (default,\n"
	    "                         keeps -p and sh exact) or each flow's "
	    "do\n",
	    UVS_CTL_SOCKET_ENV, UVS_CTL_SOCKET, UVS_CONN_MAX_DEFAULT,
	    UVS_FRAG_MAX_DEFAULT);
}

/*
 * --check-source ADDR, once per family: an IPv4 or IPv6 address, not
 * the unspecified one, and no second one of a family.
 */
static int
parse_check_source(const char *arg, struct uvs_health_src *src)
{
	static const union uvs_inaddr none;
	union uvs_inaddr a = none, *to;

	if (inet_pton(AF_INET, arg, &a.in) == 1) {
		to = &src->v4;
	} else if (inet_pton(AF_INET6, arg, &a.in6) == 1) {
		to = &src->v6;
	} else {
		logmsg("--check-source: '%s' is not an IPv4 or IPv6 address",
		    arg);
		return -1;
	}
	if (uvs_inaddr_eq(&a, &none)) {
		logmsg("--check-source: '%s' is no address to send from", arg);
		return -1;
	}
	if (!uvs_inaddr_eq(to, &none)) {
		logmsg("--check-source: one address per family, and '%s' is "
		    "the second %s", arg, to == &src->v4 ? "IPv4" : "IPv6");
		return -1;
	}
	*to = a;
	return 0;
}

/* --vlan 100,200,untagged: the links to serve. */
static int
parse_vlans(const char *arg, struct uvsd_opts *o)
{
	char buf[256], *w, *save = NULL, *end;
	unsigned long id;

	if (snprintf(buf, sizeof(buf), "%s", arg) >= (int)sizeof(buf)) {
		logmsg("--vlan: list too long");
		return -1;
	}
	for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (strcmp(w, "untagged") == 0) {
			id = 0;
		} else {
			errno = 0;
			id = strtoul(w, &end, 10);
			if (errno || *end || end == w || id < 1 || id > 4094) {
				logmsg("--vlan: '%s' is neither a VLAN ID in "
				    "1..4094 nor 'untagged'", w);
				return -1;
			}
		}
		o->vlan_ok[id / 8] |= (uint8_t)(1u << (id % 8));
		o->vlan_list = 1;
	}
	if (!o->vlan_list) {
		logmsg("--vlan: empty list");
		return -1;
	}
	return 0;
}

/* -i IF or -i IF1,IF2: each name once, UVS_DIR_LINKS_MAX in all. */
static int
add_ifnames(struct uvsd_opts *o, const char *arg)
{
	const char *p = arg, *end;
	size_t len;
	unsigned i;

	do {
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		if (len == 0 || len >= IF_NAMESIZE) {
			logmsg("-i: '%s' is not an interface name", arg);
			return -1;
		}
		if (o->nifnames == UVS_DIR_LINKS_MAX) {
			logmsg("-i: at most %d interfaces", UVS_DIR_LINKS_MAX);
			return -1;
		}
		memcpy(o->ifnames[o->nifnames], p, len);
		o->ifnames[o->nifnames][len] = '\0';
		for (i = 0; i < o->nifnames; i++)
			if (!strcmp(o->ifnames[i], o->ifnames[o->nifnames])) {
				logmsg("-i: %s given twice", o->ifnames[i]);
				return -1;
			}
		o->nifnames++;
		p = end ? end + 1 : NULL;
	} while (p);
	o->ifname = o->ifnames[0];
	return 0;
}

static int
parse_opts(int argc, char **argv, struct uvsd_opts *o)
{
	static const struct option longopts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "socket", required_argument, NULL, 's' },
		{ "conn-max", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "trace", required_argument, NULL, 't' },
		{ "rules", required_argument, NULL, 'r' },
		{ "keepalived-conf", required_argument, NULL, 'k' },
		{ "check-source", required_argument, NULL, 'S' },
		{ "no-guard", no_argument, NULL, 'G' },
		{ "no-vnet", no_argument, NULL, 'V' },
		{ "backend", required_argument, NULL, 'B' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "fanout", required_argument, NULL, 'F' },
		{ "check", no_argument, NULL, 'C' },
		{ "sloppy-tcp", no_argument, NULL, 'T' },
		{ "config-test", no_argument, NULL, 'X' },
		{ "frag-max", required_argument, NULL, 'f' },
		{ "vlan", required_argument, NULL, 'L' },
		{ "metrics", required_argument, NULL, 'M' },
		{ "follow-vip", no_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sockaddr_in sin;
	char *end;
	unsigned long n;
	int ch;

	o->socket = uvs_ctl_socket_path();
	o->conn_max = UVS_CONN_MAX_DEFAULT;
	o->ring = TPACKET_V2;
	o->frag_max = UVS_FRAG_MAX_DEFAULT;
	o->jobs = 1;
	while ((ch = getopt_long(argc, argv, "i:vhj:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'i':
			if (add_ifnames(o, optarg) < 0)
				return -1;
			break;
		case 's':
			o->socket = optarg;
			break;
		case 'r':
			o->rules = optarg;
			break;
		case 'k':
			o->keepalived = optarg;
			break;
		case 'S':
			if (parse_check_source(optarg, &o->check_src) < 0)
				return -1;
			break;
		case 'c':
			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || *end || n == 0 || n > (1u << 30)) {
				logmsg("--conn-max: '%s' is not a number in "
				    "1..%u", optarg, 1u << 30);
				return -1;
			}
			o->conn_max = (uint32_t)n;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 't':
			o->trace = optarg;
			break;
		case 'j':
			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || *end || n == 0 || n > UVS_WORKERS_MAX) {
				logmsg("-j: 1 to %d workers, not '%s'",
				    UVS_WORKERS_MAX, optarg);
				return -1;
			}
			o->jobs = (unsigned)n;
			break;
		case 'F':
			if (strcmp(optarg, "client") && strcmp(optarg, "flow")) {
				logmsg("--fanout: client or flow, not '%s'",
				    optarg);
				return -1;
			}
			o->fanout = strcmp(optarg, "flow") == 0 ?
			    UVS_FANOUT_FLOW : UVS_FANOUT_CLIENT;
			break;
		case 'B':
			if (strcmp(optarg, "ring") == 0)
				o->ring = TPACKET_V2;
			else if (strcmp(optarg, "ring-v3") == 0)
				o->ring = TPACKET_V3;
			else if (strcmp(optarg, "socket") == 0)
				o->ring = -1;
			else if (strcmp(optarg, "xdp") == 0)
				o->xdp = 1;
			else {
				logmsg("--backend: ring, ring-v3, socket or xdp, "
				    "not '%s'", optarg);
				return -1;
			}
			break;
		case 'V':
			o->no_vnet = 1;
			break;
		case 'C':
			o->check = 1;
			break;
		case 'G':
			o->no_guard = 1;
			break;
		case 'T':
			o->sloppy_tcp = 1;
			break;
		case 'X':
			o->config_test = 1;
			break;
		case 'f':
			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || n > (1u << 24)) {
				logmsg("--frag-max: '%s' is not a number in "
				    "0..%u", optarg, 1u << 24);
				return -1;
			}
			o->frag_max = (uint32_t)n;
			break;
		case 'L':
			if (parse_vlans(optarg, o) < 0)
				return -1;
			break;
		case 'M':
			if (uvs_metrics_parse_addr(optarg, &sin) < 0) {
				logmsg("--metrics: '%s' is not ADDR:PORT (an "
				    "IPv4 address, or none for all, and a port "
				    "1-65535)", optarg);
				return -1;
			}
			o->metrics = optarg;
			break;
		case 'W':
			o->follow_vip = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		logmsg("unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if (o->config_test && !o->rules && !o->keepalived) {
		logmsg("--config-test checks --rules FILE or --keepalived-conf "
		    "FILE: give one");
		return -1;
	}
	if (!o->ifname && !o->config_test) {
		logmsg("-i IFACE is required");
		return -1;
	}
	/* one XDP program per link, its queue's socket read by one worker
	   (capture_xdp.c): veth has one receive queue */
	if (o->xdp && (o->nifnames > 1 || o->jobs > 1)) {
		logmsg("--backend xdp serves one -i interface with one worker: "
		    "without -j N > 1");
		return -1;
	}
	/* its program passes tagged frames to the kernel (capture_xdp.c) */
	if (o->xdp && o->vlan_list) {
		logmsg("--backend xdp serves untagged frames only: without "
		    "--vlan");
		return -1;
	}
	return 0;
}

/*
 * With forwarding on, the kernel would also route VIP traffic that
 * reaches it. The guard (guard.c) drops that traffic before the kernel
 * sees it; only without one must the kernel stay out of the way.
 */
static int
check_kernel_forwarding(const struct uvs_director *d, int verbose)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_forward", "r");
	int v = 0;

	if (f && fscanf(f, "%d", &v) != 1)
		v = 0;
	if (f)
		fclose(f);
	if (d->xdp_guard) {
		if (verbose)
			logmsg("the XDP program keeps VIP traffic and ARP for "
			    "VIPs from the kernel; no nftables guard%s",
			    v ? "; ip_forward=1 is fine" : "");
		return 0;
	}
	if (d->guard.on) {
		if (verbose)
			logmsg("kernel guard: table netdev %s drops VIP traffic "
			    "and ARP and NS for VIPs before the kernel sees "
			    "them%s",
			    d->guard.table, v ? "; ip_forward=1 is fine" : "");
		return 0;
	}
	if (d->no_guard) {
		logmsg("--no-guard: nothing keeps the kernel off VIP traffic");
		return 0;
	}
	logmsg("no kernel guard (%s): VIPs on kernel interfaces are refused",
	    d->guard_why);
	if (v) {
		logmsg("net.ipv4.ip_forward is 1, so the kernel would forward "
		    "VIP traffic beside uvsd; turn it off: sysctl -w "
		    "net.ipv4.ip_forward=0");
		return -1;
	}
	return 0;
}

/* Health checks' and the director's log lines (dirhealth.h, director.h). */
static void
log_line(void *arg, const char *line)
{
	(void)arg;
	logmsg("%s", line);
}

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_signal = 1;
	else
		stop_signal = sig;
}

static int
install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0 ||
	    sigaction(SIGHUP, &sa, NULL) < 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static void
fmt_mac(const uint8_t *m, char *buf)
{
	sprintf(buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
	    m[4], m[5]);
}

static void
log_new_conn(void *arg, const struct uvs_conn *c, const struct uvs_flow *f,
    const uint8_t *old_dst)
{
	char line[512];

	(void)arg;
	logmsg("%s", uvs_flowlog_line(c, f, old_dst, line, sizeof(line)));
}

static void
log_arp_reply(void *arg, const struct uvs_fwd *fw)
{
	const uint8_t *f = fw->arp_reply;
	char spa[INET_ADDRSTRLEN], tpa[INET_ADDRSTRLEN], mac[18];

	(void)arg;
	inet_ntop(AF_INET, f + UVS_ARP_OFF_SPA, spa, sizeof(spa));
	inet_ntop(AF_INET, f + UVS_ARP_OFF_TPA, tpa, sizeof(tpa));
	fmt_mac(fw->mac, mac);
	logmsg("ARP who-has %s from %s: answered %s is-at %s", spa, tpa, spa,
	    mac);
}

/*
 * The packet socket reports an error (POLLERR): take it, and tell whether
 * we can go on. A link that went down comes back; a link that was
 * deleted (or whose namespace went away) never will.
 */
static int
capture_error(struct uvs_director *d)
{
	char name[IF_NAMESIZE];
	socklen_t len = sizeof(int);
	int err = 0;

	(void)getsockopt(d->cap.fd, SOL_SOCKET, SO_ERROR, &err, &len);
	if (!if_indextoname((unsigned)d->ifindex, name)) {
		logmsg("interface %s is gone", d->ifname);
		return -1;
	}
	if (err)
		logmsg("%s: %s", d->ifname, strerror(err));
	return 0;
}

/*
 * A further link's socket reports an error: take it (poll would report
 * it again at once), and tell whether the link is still there.
 */
static int
link_error(const struct uvs_dir_link *l)
{
	char name[IF_NAMESIZE];
	socklen_t len = sizeof(int);
	int err = 0;

	(void)getsockopt(l->cap.fd, SOL_SOCKET, SO_ERROR, &err, &len);
	if (!if_indextoname((unsigned)l->ifindex, name)) {
		logmsg("interface %s is gone", l->name);
		return -1;
	}
	return 0;
}

/*
 * The further links' sockets (-i given more than once), pfd[i] for
 * links[i]: a link deleted ends uvsd, as the first one's does.
 */
static int
watch_links(struct uvs_director *d, const struct pollfd *pfd)
{
	unsigned i;

	for (i = 0; i < d->nlinks; i++)
		if ((pfd[i].revents & (POLLERR | POLLHUP | POLLNVAL)) &&
		    link_error(&d->links[i]) < 0)
			return -1;
	return 0;
}

/* --metrics: one rendering of the director (metrics_http.h). */
static int
render_metrics(void *arg, struct uvs_metrics_buf *b,
    const struct uvs_metrics_self *self)
{
	struct metrics_src *src = arg;

	if (uvs_metrics_collect(src->d, &src->snap) < 0)
		return -ENOMEM;
	return uvs_metrics_write(b, &src->snap, self);
}

/* What a loaded configuration holds, one line per file. */
static void
log_loaded(const struct uvs_confload *cl)
{
	if (cl->rules_path)
		logmsg("--rules %s: %u rules loaded", cl->rules_path,
		    cl->nrules);
	if (cl->kc_path)
		logmsg("--keepalived-conf %s: %u virtual servers, %u real "
		    "servers, %u checks loaded", cl->kc_path, cl->info.services,
		    cl->info.servers, cl->info.checks);
}

/*
 * --rules and --keepalived-conf, read and brought into the table as one
 * reload: at start into the empty table, on SIGHUP into the running
 * one (only what changed changes). A bad file changes nothing and says
 * FILE:LINE. 0 or -1.
 */
static int
load_config(struct uvs_director *d, const struct uvsd_opts *o, int reload)
{
	struct uvs_reload_stats st;
	struct uvs_confload cl;
	char why[512], where[PATH_MAX + 32];
	unsigned at;
	int rc;

	if (!o->rules && !o->keepalived)
		return 0;
	if (uvs_confload_read(&cl, o->rules, o->keepalived, why, sizeof(why),
	    log_line, NULL) < 0) {
		logmsg("%s%s", reload ? "reload refused, nothing changed: " :
		    "", why);
		return -1;
	}
	rc = uvs_ctl_reload(d, cl.r.req, cl.r.n, &st, &at, why,
	    sizeof(why));
	/* before any frame: an alpha server is out from the start */
	uvs_health_settle(d->health);
	if (rc < 0) {
		uvs_confload_where(&cl, at, where, sizeof(where));
		logmsg("%s%s: %s", reload ? "reload refused, nothing changed: "
		    : "", where, why);
	} else {
		log_loaded(&cl);
		if (reload)
			logmsg("reload: services %u added, %u kept, %u deleted; "
			    "real servers %u added, %u kept, %u deleted",
			    st.svc_added, st.svc_kept, st.svc_deleted,
			    st.dest_added, st.dest_kept, st.dest_deleted);
	}
	uvs_confload_free(&cl);
	return rc < 0 ? -1 : 0;
}

/* --config-test: read and check the files as a start would, then exit. */
static int
config_test(const struct uvsd_opts *o)
{
	struct uvs_confload cl;
	char why[512], where[PATH_MAX + 32];
	unsigned at;

	if (uvs_confload_read(&cl, o->rules, o->keepalived, why, sizeof(why),
	    log_line, NULL) < 0) {
		logmsg("%s", why);
		return 1;
	}
	if (uvs_ctl_check_fresh(cl.r.req, cl.r.n, &at, why, sizeof(why)) < 0) {
		uvs_confload_where(&cl, at, where, sizeof(where));
		logmsg("%s: %s", where, why);
		uvs_confload_free(&cl);
		return 1;
	}
	log_loaded(&cl);
	for (at = 0; o->verbose && at < cl.r.n; at++)
		logmsg("request %s", cl.r.req[at]);
	logmsg("configuration OK (%u requests)", cl.r.n);
	uvs_confload_free(&cl);
	return 0;
}

static int
run(struct uvs_director *d, struct uvs_ctl *ctl,
    struct uvs_metrics_server *ms, const struct uvsd_opts *o)
{
	struct pollfd pfd[4 + UVS_DIR_LINKS_MAX + UVS_HEALTH_FDS_MAX +
	    UVS_METRICS_FDS_MAX];
	uint32_t now = uvs_clock_seconds();
	nfds_t sync = 3 + d->nlinks, base = 4 + d->nlinks;
	uint64_t now_ms;
	unsigned i;
	int nh, nm, wait;

	/* the links' own sockets only send; poll still reports their errors
	   (the workers take the frames) */
	pfd[0] = (struct pollfd){ .fd = uvs_capture_pollfd(&d->cap) };
	pfd[1] = (struct pollfd){ .fd = ctl->fd, .events = POLLIN };
	pfd[2] = (struct pollfd){ .fd = uvs_nl_fd(d->nl), .events = POLLIN };
	for (i = 0; i < d->nlinks; i++)
		pfd[3 + i] = (struct pollfd){ .fd = d->links[i].cap.fd };
	while (!stop_signal) {
		/* the backup sync daemon comes and goes (--start-daemon) */
		pfd[sync] = (struct pollfd){ .fd =
		    uvs_syncd_backup_fd(&d->syncd), .events = POLLIN };
		nh = uvs_health_pollfds(d->health, pfd + base,
		    UVS_HEALTH_FDS_MAX);
		nm = uvs_metrics_pollfds(ms, pfd + base + nh,
		    UVS_METRICS_FDS_MAX);
		now_ms = uvs_health_now_ms();
		wait = uvs_metrics_timeout(ms, uvs_health_timeout(d->health,
		    1000, now_ms), now_ms);
		if (poll(pfd, base + (nfds_t)nh + (nfds_t)nm, wait) < 0 &&
		    errno != EINTR) {
			logmsg("poll: %s", strerror(errno));
			break;
		}
		if (uvs_clock_seconds() != now) {
			now = uvs_clock_seconds();
			uvs_dir_tick(d, now);
		}
		if ((pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL)) &&
		    capture_error(d) < 0)
			break;
		if (watch_links(d, pfd + 3) < 0)
			break;
		if (pfd[2].revents & POLLIN)
			(void)uvs_dir_neigh_input(d);
		if (pfd[sync].revents & POLLIN)
			uvs_syncd_backup_input(d, now);
		if (pfd[1].revents & POLLIN)
			uvs_ctl_serve(ctl, d);
		uvs_health_run(d->health, pfd + base, nh, uvs_health_now_ms());
		uvs_metrics_run(ms, pfd + base + nh, nm, uvs_health_now_ms());
		if (reload_signal) {
			reload_signal = 0;
			logmsg("SIGHUP: reloading%s%s%s%s", o->rules ? " --rules "
			    : "", o->rules ? o->rules : "", o->keepalived ?
			    " --keepalived-conf " : "", o->keepalived ?
			    o->keepalived : "");
			(void)load_config(d, o, 1);
		}
	}
	return stop_signal ? 0 : -1;
}

/* The second and further -i: each a link of its own (egress.c). */
static int
open_links(struct uvs_director *d, const struct uvsd_opts *o)
{
	char err[256];
	unsigned i;

	for (i = 1; i < o->nifnames; i++)
		if (uvs_dir_add_link(d, o->ifnames[i], err, sizeof(err)) < 0) {
			logmsg("%s", err);
			return -1;
		}
	return 0;
}

/*
 * --backend xdp, in the one worker: natively its XDP program keeps the
 * kernel off VIP traffic, so the nftables guard is closed; in generic
 * mode frames too long for the AF_XDP sockets pass to the packet socket,
 * and the guard stays. If the kernel or the driver could not, one line
 * says why; the worker then runs the ring (with the guard).
 */
static void
xdp_said(struct uvs_director *d)
{
	const struct uvs_worker *w = &d->workers.w[0];
	int rc = w->xdp_rc;

	if (rc == 0 && uvs_capture_xdp_native(&w->cap[0])) {
		uvs_guard_close(&d->guard);
		d->xdp_guard = 1;
	} else if (rc == 0)
		logmsg("--backend xdp on %s: no native XDP, generic mode: "
		    "an 802.1Q tag the link keeps beside the frame is "
		    "invisible to it, so tagged VIP traffic would be "
		    "served untagged; use the ring on such a link",
		    d->ifname);
	else
		logmsg("--backend xdp on %s: %s (%d)%s; using the ring backend",
		    d->ifname, strerror(-rc), rc, rc == -EBUSY ? ": another "
		    "XDP program is attached" : rc == -EPERM ? ": needs "
		    "CAP_BPF, CAP_NET_ADMIN and locked memory" : "");
}

/*
 * The workers, uvsd's packet path, on every link: the backend, --no-vnet
 * (which reads frames one by one: the rings keep the vnet header),
 * --trace and the log hooks from the options. 0 or -1, said.
 */
static int
start_workers(struct uvs_director *d, const struct uvsd_opts *o,
    struct uvs_trace *trace)
{
	struct uvs_workers_conf c = { .n = o->jobs, .fanout = o->fanout,
	    .conn_max = o->conn_max, .ring_version = o->no_vnet ? -1 :
	    o->ring, .ring_block = RING_BLOCK_SIZE, .ring_blocks = RING_BLOCKS,
	    .no_vnet = o->no_vnet, .xdp = o->xdp, .trace = trace,
	    .on_new_conn = o->verbose ? log_new_conn : NULL,
	    .on_arp_reply = o->verbose ? log_arp_reply : NULL };
	char err[256];

	if (uvs_dir_start_workers(d, &c, uvs_clock_seconds(), err,
	    sizeof(err)) < 0) {
		logmsg("%s", err);
		return -1;
	}
	if (o->xdp)
		xdp_said(d);
	if (o->ring >= 0 && !o->no_vnet &&
	    strcmp(uvs_capture_backend(&d->workers.w[0].cap[0]), "socket") == 0)
		logmsg("ring: not available; reading frames one by one instead");
	return 0;
}

/* "eth0" or "eth0, eth1" for the start line. */
static const char *
link_names(const struct uvs_director *d, char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "%s", d->ifname);
	unsigned i;

	for (i = 0; i < d->nlinks && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, ", %s",
		    d->links[i].name);
	return buf;
}

/*
 * Early fragments held: one per 16 datagrams tracked, within 16..1024
 * (9 KiB each: at most 9 MiB).
 */
static uint32_t
frag_hold(uint32_t frag_max)
{
	uint32_t n = frag_max / 16;

	if (frag_max == 0)
		return 0;
	return n < 16 ? 16 : n > 1024 ? 1024 : n;
}

int
main(int argc, char **argv)
{
	struct uvsd_opts o = { 0 };
	struct uvs_director d;
	struct uvs_ctl ctl;
	struct metrics_src msrc = { .d = &d };
	struct uvs_metrics_server *ms = NULL;
	struct uvs_trace *trace = NULL;
	const char *detail;
	char err[256], names[UVS_DIR_LINKS_MAX * (IF_NAMESIZE + 2)];
	unsigned ifindex;
	int rc, claim = -1;

	if (parse_opts(argc, argv, &o) < 0)
		return 2;
	/* read-only: asks the running uvsd, opens nothing of its own */
	if (o.check)
		return uvs_diagnose(o.ifname, o.socket, stdout) == 0 ? 0 : 1;
	if (o.config_test)
		return config_test(&o);
	/* one uvsd per interface: a second would forward every frame again */
	if ((ifindex = if_nametoindex(o.ifname)) != 0 &&
	    (claim = uvs_ifclaim(ifindex, o.ifname, err, sizeof(err))) < 0) {
		logmsg("%s", err);
		return 1;
	}
	/* the flows live in the workers' tables: the master's holds the
	   timeouts only */
	if (uvs_dir_init(&d, o.ifname, 1024, uvs_clock_seconds(),
	    o.no_guard ? UVS_DIR_NO_GUARD : 0, err, sizeof(err)) < 0) {
		logmsg("%s", err);
		goto fail;
	}
	if (open_links(&d, &o) < 0)
		goto fail;
	d.log = log_line;
	d.fw.sloppy_tcp = o.sloppy_tcp;
	d.fw.vlan_list = o.vlan_list;
	memcpy(d.fw.vlan_ok, o.vlan_ok, sizeof(d.fw.vlan_ok));
	d.fw.frag_max = o.frag_max;
	d.fw.frag_hold = frag_hold(o.frag_max);
	/* the control thread's gratuitous ARP is traced too */
	if (o.trace && !(d.cap.trace = trace = uvs_trace_open(o.trace, err,
	    sizeof(err)))) {
		logmsg("%s", err);
		goto fail;
	}
	if (start_workers(&d, &o, trace) < 0 ||
	    check_kernel_forwarding(&d, o.verbose) < 0)
		goto fail;
	if (o.no_vnet)
		logmsg("--no-vnet: frames go out without their checksum-offload "
		    "state; a partial checksum reaches the real server unfinished "
		    "and the connection hangs (a debugging aid, never for use)");
	if (uvs_dirhealth_open(&d, &o.check_src, log_line, NULL, err,
	    sizeof(err)) < 0)
		logmsg("%s", err);
	/* before the table: a backup never announces what it does not hold */
	if (o.follow_vip && uvs_dir_follow_start(&d, err, sizeof(err)) < 0) {
		logmsg("%s", err);
		goto fail;
	}
	if (!d.health || load_config(&d, &o, 0) < 0)
		goto fail;
	if (uvs_ctl_open(&ctl, o.socket, err, sizeof(err)) < 0) {
		logmsg("%s", err);
		goto fail;
	}
	if (o.metrics && !(ms = uvs_metrics_open(o.metrics, render_metrics,
	    &msrc, err, sizeof(err)))) {
		logmsg("%s", err);
		rc = 1;
		goto out;
	}
	if (install_signals() < 0) {
		logmsg("signals: %s", strerror(errno));
		rc = 1;
		goto out;
	}
	detail = uvs_capture_detail(&d.workers.w[0].cap[0]);
	logmsg("director on %s (%u %s worker%s, fanout by %s%s%s), control "
	    "socket %s, %u flows max", link_names(&d, names, sizeof(names)),
	    o.jobs, uvs_capture_backend(&d.workers.w[0].cap[0]),
	    o.jobs == 1 ? "" : "s", o.fanout == UVS_FANOUT_FLOW ? "flow" :
	    "client", detail ? "; " : "", detail ? detail : "", ctl.path,
	    o.conn_max);
	if (ms)
		logmsg("metrics on http://%s/metrics", o.metrics);
	rc = run(&d, &ctl, ms, &o) < 0 ? 1 : 0;
	logmsg("stopping (%s)", stop_signal ? strsignal(stop_signal) : "error");
out:
	uvs_metrics_close(ms);
	uvs_metrics_snap_free(&msrc.snap);
	uvs_ctl_close(&ctl);
	uvs_dir_free(&d);
	uvs_trace_close(trace);	/* after the workers that wrote to it */
	if (claim >= 0)
		close(claim);
	return rc;
fail:
	uvs_dir_free(&d);
	uvs_trace_close(trace);
	if (claim >= 0)
		close(claim);
	return 1;
}
