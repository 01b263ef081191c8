/*
 * Checking a batch of change requests (a rules file) before any of it is
 * applied: the requests are replayed on a shadow copy of the service
 * table, through the same sched/ calls the director makes, so every
 * refusal the real run could meet (a duplicate, a missing service, an
 * unknown scheduler, a scheduler that cannot take the dest set) shows up
 * here first and the real table is left as it was.
 */
#ifndef UVS_BATCH_H
#define UVS_BATCH_H

#include <stddef.h>

#include "fwd/lang/ctlmsg.h"
#include "sched/sched.h"

/*
 * Replays msgs[0..n) on a copy of t. Returns 0 when all would succeed;
 * otherwise -errno (as the director would refuse) with *at the index of
 * the first refused request and err saying why. t is not changed.
 */
int	uvs_batch_check(const struct uvs_svc_table *t,
	    const struct uvs_ctl_msg *msgs, unsigned n, unsigned *at,
	    char *err, size_t errlen);

#endif
