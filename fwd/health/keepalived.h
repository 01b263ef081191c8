/*
 * keepalived.conf's LVS half, as keepalived 2.2.7 reads it: the
 * virtual_server blocks and groups (scheduler, DR, persistence, real
 * servers with weights and TCP_CHECK / HTTP_GET / SSL_GET / SMTP_CHECK /
 * UDP_CHECK / PING_CHECK / MISC_CHECK, sorry server, quorum and its
 * scripts, alpha, inhibit_on_failure) and global_defs' lvs_timeouts
 * become the same requests a rules file gives (rules.h), each made by
 * uvsadm's own parser from the options it maps to, so uvsd applies the
 * whole file as one batch. What uvs cannot do is refused by name and
 * line; blocks outside the LVS half (vrrp_instance, ...) are skipped
 * with one log line each: VRRP is keepalived's own (uvsd --follow-vip
 * follows it).
 */
#ifndef UVS_KEEPALIVED_H
#define UVS_KEEPALIVED_H

#include <stdio.h>

#include "fwd/lang/rules.h"

/* Largest keepalived.conf read. */
#define UVS_KEEPALIVED_MAX	(4u << 20)

struct uvs_keepalived_info {
	unsigned	 services;	/* virtual_server blocks */
	unsigned	 servers;	/* real_server blocks */
	unsigned	 checks;	/* checkers among them */
	unsigned	 skipped;	/* top-level blocks and lines skipped */
};

typedef void	(*uvs_keepalived_log)(void *arg, const char *line);

/*
 * Reads a keepalived.conf from in, named name in messages. Returns 0
 * with *r filled (one request per -A and -a, lineno the file's line of
 * its virtual_server or real_server) and *info counted, or non-zero with
 * err "NAME:LINE: why" and *r empty. Skipped blocks are logged through
 * log (may be NULL).
 */
int	uvs_keepalived_read(FILE *in, const char *name, struct uvs_rules *r,
	    struct uvs_keepalived_info *info, char *err, size_t errlen,
	    uvs_keepalived_log log, void *log_arg);
/* The same on the file at path. */
int	uvs_keepalived_read_file(const char *path, struct uvs_rules *r,
	    struct uvs_keepalived_info *info, char *err, size_t errlen,
	    uvs_keepalived_log log, void *log_arg);

#endif
