/*
 * Rules files: what `uvsadm -S` writes and the old
 * /etc/sysconfig/ipvsadm held, one ipvsadm command a line. Each line is
 * parsed exactly as uvsadm parses its own argv, then turned into the
 * control request that does it; the requests travel as one batch that
 * uvsd applies whole or not at all.
 */
#ifndef UVS_RULES_H
#define UVS_RULES_H

#include <stddef.h>
#include <stdio.h>

/* Longest line a rules file may hold, newline included. */
#define UVS_RULES_LINE_MAX	4096

struct uvs_rules {
	char		**req;		/* request lines, each malloc'd */
	unsigned	 *lineno;	/* file line of each request */
	int		 *cmd;		/* ipvsargs CMD_* of each request */
	unsigned	  n, cap;
};

/*
 * Reads a rules file: blank lines and '#' comments are skipped, and a
 * line may start with "ipvsadm" or "uvsadm". Only commands that change the
 * table may appear. Returns 0 with *r filled (free with uvs_rules_free),
 * or the exit status ipvsadm would give for the first bad line with
 * "line N: why" in err, and *r empty.
 */
int	uvs_rules_read(FILE *in, struct uvs_rules *r, char *err,
	    size_t errlen);
void	uvs_rules_free(struct uvs_rules *r);
/* Appends one request (copied) made from file line lineno. 0 or -ENOMEM. */
int	uvs_rules_add(struct uvs_rules *r, const char *req, unsigned lineno,
	    int cmd);

#endif
