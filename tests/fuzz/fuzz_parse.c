/*
 * libFuzzer harness for the frame parser (fwd/data/parse.c): any bytes as one
 * frame. Besides ASan/UBSan's checks it holds the parser to its promise:
 * a frame it accepts is one the director may forward unchanged, so what it
 * reports must lie inside the bytes it was given.
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
	if (size < ETH_HLEN)
		abort();
	if (pkt.kind == UVS_PKT_IP &&
	    (pkt.ip_len > size - ETH_HLEN || pkt.ip_len < 20 ||
	    (pkt.flow.proto != IPPROTO_TCP && pkt.flow.proto != IPPROTO_UDP)))
		abort();
	if (pkt.kind == UVS_PKT_ARP && size < ETH_HLEN + 28)
		abort();
	return 0;
}
