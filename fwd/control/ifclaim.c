/*
 * The claim on an interface is a listening Unix socket bound to the
 * abstract name "uvsd/if<ifindex>". Abstract names belong to a network
 * namespace, so the claim is exactly "this interface of this namespace":
 * uvsd on eth0 in two namespaces (two directors, or the test lab) do not
 * collide, two on one eth0 do. The kernel drops the name when the last
 * descriptor closes, also on SIGKILL: no lock file, nothing stale to
 * clean, no dependence on /run. A second uvsd connects to the holder to
 * learn its pid (SO_PEERCRED) and name it in the refusal; the holder never
 * accepts, the kernel keeps at most the backlog of such probes queued.
 * The interface index, not the name, keys it: a renamed interface is
 * still the same one.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fwd/control/ifclaim.h"

#define CLAIM_BACKLOG	1

static socklen_t
claim_addr(struct sockaddr_un *sun, unsigned ifindex)
{
	int n;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	/* sun_path[0] = 0: the abstract namespace; the name is not a string */
	n = snprintf(sun->sun_path + 1, sizeof(sun->sun_path) - 1,
	    "uvsd/if%u", ifindex);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

/* The holder's pid, or 0 when it cannot be asked. */
static pid_t
holder_pid(const struct sockaddr_un *sun, socklen_t len)
{
	struct ucred cred = { 0 };
	socklen_t clen = sizeof(cred);
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return 0;
	if (connect(fd, (const struct sockaddr *)sun, len) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0)
		cred.pid = 0;
	close(fd);
	return cred.pid;
}

int
uvs_ifclaim(unsigned ifindex, const char *ifname, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	socklen_t len = claim_addr(&sun, ifindex);
	pid_t pid;
	int fd, rc;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		rc = -errno;
		snprintf(err, errlen, "claim on %s: %s", ifname, strerror(-rc));
		return rc;
	}
	if (bind(fd, (struct sockaddr *)&sun, len) == 0 &&
	    listen(fd, CLAIM_BACKLOG) == 0)
		return fd;
	rc = -errno;
	close(fd);
	if (rc != -EADDRINUSE) {
		snprintf(err, errlen, "claim on %s: %s", ifname, strerror(-rc));
		return rc;
	}
	if ((pid = holder_pid(&sun, len)) > 0)
		snprintf(err, errlen, "another uvsd (pid %d) already directs "
		    "%s in this network namespace; refusing to forward every "
		    "frame a second time", (int)pid, ifname);
	else
		snprintf(err, errlen, "another uvsd already directs %s in "
		    "this network namespace; refusing to forward every frame "
		    "a second time", ifname);
	return rc;
}
