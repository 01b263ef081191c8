/*
 * A single rtnetlink exchange (arp/kernel/rtnl.c).
 */
#ifndef UVS_RTNL_H
#define UVS_RTNL_H

#include <libmnl/libmnl.h>

/*
 * Sends nlh (its seq is set here) and feeds every answer to cb until the
 * kernel's ACK or DONE. Returns >= 0, or -errno (the kernel's error).
 */
int	uvs_rtnl_talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

#endif
