/*
 * Names of the drop reasons, as uvsadm --counters prints them and the
 * tests compare them.
 */
#include "fwd/data/drop.h"

static const char *const names[UVS_DROP_MAX] = {
	[UVS_DROP_NONE] = "none",
	[UVS_DROP_RUNT] = "runt",
	[UVS_DROP_ETHERTYPE] = "ethertype",
	[UVS_DROP_ARP_BAD] = "arp_bad",
	[UVS_DROP_IP_SHORT] = "ip_short",
	[UVS_DROP_IP_VERSION] = "ip_version",
	[UVS_DROP_IP_IHL] = "ip_ihl",
	[UVS_DROP_IP_OPTIONS] = "ip_options",
	[UVS_DROP_IP_LEN] = "ip_len",
	[UVS_DROP_IP_CSUM] = "ip_csum",
	[UVS_DROP_IP_FRAG] = "ip_frag",
	[UVS_DROP_IP_PROTO] = "ip_proto",
	[UVS_DROP_L4_SHORT] = "l4_short",
	[UVS_DROP_TCP_DOFF] = "tcp_doff",
	[UVS_DROP_UDP_LEN] = "udp_len",
	[UVS_DROP_ICMP_TYPE] = "icmp_type",
	[UVS_DROP_ICMP_QUOTE] = "icmp_quote",
	[UVS_DROP_ICMP_CSUM] = "icmp_csum",
	[UVS_DROP_VLAN] = "vlan",
	[UVS_DROP_IP6_BAD] = "ip6_bad",
	[UVS_DROP_IP6_EXT] = "ip6_ext",
	[UVS_DROP_IP6_CHAIN] = "ip6_chain",
	[UVS_DROP_IP6_ROUTING] = "ip6_routing",
	[UVS_DROP_NDP_BAD] = "ndp_bad",
	[UVS_DROP_NOT_VIP] = "not_vip",
	[UVS_DROP_NO_SVC] = "no_service",
	[UVS_DROP_VIP_STANDBY] = "vip_standby",
	[UVS_DROP_TCP_NOSYN] = "tcp_nosyn",
	[UVS_DROP_NO_DEST] = "no_dest",
	[UVS_DROP_CONN_FULL] = "conn_full",
	[UVS_DROP_DEST_NOHW] = "dest_nohw",
	[UVS_DROP_ICMP_NO_CONN] = "icmp_no_conn",
	[UVS_DROP_FRAG_NOROOM] = "frag_noroom",
	[UVS_DROP_FRAG_EXPIRED] = "frag_expired",
	[UVS_DROP_TRUNC] = "truncated",
	[UVS_DROP_NOT_HOST] = "not_host",
	[UVS_DROP_SEND] = "send_error",
	[UVS_DROP_TUN_TOOBIG] = "tun_too_big",
	[UVS_DROP_TUN_NOFRAG] = "tun_needs_frag",
	[UVS_DROP_TUN_GSO] = "tun_gso",
	[UVS_DROP_DR_TOOBIG] = "dr_too_big",
};

const char *
uvs_drop_name(enum uvs_drop d)
{
	if ((unsigned)d >= UVS_DROP_MAX)
		return "unknown";
	return names[d];
}
