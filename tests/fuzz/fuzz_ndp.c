/*
 * libFuzzer harness for the NDP path: any bytes as one frame through the
 * parser (fwd/data/parse6.c) and, when it is a Neighbor Solicitation,
 * the answer arp/ndp.c builds for it, as the packet loop would. Besides
 * ASan/UBSan's checks it holds both to their promises: an accepted NS
 * is IPv6 with a unicast target and a whole option, and its answer is a
 * Neighbor Advertisement for that target, hop limit 255, from the
 * director's MAC (also in its option), to the asker (all nodes when the
 * asker is ::), whose checksum sums to zero.
 */
#include <net/ethernet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arp/ndp.h"
#include "fwd/data/parse.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t dir_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };

static uint16_t
sum16(const uint8_t *p, size_t len, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void
check_na(const uint8_t *na, const struct uvs_pkt *pkt, const uint8_t *mac)
{
	static const union uvs_inaddr any;
	const uint8_t *ip = na + ETH_HLEN, *m = ip + 40;
	int dad = uvs_inaddr_eq(&pkt->flow.caddr, &any);
	uint8_t pseudo[40] = { 0 };

	memcpy(pseudo, ip + 8, 32);
	pseudo[35] = 32;
	pseudo[39] = IPPROTO_ICMPV6;
	if (memcmp(na + 6, dir_mac, 6) || memcmp(m + 26, dir_mac, 6) ||
	    ip[7] != 255 || m[0] != 136 || m[24] != 2 || m[25] != 1 ||
	    memcmp(m + 8, pkt->ns_target.b, 16) ||
	    memcmp(ip + 8, pkt->ns_target.b, 16))
		abort();
	if (dad ? (m[4] != 0x20 || ip[24] != 0xff || na[0] != 0x33) :
	    (m[4] != 0x60 || memcmp(ip + 24, pkt->flow.caddr.b, 16) ||
	    memcmp(na, mac, 6)))
		abort();
	if (sum16(m, 32, sum16(pseudo, 40, 0)) != 0xffff)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t na[UVS_NA_FRAME_LEN];
	const uint8_t *mac;
	struct uvs_pkt pkt;

	memset(&pkt, 0, sizeof(pkt));
	if (uvs_parse_frame(data, size, &pkt) != UVS_DROP_NONE ||
	    pkt.kind != UVS_PKT_NS)
		return 0;
	if (pkt.af != AF_INET6 || pkt.flow.af != AF_INET6 ||
	    size < pkt.l3_off + 40u + 24u || pkt.ns_target.b[0] == 0xff)
		abort();
	mac = pkt.ns_has_sll ? pkt.ns_sll : data + 6;
	uvs_ndp_na_answer(na, dir_mac, &pkt.ns_target, &pkt.flow.caddr, mac);
	check_na(na, &pkt, mac);
	return 0;
}
