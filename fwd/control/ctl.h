/*
 * uvsd's control socket: a root-only unix socket that takes one request
 * per connection (protocol in ctlmsg.h) and applies it to the director.
 */
#ifndef UVS_CTL_H
#define UVS_CTL_H

#include <sys/un.h>

#include "fwd/control/director.h"

struct uvs_ctl {
	int	 fd;
	char	 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

/*
 * Listens on path (mode 0600). Refuses (-EADDRINUSE) if a live uvsd
 * already answers there; a stale socket file is replaced. 0 or -errno.
 */
int	uvs_ctl_open(struct uvs_ctl *c, const char *path, char *err,
	    size_t errlen);
/* Stops listening and removes the socket file. */
void	uvs_ctl_close(struct uvs_ctl *c);
/* Accepts one waiting client and answers its request. */
void	uvs_ctl_serve(struct uvs_ctl *c, struct uvs_director *d);

/*
 * Applies one request line to the director and writes the reply to out.
 * Separate from the socket so tests and fuzzers can drive it directly.
 */
void	uvs_ctl_handle(struct uvs_director *d, char *line, FILE *out);

/*
 * Applies n change requests as one transaction (uvs_dir_apply, with the
 * health engine's words). 0, or -errno with *at the index of the refused
 * request and err the reason; on refusal nothing was changed.
 */
int	uvs_ctl_batch(struct uvs_director *d, char **lines, unsigned n,
	    unsigned *at, char *err, size_t errlen);

#endif
