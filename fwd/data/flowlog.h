/*
 * uvsd -v: one line per new flow, saying where it went and why.
 */
#ifndef UVS_FLOWLOG_H
#define UVS_FLOWLOG_H

#include <stddef.h>
#include <stdint.h>

#include "sched/conn.h"

/*
 * Writes into buf (cut to len) the line for flow f just bound to
 * c->dest, with the scheduler's reason and the rewrite old_dst ->
 * c->dest->hwaddr. IPv6 addresses are written in brackets, as ipvsadm
 * writes them. Returns buf.
 */
const char	*uvs_flowlog_line(const struct uvs_conn *c,
		    const struct uvs_flow *f, const uint8_t *old_dst,
		    char *buf, size_t len);

#endif
