/*
 * arp/ public header for the director: ARP frames it sends (built with
 * libnet) and the kernel's neighbour table (rtnetlink via libmnl), from
 * which it learns the real servers' MAC addresses.
 */
#ifndef UVS_ARP_H
#define UVS_ARP_H

#include <stddef.h>
#include <stdint.h>

#include "sched/inaddr.h"

#define UVS_ARP_FRAME_LEN	42	/* Ethernet + ARP for IPv4 */
/* where an Ethernet/IPv4 ARP frame keeps its fields (RFC 826) */
#define UVS_ARP_OFF		14
#define UVS_ARP_OFF_SPA		(UVS_ARP_OFF + 14)
#define UVS_ARP_OFF_THA		(UVS_ARP_OFF + 18)
#define UVS_ARP_OFF_TPA		(UVS_ARP_OFF + 24)

/*
 * Builds an ARP frame with libnet: op (ARPOP_REQUEST/REPLY), Ethernet
 * destination eth_dst, sender (sha, spa), target (tha, tpa). ifname is
 * the device libnet is opened on. Returns 0, or -1 with err filled in.
 */
int	uvs_arp_build(const char *ifname, uint16_t op, const uint8_t eth_dst[6],
	    const uint8_t sha[6], uint32_t spa, const uint8_t tha[6],
	    uint32_t tpa, uint8_t out[UVS_ARP_FRAME_LEN], char *err,
	    size_t errlen);

/*
 * Turns a reply template (built once with uvs_arp_build) into the answer
 * to one request: "spa is-at <template's sha>", sent to tha/tpa.
 */
void	uvs_arp_reply_fill(uint8_t frame[UVS_ARP_FRAME_LEN], uint32_t spa,
	    const uint8_t tha[6], uint32_t tpa);

/* Link facts from rtnetlink: ifindex, MAC, MTU of ifname. 0 or -errno. */
int	uvs_link_get(const char *ifname, int *ifindex, uint8_t mac[6]);

/* What a neighbour message says about an address. */
enum uvs_neigh_event {
	UVS_NEIGH_VALID,	/* mac is usable */
	UVS_NEIGH_FAILED,	/* resolution failed: do not send there */
	UVS_NEIGH_GONE,		/* entry removed: mac may still be right */
	UVS_NEIGH_ROUTES,	/* the IPv4 or IPv6 routing table changed
				   (addr 0, ifindex 0): look routes up again */
	UVS_NEIGH_ADDRS,	/* an IPv4 or IPv6 address came or went on
				   some interface (addr 0, ifindex 0) */
};

/* News about IPv4 neighbour addr on link ifindex. */
typedef void (*uvs_neigh_cb)(void *arg, int ifindex, uint32_t addr,
    enum uvs_neigh_event ev, const uint8_t *mac);
/* The same news for a neighbour of family af (AF_INET6 so far). */
typedef void (*uvs_neigh_af_cb)(void *arg, int af, int ifindex,
    const union uvs_inaddr *addr, enum uvs_neigh_event ev,
    const uint8_t *mac);

struct uvs_nl;

/*
 * A non-blocking rtnetlink socket subscribed to neighbour, route and
 * address events of both families. Neighbours are reported for the links added with
 * uvs_nl_watch only (at most UVS_NL_LINKS_MAX).
 */
#define UVS_NL_LINKS_MAX	8
struct uvs_nl	*uvs_nl_open(void);
void		 uvs_nl_close(struct uvs_nl *nl);
int		 uvs_nl_fd(const struct uvs_nl *nl);
/* Reports neighbours on ifindex from now on. 0 or -ENOSPC. */
int		 uvs_nl_watch(struct uvs_nl *nl, int ifindex);
/*
 * Asks the kernel to resolve addr on ifindex (NTF_USE), or re-probe a
 * stale entry.
 */
int		 uvs_nl_resolve(struct uvs_nl *nl, int ifindex, uint32_t addr);
/*
 * The same for an address of family af: for AF_INET6 the kernel sends a
 * Neighbor Solicitation. 0, -EAFNOSUPPORT or -errno.
 */
int		 uvs_nl_resolve_af(struct uvs_nl *nl, int af, int ifindex,
		    const union uvs_inaddr *addr);
/* Asks for the whole IPv4 neighbour table; answers come via uvs_nl_read. */
int		 uvs_nl_dump(struct uvs_nl *nl);
/* The same for the neighbour table of family af. */
int		 uvs_nl_dump_af(struct uvs_nl *nl, int af);
/*
 * IPv6 neighbours on watched links go to cb from now on (uvs_nl_read
 * still reports IPv4 ones to its own cb); without it they are ignored.
 */
void		 uvs_nl_on_neigh6(struct uvs_nl *nl, uvs_neigh_af_cb cb,
		    void *arg);
/*
 * Reads every waiting message and calls cb for each neighbour on a
 * watched link, and once per batch of route changes and of address
 * changes. Returns 0, or
 * -errno (-ENOBUFS: events were lost, dump again).
 */
int		 uvs_nl_read(struct uvs_nl *nl, uvs_neigh_cb cb, void *arg);

#endif
