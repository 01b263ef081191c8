/*
 * The client side of uvsd's control protocol (ctlmsg.h): one connection
 * per request, one request line out, the whole reply in until EOF.
 */
#ifndef UVS_CTLCLIENT_H
#define UVS_CTLCLIENT_H

#include <stddef.h>

/* A reply larger than this is refused (-EMSGSIZE) rather than buffered. */
#define UVS_CTL_REPLY_MAX	(16u << 20)
/* How long to wait on a silent uvsd before giving up (-ETIMEDOUT). */
#define UVS_CTL_CLIENT_TIMEOUT_S	10
/*
 * And for a batch's answer, this much more per 1 000 requests: uvsd
 * answers once it applied them all, which took 6 to 10 s for 11 000
 * lines (1 000 services, 10 000 dests) on a busy two-core machine.
 */
#define UVS_CTL_BATCH_S_PER_1000	2

/* Connects to the control socket at path. A socket fd, or -errno. */
int	uvs_ctl_connect(const char *path);

/*
 * Sends req (one line, without its newline) on fd, then reads the reply
 * until EOF into *reply, a NUL-terminated string the caller frees. Always
 * closes fd. 0, or -errno: -EINVAL if req holds a newline, -EMSGSIZE if
 * req is longer than uvsd reads or the reply exceeds UVS_CTL_REPLY_MAX,
 * -ETIMEDOUT if uvsd stays silent.
 */
int	uvs_ctl_transact(int fd, const char *req, char **reply);

/*
 * Sends reqs as one batch ("batch n=N" and then the N request lines),
 * which uvsd applies whole or not at all, and reads the reply as
 * uvs_ctl_transact() does. Always closes fd. 0 or -errno.
 */
int	uvs_ctl_transact_batch(int fd, const char *const *reqs, size_t n,
	    char **reply);

/*
 * A refused batch's message starts "at=K": the index of the request that
 * was refused. Reads K into *at and strips it from msg. 0 or -EPROTO.
 */
int	uvs_ctl_batch_error(char *msg, unsigned *at);

/*
 * Sends req on fd and reads the reply as it comes: each line before the
 * status line goes to fn (NUL-terminated, without its newline), so a
 * reply of any length (uvsadm -L -c of a million flows) passes through a
 * buffer of two lines. Always closes fd. 0 with *err and msg as
 * uvs_ctl_reply_status() sets them; fn's own < 0, which stops the read;
 * -EPROTO when the reply does not end with a status line, -EMSGSIZE for
 * a line longer than UVS_CTL_LINE_MAX; or -errno.
 */
int	uvs_ctl_transact_lines(int fd, const char *req,
	    int (*fn)(void *arg, char *line), void *arg, int *err, char *msg,
	    size_t msgsize);

/* uvs_ctl_connect() then uvs_ctl_transact(). 0 or -errno. */
int	uvs_ctl_request(const char *path, const char *req, char **reply);

/*
 * Reads the status line that ends every reply. Returns 0 and sets *err to
 * 0 for "ok", or to ERRNO for "error ERRNO message" (the message, maybe
 * empty, copied into msg). -EPROTO when the last line is neither.
 */
int	uvs_ctl_reply_status(const char *reply, int *err, char *msg,
	    size_t msgsize);

#endif
