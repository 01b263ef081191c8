/*
 * libFuzzer harness for the frame parser (fwd/data/parse.c): any bytes as one
 * frame. Besides ASan/UBSan's checks it holds the parser to its promise:
 * a frame it accepts is one the director may forward unchanged, so what it
 * reports must lie inside the bytes it was given: the IP packet (after one
 * tag, if the frame holds one) within the frame, a TCP or UDP flow (also
 * for a fragment and for the flow an ICMP error quotes), a fragment
 * within the largest datagram, an ICMP error of a type IPVS forwards.
 * IPv6 (parse6.c) likewise, and a Neighbor Solicitation is IPv6, long
 * enough for its target, and not for a multicast target.
 */
#include <net/ethernet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fwd/data/parse.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uvs_pkt pkt;
	enum uvs_drop why;

	memset(&pkt, 0, sizeof(pkt));
	why = uvs_parse_frame(data, size, &pkt);
	if ((unsigned)why >= UVS_DROP_MAX)
		abort();
	if (why != UVS_DROP_NONE)
		return 0;
	if (size < ETH_HLEN || (pkt.l3_off != ETH_HLEN &&
	    pkt.l3_off != ETH_HLEN + 4) || (pkt.l3_off != ETH_HLEN) !=
	    pkt.vlan_inline)
		abort();
	if (pkt.kind == UVS_PKT_NS) {
		if (pkt.af != AF_INET6 || size < pkt.l3_off + 40u + 24u ||
		    pkt.ns_target.b[0] == 0xff)
			abort();
		return 0;
	}
	if (pkt.kind != UVS_PKT_ARP && pkt.af == AF_INET6 &&
	    (pkt.ip_len < 40 || (pkt.kind == UVS_PKT_ICMP_ERR &&
	    (pkt.icmp_type < 1 || pkt.icmp_type > 4))))
		abort();
	if (pkt.kind != UVS_PKT_ARP &&
	    (pkt.ip_len > size - pkt.l3_off || pkt.ip_len < 20 ||
	    (pkt.flow.proto != IPPROTO_TCP && pkt.flow.proto != IPPROTO_UDP)))
		abort();
	if (pkt.frag && (pkt.frag_off + pkt.frag_len > 65535 ||
	    pkt.frag_len > pkt.ip_len - 20 || pkt.kind == UVS_PKT_ICMP_ERR))
		abort();
	if (pkt.kind == UVS_PKT_FRAG && (!pkt.frag || pkt.frag_off == 0))
		abort();
	if (pkt.kind == UVS_PKT_ICMP_ERR && pkt.af == AF_INET &&
	    pkt.icmp_type != 3 &&
	    pkt.icmp_type != 4 && pkt.icmp_type != 11)
		abort();
	if (pkt.kind == UVS_PKT_ARP && size < (size_t)pkt.l3_off + 28)
		abort();
	return 0;
}
