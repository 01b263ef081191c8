/*
 * Tunnel decapsulation on the real server (tundecap.h). The user-space
 * decapsulator is a child process that outlives uvs-rs: it opens its
 * sockets and TUN device, tells the parent it is ready through a pipe,
 * then loops reading one packet, writing its inner packet, until `down`
 * sends it SIGTERM. It never changes anything else, so stopping it (or
 * its death) leaves nothing behind: the TUN device goes with its fd.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arp/rs/tundecap.h"

#define READY_WAIT_MS	5000
#define PKT_MAX		65535
#define GRE_F_CSUM	0x8000
#define GRE_F_KEY	0x2000
#define GRE_F_SEQ	0x1000
#define GRE_F_OTHER	0x4fff	/* routing, strict route, recursion, flags,
				   version: GRE (RFC 2784/2890) has them 0 */
#define TUN_NAME	"uvstun%d"

static const char *const names[] = { "ipip", "gue", "gre" };

int
uvs_decap_type_parse(const char *s)
{
	unsigned i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
uvs_decap_type_name(enum uvs_decap_type t)
{
	return (unsigned)t < 3 ? names[t] : "?";
}

/* An outer IPv4 header of protocol proto: its length, or -1. */
static long
outer_ip(const uint8_t *buf, size_t len, uint8_t proto)
{
	size_t ihl;

	if (len < 20 || (buf[0] >> 4) != 4 || buf[9] != proto)
		return -1;
	ihl = (size_t)(buf[0] & 15) * 4;
	return ihl >= 20 && ihl <= len ? (long)ihl : -1;
}

/* The inner packet must be IPv4 and fit what is left. */
static long
inner_at(const uint8_t *buf, size_t len, size_t off, size_t *ilen)
{
	size_t tot;

	if (off + 20 > len || (buf[off] >> 4) != 4)
		return -1;
	tot = (size_t)(buf[off + 2] << 8 | buf[off + 3]);
	if (tot < 20 || off + tot > len)
		return -1;
	*ilen = tot;
	return (long)off;
}

long
uvs_decap_inner(enum uvs_decap_type t, const uint8_t *buf, size_t len,
    size_t *ilen)
{
	long off;
	size_t hl;
	uint16_t flags;

	switch (t) {
	case UVS_DECAP_IPIP:
		if ((off = outer_ip(buf, len, IPPROTO_IPIP)) < 0)
			return -1;
		return inner_at(buf, len, (size_t)off, ilen);
	case UVS_DECAP_GUE:
		/* version 0, a data message carrying IPv4, hlen words of
		   options we skip (draft-ietf-intarea-gue) */
		if (len < 4 || (buf[0] & 0xc0) != 0 || (buf[0] & 0x20) ||
		    buf[1] != IPPROTO_IPIP)
			return -1;
		hl = 4 + (size_t)(buf[0] & 0x1f) * 4;
		return inner_at(buf, len, hl, ilen);
	case UVS_DECAP_GRE:
		if ((off = outer_ip(buf, len, IPPROTO_GRE)) < 0 ||
		    (size_t)off + 4 > len)
			return -1;
		flags = (uint16_t)(buf[off] << 8 | buf[off + 1]);
		if ((flags & GRE_F_OTHER) || buf[off + 2] != 0x08 ||
		    buf[off + 3] != 0x00)
			return -1;
		hl = 4 + (flags & GRE_F_CSUM ? 4 : 0) +
		    (flags & GRE_F_KEY ? 4 : 0) + (flags & GRE_F_SEQ ? 4 : 0);
		return inner_at(buf, len, (size_t)off + hl, ilen);
	}
	return -1;
}

/* ---- the kernel's own devices ------------------------------------------ */

static const char *
kernel_dev(enum uvs_decap_type t)
{
	/* each appears in every namespace once its module is loaded */
	return t == UVS_DECAP_IPIP ? "tunl0" : t == UVS_DECAP_GRE ? "gre0" :
	    NULL;
}

static int
link_set_up(const char *dev, int up)
{
	struct ifreq ifr = { 0 };
	int fd, rc = 0;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		rc = -errno;
	else {
		if (up)
			ifr.ifr_flags |= IFF_UP;
		else
			ifr.ifr_flags &= ~IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			rc = -errno;
	}
	close(fd);
	return rc;
}

/*
 * Packets arrive on the tunnel device from the client's address, whose
 * route leaves by another link: reverse-path filtering would drop them
 * (the selftest turns it off on tunl0 too).
 */
static void
rp_filter_off(const char *dev)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/rp_filter",
	    dev);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return;
	(void)!write(fd, "0\n", 2);
	close(fd);
}

/* ---- the user-space decapsulator --------------------------------------- */

static int
tun_open(char *name, size_t size)
{
	struct ifreq ifr = { 0 };
	int fd;

	if ((fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC)) < 0)
		return -errno;
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	/* the kernel replaces %d with the first free number */
	memcpy(ifr.ifr_name, TUN_NAME, sizeof(TUN_NAME));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	snprintf(name, size, "%s", ifr.ifr_name);
	return fd;
}

static int
in_socket(const struct uvs_decap *d)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd;

	if (d->type == UVS_DECAP_GUE) {
		if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
			return -errno;
		sin.sin_port = htons(d->port);
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
			int e = errno;

			close(fd);
			return -e;
		}
		return fd;
	}
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC,
	    d->type == UVS_DECAP_GRE ? IPPROTO_GRE : IPPROTO_IPIP);
	return fd < 0 ? -errno : fd;
}

/* The child's loop: one packet in, its inner packet out, forever. */
static void
decap_loop(enum uvs_decap_type t, int in, int tun)
{
	static uint8_t buf[PKT_MAX];
	size_t ilen;
	ssize_t n;
	long off;

	for (;;) {
		n = recv(in, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			_exit(1);
		off = uvs_decap_inner(t, buf, (size_t)n, &ilen);
		if (off >= 0)
			(void)!write(tun, buf + off, ilen);
	}
}

/* In the child: set everything up, say so (0 or errno) on ready, loop. */
static void
child(struct uvs_decap *d, int ready)
{
	int in, tun = -1, e = 0, devnull;

	setsid();
	if ((in = in_socket(d)) < 0)
		e = -in;
	else if ((tun = tun_open(d->dev, sizeof(d->dev))) < 0)
		e = -tun;
	else if ((e = -link_set_up(d->dev, 1)) == 0)
		rp_filter_off(d->dev);
	(void)!write(ready, &e, sizeof(e));
	(void)!write(ready, d->dev, sizeof(d->dev));
	close(ready);
	if (e)
		_exit(1);
	if ((devnull = open("/dev/null", O_RDWR)) >= 0) {
		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(devnull, 2);
		if (devnull > 2)
			close(devnull);
	}
	decap_loop(d->type, in, tun);
}

static int
spawn(struct uvs_decap *d, char *err, size_t errlen)
{
	struct pollfd pfd;
	int p[2], e = EIO;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	if ((pid = fork()) < 0) {
		e = errno;
		close(p[0]);
		close(p[1]);
		return -e;
	}
	if (pid == 0) {
		close(p[0]);
		child(d, p[1]);
		_exit(1);
	}
	close(p[1]);
	pfd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	if (poll(&pfd, 1, READY_WAIT_MS) != 1 ||
	    read(p[0], &e, sizeof(e)) != sizeof(e) ||
	    (e == 0 && read(p[0], d->dev, sizeof(d->dev)) !=
	    sizeof(d->dev))) {
		e = e ? e : ETIMEDOUT;
		kill(pid, SIGTERM);
	}
	close(p[0]);
	if (e) {
		waitpid(pid, NULL, 0);
		snprintf(err, errlen, "user-space %s decapsulator: %s",
		    names[d->type], strerror(e));
		return -e;
	}
	d->dev[sizeof(d->dev) - 1] = '\0';
	d->pid = pid;
	return 0;
}

int
uvs_decap_up(struct uvs_decap *d, char *err, size_t errlen)
{
	const char *dev = kernel_dev(d->type);
	int rc;

	d->kernel = 0;
	d->pid = 0;
	d->dev[0] = '\0';
	if (dev && if_nametoindex(dev)) {
		if ((rc = link_set_up(dev, 1)) < 0) {
			snprintf(err, errlen, "%s up: %s", dev, strerror(-rc));
			return rc;
		}
		rp_filter_off(dev);
		d->kernel = 1;
		snprintf(d->dev, sizeof(d->dev), "%s", dev);
		return 0;
	}
	return spawn(d, err, errlen);
}

/* Is pid a decapsulator we started? Its command line is uvs-rs's. */
static int
is_ours(pid_t pid)
{
	char path[64], cmd[256] = "";
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, cmd, sizeof(cmd) - 1);
	close(fd);
	return n > 0 && strstr(cmd, "uvs-rs") != NULL;
}

int
uvs_decap_down(const struct uvs_decap *d)
{
	if (d->kernel)
		return link_set_up(d->dev, 0);
	if (d->pid > 0 && is_ours(d->pid) && kill(d->pid, SIGTERM) < 0)
		return -errno;
	return 0;
}

int
uvs_decap_check(const struct uvs_decap *d, FILE *out)
{
	const char *t = names[d->type];

	if (d->kernel) {
		fprintf(out, "ok: tunnel %s: the kernel decapsulates on %s\n", t,
		    d->dev);
		return 0;
	}
	if (d->pid > 0 && is_ours(d->pid) && kill(d->pid, 0) == 0) {
		if (d->type == UVS_DECAP_GUE)
			fprintf(out, "ok: tunnel gue port %u: user-space "
			    "decapsulator pid %d (UDP socket in, %s out)\n",
			    d->port, (int)d->pid, d->dev);
		else
			fprintf(out, "ok: tunnel %s: user-space decapsulator "
			    "pid %d (raw socket in, %s out; the kernel has no "
			    "%s)\n", t, (int)d->pid, d->dev,
			    kernel_dev(d->type));
		return 0;
	}
	fprintf(out, "problem: tunnel %s: the user-space decapsulator (pid "
	    "%d) is not running; run up again\n", t, (int)d->pid);
	return -1;
}

static int
record_path(const char *state, char *buf, size_t size)
{
	return (size_t)snprintf(buf, size, "%s.tun", state) < size ? 0 :
	    -ENAMETOOLONG;
}

int
uvs_decap_save(const struct uvs_decap *d, const char *state)
{
	char path[PATH_MAX];
	FILE *f;
	int rc = 0;

	if ((rc = record_path(state, path, sizeof(path))) < 0)
		return rc;
	if (!(f = fopen(path, "we")))
		return -errno;
	fprintf(f, "%s %u %s %d %s\n", names[d->type], d->port,
	    d->kernel ? "kernel" : "user", (int)d->pid, d->dev);
	if (fclose(f) != 0)
		rc = -errno;
	return rc;
}

int
uvs_decap_load(struct uvs_decap *d, const char *state)
{
	char path[PATH_MAX], type[8], how[8];
	unsigned port;
	int pid, rc;
	FILE *f;

	if ((rc = record_path(state, path, sizeof(path))) < 0)
		return rc;
	if (!(f = fopen(path, "re")))
		return -errno;
	rc = fscanf(f, "%7s %u %7s %d %15s", type, &port, how, &pid, d->dev);
	fclose(f);
	if (rc != 5 || uvs_decap_type_parse(type) < 0 || port > 65535)
		return -EINVAL;
	d->type = (enum uvs_decap_type)uvs_decap_type_parse(type);
	d->port = (uint16_t)port;
	d->kernel = strcmp(how, "kernel") == 0;
	d->pid = pid;
	return 0;
}

int
uvs_decap_forget(const char *state)
{
	char path[PATH_MAX];
	int rc;

	if ((rc = record_path(state, path, sizeof(path))) < 0)
		return rc;
	return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
}
