/*
 * uvsd's XDP program (--backend xdp), built by clang for the BPF target
 * and carried inside uvsd (fwd/data/xdp_obj.c). It runs on the
 * director's link (natively before the kernel builds an skb; in generic
 * mode after GRO, before the stack and the packet sockets): IPv4 frames
 * to a VIP and ARP requests for a VIP go to the AF_XDP socket of the
 * queue they came in on; everything else (the director's own traffic)
 * passes. So the kernel never sees VIP traffic, which is the nftables
 * guard's job with the other backends. A queue without a socket drops
 * VIP traffic rather than let the kernel answer it. uvsd keeps uvs_vips
 * equal to its services' VIPs (xdp_prog.c). A frame too long for a UMEM
 * frame (in generic mode: a GRO or GSO frame, a jumbo frame) passes, to
 * be read by uvsd's packet socket and kept from the kernel by the nft
 * guard.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/* AF_XDP sockets by receive queue; 64: capture_xdp.c's XDP_QUEUES_MAX */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} uvs_xsks SEC(".maps");

/* the VIPs (network order); the value is unused */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} uvs_vips SEC(".maps");

/* the director's MAC (key 0, uvsd sets it before attaching) */
struct uvs_conf {
	__u8	mac[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct uvs_conf);
} uvs_conf SEC(".maps");

/*
 * An IPv4 frame to our MAC too short for its header: no address to look
 * up, but the packet socket backends hand it to uvsd, which counts it
 * (drop_ip_short); so does this program.
 */
static __always_inline int
short_to_us(struct ethhdr *eth)
{
	__u32 zero = 0;
	struct uvs_conf *c = bpf_map_lookup_elem(&uvs_conf, &zero);
	int i, diff = 0;

	if (!c)
		return 0;
	/* byte by byte: clang would make memcmp a call the kernel lacks */
#pragma unroll
	for (i = 0; i < 6; i++)
		diff |= eth->h_dest[i] ^ c->mac[i];
	return diff == 0;
}

/* a UMEM frame's room for a frame: 4 KiB less XDP_PACKET_HEADROOM */
#define UVS_XSK_ROOM	(4096 - 256)

/* RFC 826 for Ethernet and IPv4 */
struct arp_ipv4 {
	__be16	hrd, pro;
	__u8	hln, pln;
	__be16	op;
	__u8	sha[6], spa[4], tha[6], tpa[4];
} __attribute__((packed));

/*
 * An 802.1Q tag the link keeps beside the frame (veth, and NICs that
 * strip tags) is not in the bytes: only this kfunc (Linux 6.8, for a
 * program bound to its device) shows it. Such a frame is not ours:
 * uvsd would serve it untagged.
 */
extern int bpf_xdp_metadata_rx_vlan_tag(const struct xdp_md *ctx,
    __be16 *vlan_proto, __u16 *vlan_tci) __ksym;

static __always_inline int
pick(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u32 dst;

	if ((void *)(eth + 1) > end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > end)
			return short_to_us(eth) ? bpf_redirect_map(&uvs_xsks,
			    ctx->rx_queue_index, XDP_DROP) : XDP_PASS;
		dst = ip->daddr;
	} else if (eth->h_proto == bpf_htons(ETH_P_ARP)) {
		struct arp_ipv4 *a = (void *)(eth + 1);

		if ((void *)(a + 1) > end || a->op != bpf_htons(1))
			return XDP_PASS;
		__builtin_memcpy(&dst, a->tpa, 4);
	} else {
		return XDP_PASS;
	}
	if (!bpf_map_lookup_elem(&uvs_vips, &dst) ||
	    end - data > UVS_XSK_ROOM)
		return XDP_PASS;
	/* the low bits of flags: the action when the queue has no socket */
	return bpf_redirect_map(&uvs_xsks, ctx->rx_queue_index, XDP_DROP);
}

/* native mode: bound to the device, so it can ask for the tag */
SEC("xdp")
int
uvs_xdp(struct xdp_md *ctx)
{
	__be16 proto;
	__u16 tci;

	if (bpf_xdp_metadata_rx_vlan_tag(ctx, &proto, &tci) == 0)
		return XDP_PASS;
	return pick(ctx);
}

/*
 * generic mode, where a device-bound program cannot run: a tag in the
 * bytes still passes (its type is neither IPv4 nor ARP), but one the
 * link keeps beside the frame is invisible here, and uvsd says so at
 * start (uvsd(8), --backend xdp).
 */
SEC("xdp")
int
uvs_xdp_skb(struct xdp_md *ctx)
{
	return pick(ctx);
}

char LICENSE[] SEC("license") = "GPL";
