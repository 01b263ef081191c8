/*
 * The configuration uvsd is started with: a rules file (--rules, what
 * `uvsadm -S` writes) and a keepalived.conf (--keepalived-conf), read
 * into one list of control requests, the rules file's first. uvsd
 * applies the list at start, checks it with --config-test, and hands it
 * whole to the reload (fwd/control/reload.h) on SIGHUP.
 */
#ifndef UVS_CONFLOAD_H
#define UVS_CONFLOAD_H

#include <stddef.h>

#include "fwd/health/keepalived.h"
#include "fwd/lang/rules.h"

struct uvs_confload {
	const char		*rules_path;	/* NULL: none */
	const char		*kc_path;	/* NULL: none */
	struct uvs_rules	 r;		/* every request, in order */
	unsigned		 nrules;	/* the first nrules: --rules' */
	struct uvs_keepalived_info info;
};

typedef void	(*uvs_confload_log)(void *arg, const char *line);

/*
 * Reads rules_path then kc_path (either may be NULL) into cl. Returns 0,
 * or -1 with err "--rules PATH: line N: why" or "PATH:LINE: why" and cl
 * empty. keepalived.conf's skipped blocks are logged through log.
 */
int	uvs_confload_read(struct uvs_confload *cl, const char *rules_path,
	    const char *kc_path, char *err, size_t errlen,
	    uvs_confload_log log, void *log_arg);
void	uvs_confload_free(struct uvs_confload *cl);

/* Where request i came from: "--rules PATH: line N" or "PATH:LINE". */
void	uvs_confload_where(const struct uvs_confload *cl, unsigned i,
	    char *buf, size_t size);

#endif
