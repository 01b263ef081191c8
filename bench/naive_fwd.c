/*
 * naive_fwd: the forwarding bench's reference for "a plain user-space
 * forwarder", what one writes in an afternoon with libpcap: read a frame
 * (pcap_next_ex), write the real server's MAC over the destination (and
 * ours over the source, as a DR director's kernel would), send it back
 * out of the same interface (pcap_inject). One system call per frame each
 * way, no batching, no ring tricks beyond what libpcap does by itself.
 *
 * The real server is chosen by a hash of the 5-tuple, so a TCP connection
 * stays on one server without any table. Frames are sent as the bytes
 * were read: a veth frame whose checksum the kernel left for the "NIC" to
 * finish (CHECKSUM_PARTIAL) arrives broken, which is why the bench turns
 * the client's tx checksum offload off for every path (bench/README.md).
 *
 * Bounded: stops on SIGTERM/SIGINT, or by itself after --max-time seconds.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_RS		64
/*
 * In immediate mode libpcap uses a TPACKET_V2 ring of snaplen-sized
 * slots in a buffer of RING_BYTES: a 64 KiB snaplen would leave room for
 * some 60 frames and drop the rest of a burst. The bench turns the
 * client's offloads off, so no frame is longer than the MTU's 1514 B.
 */
#define SNAPLEN		2048
#define RING_BYTES	(4 << 20)	/* as uvsd's SO_RCVBUF */
#define MAX_TIME_DEF	600	/* a forgotten forwarder still stops */

struct naive {
	pcap_t		*pcap;
	uint8_t		 self[ETH_ALEN];	/* our MAC, the new source */
	uint8_t		 rs[MAX_RS][ETH_ALEN];
	unsigned	 nrs;
	unsigned long	 fwd, short_frames, inject_fail;
};

static pcap_t *stop_pcap;	/* for the signal handler only */

static void
on_stop(int sig)
{
	(void)sig;
	if (stop_pcap != NULL)
		pcap_breakloop(stop_pcap);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: naive_fwd -i IFACE --vip A.B.C.D [--max-time S] MAC...\n"
	    "  forwards IPv4 TCP/UDP frames for VIP that are addressed to\n"
	    "  IFACE's MAC to one of the MACs (5-tuple hash), with libpcap\n");
	exit(2);
}

static int
mac_parse(const char *s, uint8_t mac[ETH_ALEN])
{
	unsigned v[ETH_ALEN];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4],
	    &v[5]) != ETH_ALEN)
		return -1;
	for (i = 0; i < ETH_ALEN; i++) {
		if (v[i] > 0xff)
			return -1;
		mac[i] = (uint8_t)v[i];
	}
	return 0;
}

static int
mac_of(const char *ifname, uint8_t mac[ETH_ALEN])
{
	struct ifreq ifr = { 0 };
	int fd, rc;

	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	rc = ioctl(fd, SIOCGIFHWADDR, &ifr) < 0 ? -errno : 0;
	close(fd);
	if (rc == 0)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	return rc;
}

/* FNV-1a over addresses, protocol and ports: one flow, one real server. */
static unsigned
flow_hash(const uint8_t *frame, size_t len)
{
	const uint8_t *ip = frame + ETH_HLEN;
	uint32_t h = 2166136261u;
	size_t ihl, i;

	if (len < ETH_HLEN + sizeof(struct iphdr))
		return 0;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	for (i = 12; i < 20; i++)		/* saddr, daddr */
		h = (h ^ ip[i]) * 16777619u;
	h = (h ^ ip[9]) * 16777619u;		/* protocol */
	if (ihl >= sizeof(struct iphdr) && len >= ETH_HLEN + ihl + 4)
		for (i = 0; i < 4; i++)		/* sport, dport */
			h = (h ^ ip[ihl + i]) * 16777619u;
	return h;
}

static void
forward(struct naive *n, const struct pcap_pkthdr *hdr, const uint8_t *data)
{
	uint8_t frame[SNAPLEN];
	size_t len = hdr->caplen;

	if (len < ETH_HLEN || len != hdr->len) {
		n->short_frames++;
		return;
	}
	memcpy(frame, data, len);
	memcpy(frame, n->rs[flow_hash(frame, len) % n->nrs], ETH_ALEN);
	memcpy(frame + ETH_ALEN, n->self, ETH_ALEN);
	if (pcap_inject(n->pcap, frame, len) != (int)len)
		n->inject_fail++;
	else
		n->fwd++;
}

static pcap_t *
open_pcap(const char *ifname, const char *filter)
{
	char err[PCAP_ERRBUF_SIZE];
	struct bpf_program prog;
	pcap_t *p;

	if ((p = pcap_create(ifname, err)) == NULL) {
		fprintf(stderr, "naive_fwd: %s: %s\n", ifname, err);
		return NULL;
	}
	/* immediate: without it libpcap waits for a block to fill or time
	 * out, and TCP latency would measure that wait, not the forwarder */
	if (pcap_set_snaplen(p, SNAPLEN) != 0 ||
	    pcap_set_immediate_mode(p, 1) != 0 ||
	    pcap_set_buffer_size(p, RING_BYTES) != 0 ||
	    pcap_activate(p) < 0 ||
	    pcap_setdirection(p, PCAP_D_IN) != 0 ||
	    pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0 ||
	    pcap_setfilter(p, &prog) != 0) {
		fprintf(stderr, "naive_fwd: %s: %s\n", ifname, pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	pcap_freecode(&prog);
	return p;
}

static void
report(struct naive *n)
{
	struct pcap_stat st = { 0 };

	(void)pcap_stats(n->pcap, &st);
	fprintf(stderr, "naive_fwd: forwarded %lu, inject failed %lu, "
	    "short %lu, dropped by kernel %u\n", n->fwd, n->inject_fail,
	    n->short_frames, st.ps_drop);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "vip", required_argument, NULL, 'V' },
		{ "max-time", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	static struct naive n;
	const char *ifname = NULL, *vip = NULL;
	struct sigaction sa = { .sa_handler = on_stop };
	struct pcap_pkthdr *hdr;
	const uint8_t *data;
	struct in_addr addr;
	unsigned max_time = MAX_TIME_DEF;
	char filter[160];
	int c, rc;

	while ((c = getopt_long(argc, argv, "i:", opts, NULL)) != -1) {
		switch (c) {
		case 'i': ifname = optarg; break;
		case 'V': vip = optarg; break;
		case 'T': max_time = (unsigned)strtoul(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (ifname == NULL || vip == NULL || optind == argc)
		usage();
	if (inet_pton(AF_INET, vip, &addr) != 1) {
		fprintf(stderr, "naive_fwd: --vip %s: not an IPv4 address\n",
		    vip);
		return 2;
	}
	for (; optind < argc && n.nrs < MAX_RS; optind++, n.nrs++) {
		if (mac_parse(argv[optind], n.rs[n.nrs]) < 0) {
			fprintf(stderr, "naive_fwd: %s: not a MAC address\n",
			    argv[optind]);
			return 2;
		}
	}
	if ((rc = mac_of(ifname, n.self)) < 0) {
		fprintf(stderr, "naive_fwd: %s: %s\n", ifname, strerror(-rc));
		return 1;
	}
	snprintf(filter, sizeof(filter),
	    "ether dst %02x:%02x:%02x:%02x:%02x:%02x and ip dst host %s "
	    "and (tcp or udp)", n.self[0], n.self[1], n.self[2], n.self[3],
	    n.self[4], n.self[5], vip);
	if ((n.pcap = open_pcap(ifname, filter)) == NULL)
		return 1;
	stop_pcap = n.pcap;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	alarm(max_time);
	while ((rc = pcap_next_ex(n.pcap, &hdr, &data)) >= 0)
		if (rc == 1)
			forward(&n, hdr, data);
	report(&n);
	if (rc != PCAP_ERROR_BREAK)
		fprintf(stderr, "naive_fwd: %s\n", pcap_geterr(n.pcap));
	pcap_close(n.pcap);
	return rc == PCAP_ERROR_BREAK ? 0 : 1;
}
