/*
 * Builds the kernel filter from the current VIP set. libpcap compiles
 * the expression; its bpf_insn layout is the kernel's sock_filter, so the
 * program is copied over as is. Keeping everything else out in the
 * kernel means uvsd never wakes up for the real servers' replies or for
 * other hosts' traffic. IPv4 frames too short to name a destination pass,
 * so that uvsd counts them as malformed instead of the kernel hiding them.
 */
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwd/data/filter.h"

/* Appends "dst host A or dst host B ..." for the VIPs. */
static int
put_hosts(char *buf, size_t size, size_t *off, const char *prefix,
    const uint32_t *vips, size_t n)
{
	char a[INET_ADDRSTRLEN];
	size_t i;
	int w;

	for (i = 0; i < n; i++) {
		inet_ntop(AF_INET, &vips[i], a, sizeof(a));
		w = snprintf(buf + *off, size - *off, "%s%s dst host %s",
		    i ? " or " : "", prefix, a);
		if (w < 0 || (size_t)w >= size - *off)
			return -1;
		*off += (size_t)w;
	}
	return 0;
}

static int
filter_expr(char *buf, size_t size, const uint32_t *vips, size_t n,
    const uint8_t m[6])
{
	size_t off = 0;
	int w;

	w = snprintf(buf, size, "(arp and (");
	off = (size_t)w;
	if (put_hosts(buf, size, &off, "arp", vips, n) < 0)
		return -1;
	/* frames too short to hold an IP header are let in to be counted */
	w = snprintf(buf + off, size - off,
	    ")) or (ip and ether dst %02x:%02x:%02x:%02x:%02x:%02x and "
	    "(less 33 or ",
	    m[0], m[1], m[2], m[3], m[4], m[5]);
	if (w < 0 || (size_t)w >= size - off)
		return -1;
	off += (size_t)w;
	if (put_hosts(buf, size, &off, "ip", vips, n) < 0)
		return -1;
	w = snprintf(buf + off, size - off, "))");
	return w < 0 || (size_t)w >= size - off ? -1 : 0;
}

static int
copy_program(const struct bpf_program *bp, struct sock_fprog *prog)
{
	prog->len = (unsigned short)bp->bf_len;
	prog->filter = calloc(bp->bf_len, sizeof(struct sock_filter));
	if (!prog->filter)
		return -1;
	memcpy(prog->filter, bp->bf_insns,
	    bp->bf_len * sizeof(struct sock_filter));
	return 0;
}

int
uvs_filter_build(const uint32_t *vips, size_t n, const uint8_t mac[6],
    struct sock_fprog *prog, char *err, size_t errlen)
{
	static const struct sock_filter drop = BPF_STMT(BPF_RET | BPF_K, 0);
	struct bpf_program bp;
	pcap_t *p;
	size_t size = 128 + n * 48;
	char *expr;
	int rc = -1;

	if (n == 0) {
		struct bpf_program none = { 1, (struct bpf_insn *)&drop };

		return copy_program(&none, prog);
	}
	if (!(expr = malloc(size)))
		return -1;
	if (filter_expr(expr, size, vips, n, mac) < 0) {
		snprintf(err, errlen, "filter expression too long");
		goto out_expr;
	}
	if (!(p = pcap_open_dead(DLT_EN10MB, 65535))) {
		snprintf(err, errlen, "pcap_open_dead failed");
		goto out_expr;
	}
	if (pcap_compile(p, &bp, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "pcap_compile: %s", pcap_geterr(p));
		goto out_pcap;
	}
	rc = copy_program(&bp, prog);
	if (rc < 0)
		snprintf(err, errlen, "out of memory");
	pcap_freecode(&bp);
out_pcap:
	pcap_close(p);
out_expr:
	free(expr);
	return rc;
}
