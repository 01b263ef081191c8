/*
 * uvsd --follow-vip's arithmetic, apart from the kernel so that it can
 * be tested without one (fwd/control/followdiff.c): which addresses the
 * kernel holds that a VIP could be, and the "vip-held" requests that
 * turn the table's held set into that list, for both families.
 */
#ifndef UVS_FOLLOWDIFF_H
#define UVS_FOLLOWDIFF_H

#include <arpa/inet.h>

#include "fwd/lang/ctlmsg.h"
#include "sched/sched.h"

/*
 * Requests being built: their words live in text[], and addr[i] is
 * msgs[i]'s address, for the log. Drops are at most the held set and
 * adds at most the kernel's list, each capped at UVS_SVC_HELD_MAX.
 */
struct uvs_follow_reqs {
	struct uvs_ctl_msg	 msgs[2 * UVS_SVC_HELD_MAX];
	char			 text[2 * UVS_SVC_HELD_MAX][INET6_ADDRSTRLEN];
	struct uvs_held		 addr[2 * UVS_SVC_HELD_MAX];
	unsigned		 n;
};

/*
 * Could a held address of family af be a VIP? Every v4 address, and
 * v6 ones but loopback, link-local and multicast: each interface has a
 * link-local, and counting those would crowd the held set for nothing.
 */
int	uvs_follow_followable(int af, const union uvs_inaddr *a);
/*
 * Appends to r the requests that make t's held set (both families)
 * exactly now[0..n) (n <= UVS_SVC_HELD_MAX; duplicates allowed): the
 * drops first, so that a full held set always has room for the adds.
 */
void	uvs_follow_diff(const struct uvs_svc_table *t,
	    const struct uvs_held *now, unsigned n, struct uvs_follow_reqs *r);

#endif
