/*
 * Why a frame was not forwarded. Every frame uvsd reads ends up either
 * forwarded, answered (ARP) or counted under exactly one of these.
 */
#ifndef UVS_DROP_H
#define UVS_DROP_H

enum uvs_drop {
	UVS_DROP_NONE = 0,
	/* parse.c: the frame itself is bad or not ours to forward */
	UVS_DROP_RUNT,		/* shorter than an Ethernet header */
	UVS_DROP_ETHERTYPE,	/* neither IPv4, IPv6 nor ARP */
	UVS_DROP_ARP_BAD,	/* ARP that is not Ethernet/IPv4 or is cut */
	UVS_DROP_IP_SHORT,	/* less than a minimal IPv4 header */
	UVS_DROP_IP_VERSION,	/* version is not 4 */
	UVS_DROP_IP_IHL,	/* header length below 20 bytes */
	UVS_DROP_IP_OPTIONS,	/* IP options cut short, or a source route */
	UVS_DROP_IP_LEN,	/* total length outside header..frame */
	UVS_DROP_IP_CSUM,	/* header checksum wrong */
	UVS_DROP_IP_FRAG,	/* a fragment no datagram can have: tiny
				   first, past 64 KiB, TCP at offset 8 */
	UVS_DROP_IP_PROTO,	/* neither TCP, UDP nor ICMP */
	UVS_DROP_L4_SHORT,	/* TCP/UDP header cut short */
	UVS_DROP_TCP_DOFF,	/* TCP data offset impossible */
	UVS_DROP_UDP_LEN,	/* UDP length impossible */
	UVS_DROP_ICMP_TYPE,	/* ICMP that is no error IPVS forwards */
	UVS_DROP_ICMP_QUOTE,	/* ICMP error quoting no TCP/UDP header */
	UVS_DROP_ICMP_CSUM,	/* ICMP checksum wrong */
	UVS_DROP_VLAN,		/* 802.1Q VLAN uvsd does not serve (--vlan) */
	/* parse6.c: IPv6 */
	UVS_DROP_IP6_BAD,	/* IPv6 header cut short, version not 6,
				   payload length past the frame or 0
				   (a jumbogram) */
	UVS_DROP_IP6_EXT,	/* extension header cut short, options
				   that do not fit, hop-by-hop not first */
	UVS_DROP_IP6_CHAIN,	/* more than UVS_PARSE6_MAX_EXT headers */
	UVS_DROP_IP6_ROUTING,	/* routing header with segments left: the
				   packet is not for us alone (Linux drops
				   RH0, RFC 5095) */
	UVS_DROP_NDP_BAD,	/* Neighbor Solicitation failing RFC 4861
				   7.1.1: hop limit, code, length, target,
				   options, checksum */
	/* forward.c: a good frame we cannot place */
	UVS_DROP_NOT_VIP,	/* IPv4 to an address that is no VIP */
	UVS_DROP_NO_SVC,	/* VIP, but no service on that proto:port */
	UVS_DROP_VIP_STANDBY,	/* --follow-vip: a VIP the kernel does not
				   hold (the VRRP backup's) */
	UVS_DROP_TCP_NOSYN,	/* unknown TCP flow that does not start */
	UVS_DROP_NO_DEST,	/* scheduler found no usable dest */
	UVS_DROP_CONN_FULL,	/* connection table full */
	UVS_DROP_DEST_NOHW,	/* dest's MAC is not known */
	UVS_DROP_ICMP_NO_CONN,	/* ICMP error about no flow we hold */
	UVS_DROP_FRAG_NOROOM,	/* fragment ahead of its first: no room to
				   hold it (uvsd --frag-max) */
	UVS_DROP_FRAG_EXPIRED,	/* held fragment whose first never came */
	/* capture.c / uvsd.c */
	UVS_DROP_TRUNC,		/* larger than the receive buffer */
	UVS_DROP_NOT_HOST,	/* not addressed to our MAC */
	UVS_DROP_SEND,		/* the kernel refused to send it */
	/* forward.c: tunnel mode (-i) */
	UVS_DROP_TUN_TOOBIG,	/* DF, too big once wrapped: ICMP frag-needed
				   went back to the client */
	UVS_DROP_TUN_NOFRAG,	/* no DF, too big once wrapped, and the
				   route's MTU too small to fragment it */
	UVS_DROP_TUN_GSO,	/* a GSO frame not TCPv4: not segmented */
	UVS_DROP_DR_TOOBIG,	/* DR, DF, larger than the route's MTU:
				   ICMP frag-needed went back */
	UVS_DROP_MAX
};

/* Short name for counters ("runt", "ip_ihl", ...). */
const char	*uvs_drop_name(enum uvs_drop d);

#endif
