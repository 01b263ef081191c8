/*
 * IPVS's connection sync messages, version 1 (fwd/data/syncmsg.c), as
 * the kernel's net/netfilter/ipvs/ip_vs_sync.c writes and reads them: an
 * 8-byte header (0, syncid, size, count, version 1, 0) and count entries,
 * each a 36-byte IPv4 connection (type 0) or a 72-byte IPv6 one (type
 * 1) plus options, padded to 4 bytes; all fields in network order. uvs
 * writes entries of both families without options; it reads any entry
 * the kernel could send, skips options it has no use for, and refuses a
 * message whose lengths do not add up, whole, as the kernel does.
 */
#ifndef UVS_SYNCMSG_H
#define UVS_SYNCMSG_H

#include <stddef.h>
#include <stdint.h>

#include "sched/inaddr.h"

#define UVS_SYNC_GROUP		"224.0.0.81"	/* IP_VS_SYNC_GROUP */
#define UVS_SYNC_PORT		8848		/* IP_VS_SYNC_PORT */
#define UVS_SYNC_VERSION	1		/* SYNC_PROTO_VER */
#define UVS_SYNC_HDR_LEN	8		/* struct ip_vs_sync_mesg */
#define UVS_SYNC_V4_LEN		36		/* struct ip_vs_sync_v4 */
#define UVS_SYNC_V6_LEN		72		/* struct ip_vs_sync_v6 */
/* ipvsadm's --sync-maxlen default and bounds: a 1500-byte MTU less
   the IP and UDP headers */
#define UVS_SYNC_MAXLEN_DEFAULT	1472
#define UVS_SYNC_MAXLEN_MAX	(65535 - 20 - 8)
/* nr_conns is a byte */
#define UVS_SYNC_CONNS_MAX	255

/* include/uapi/linux/ip_vs.h's conn flags that cross the wire */
#define UVS_SYNC_F_FWD_MASK	0x0007
#define UVS_SYNC_F_DROUTE	0x0003
#define UVS_SYNC_F_TUNNEL	0x0002
#define UVS_SYNC_F_INACTIVE	0x0100
#define UVS_SYNC_F_TEMPLATE	0x1000
#define UVS_SYNC_F_ONE_PACKET	0x2000

/* One connection as a sync entry carries it (addresses, ports: network
   order; the rest host order). */
struct uvs_sync_conn {
	uint8_t		 af;		/* AF_INET or AF_INET6 */
	uint8_t		 proto;
	uint16_t	 state;		/* IPVS's: TCP as enum uvs_tcp_state,
					   UDP 0, templates 0 */
	uint32_t	 flags;		/* UVS_SYNC_F_* */
	uint16_t	 cport, vport, dport;
	uint32_t	 fwmark;
	uint32_t	 timeout;	/* seconds: the state's full timeout */
	union uvs_inaddr caddr, vaddr, daddr;
};

/* Why a message was refused or an entry skipped (counted by the caller). */
enum uvs_sync_err {
	UVS_SYNC_OK = 0,
	UVS_SYNC_E_SHORT,	/* shorter than a header */
	UVS_SYNC_E_SIZE,	/* header's size is not the datagram's */
	UVS_SYNC_E_SYNCID,	/* another director pair's syncid */
	UVS_SYNC_E_VERSION,	/* not version 1 (version 0 is not read) */
	UVS_SYNC_E_ENTRY,	/* an entry runs past the end, or is bad */
	UVS_SYNC_E_MAX
};

/* Short name of e for counters ("short", "syncid", ...). */
const char	*uvs_sync_err_name(enum uvs_sync_err e);

/*
 * Writing. uvs_sync_begin starts a message in buf (size bytes, at least
 * a header); uvs_sync_add appends c, 0 or -ENOSPC when it would not fit
 * or the message holds UVS_SYNC_CONNS_MAX (-EINVAL: c->af is neither
 * AF_INET nor AF_INET6); uvs_sync_end returns the
 * finished message's length (its header's size).
 */
void	uvs_sync_begin(uint8_t *buf, uint8_t syncid);
int	uvs_sync_add(uint8_t *buf, size_t size, const struct uvs_sync_conn *c);
size_t	uvs_sync_end(uint8_t *buf);
/* How many entries the message in buf holds so far. */
unsigned uvs_sync_count(const uint8_t *buf);

/*
 * Reading: checks the whole datagram first (header, size, syncid unless
 * want_syncid is 0, every entry's length), then calls fn for each entry
 * in order. Returns UVS_SYNC_OK with *n the entries handed to fn,
 * or the reason nothing was handed over.
 */
typedef void (*uvs_sync_conn_fn)(void *arg, const struct uvs_sync_conn *c);
enum uvs_sync_err uvs_sync_parse(const uint8_t *buf, size_t len,
		    uint8_t want_syncid, uvs_sync_conn_fn fn, void *arg,
		    unsigned *n);

#endif
