/*
 * The director's side of health checks: the engine (health.h) asks, and
 * each of its ops here is one director function (a weight through
 * uvs_dir_edit_dest, in or out through uvs_dir_dest_out, the sorry
 * server through uvs_dir_add_dest and uvs_dir_del_dest), and the
 * start of the engine. keepalived.conf is loaded by confload.h.
 */
#ifndef UVS_DIRHEALTH_H
#define UVS_DIRHEALTH_H

#include <stddef.h>
#include <stdint.h>

#include "fwd/control/director.h"
#include "fwd/health/health.h"

typedef void	(*uvs_dirhealth_log)(void *arg, const char *line);

/*
 * Starts d's health engine (d->health), probing from src (a family it
 * leaves zero: the interface's first address of that family that is no
 * VIP), logging through log. 0, or -ENOMEM with err set.
 */
int	uvs_dirhealth_open(struct uvs_director *d,
	    const struct uvs_health_src *src,
	    uvs_dirhealth_log log, void *log_arg, char *err, size_t errlen);

#endif
