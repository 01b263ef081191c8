/*
 * uvsd --check: the director-side diagnosis (what uvs-rs check is for a
 * real server).
 */
#ifndef UVS_DIAGNOSE_H
#define UVS_DIAGNOSE_H

#include <stdio.h>

/*
 * Asks the uvsd serving socket for its VIPs and checks this host's kernel
 * against them for uvsd on ifname; writes one line per finding to out.
 * Returns the number of problems found (0: all is well), or -errno when
 * it could not look (no uvsd answers, no such interface), with a line
 * saying so written to out.
 */
int	uvs_diagnose(const char *ifname, const char *socket, FILE *out);

#endif
