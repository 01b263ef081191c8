/*
 * Reload: make uvsd's table what a whole new configuration says
 * (SIGHUP's reload of --rules and --keepalived-conf). The new
 * configuration is the list of requests a fresh start would apply;
 * what it changes is worked out against the running table and applied
 * as one batch (ctl.h's uvs_ctl_batch: checked whole, then applied), so
 * a refused configuration changes nothing. Services and real servers
 * the new list keeps are edited in place, never deleted and added
 * again, so their flows go on and a check that did not change keeps
 * its state.
 */
#ifndef UVS_RELOAD_H
#define UVS_RELOAD_H

#include <stddef.h>

#include "fwd/control/director.h"

/*
 * Brings d in line with lines[0..n) (add-service, add-dest, set-timeout
 * requests; clear and zero are ignored). Returns 0, or -errno with err
 * set and *at the index of the refused line (n when the refusal is of
 * a deletion the reload made up). *stats, when not NULL, gets how
 * many services and real servers were added, kept, and deleted.
 */
struct uvs_reload_stats {
	unsigned	 svc_added, svc_kept, svc_deleted;
	unsigned	 dest_added, dest_kept, dest_deleted;
};

int	uvs_ctl_reload(struct uvs_director *d, char *const *lines,
	    unsigned n, struct uvs_reload_stats *stats, unsigned *at,
	    char *err, size_t errlen);

/*
 * --config-test: would lines[0..n) load into an empty table? 0, or
 * -errno with err and *at as above. Nothing is applied.
 */
int	uvs_ctl_check_fresh(char *const *lines, unsigned n, unsigned *at,
	    char *err, size_t errlen);

#endif
