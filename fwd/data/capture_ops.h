/*
 * What a capture backend is: one const struct of operations, filled with
 * designated initialisers at the end of its own file and listed once in
 * capture.c's registry, as IPVS lists its schedulers. The packet loop
 * never sees these; it calls uvs_capture_burst/queue/flush/release,
 * which dispatch here. What every backend shares stays in capture.c:
 * the socket and its filter, the vnet header rules, --trace, the send
 * queue. A new backend is one file and one registry line (capture_xdp.c is
 * the AF_XDP one).
 */
#ifndef UVS_CAPTURE_OPS_H
#define UVS_CAPTURE_OPS_H

#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>
#include <sys/socket.h>

struct uvs_capture;
struct uvs_frame;

/* Sizes a backend is opened with; a backend without a ring ignores them. */
struct uvs_capture_conf {
	size_t		 block_size;
	unsigned	 nblocks;
};

struct uvs_capture_ops {
	const char	*name;		/* as uvsd --backend spells it */
	/*
	 * Takes over c's open packet socket; may set c->be. 0 or -errno,
	 * and then c is as it was.
	 */
	int		(*open)(struct uvs_capture *c,
			    const struct uvs_capture_conf *conf);
	/* Frees c->be; the socket is capture.c's to close. May be NULL. */
	void		(*close)(struct uvs_capture *c);
	/*
	 * Takes up to max waiting frames (max <= UVS_BURST), each starting
	 * at its vnet header. Frames stay valid until release. Returns how
	 * many (0: none wait) or -errno.
	 */
	int		(*burst)(struct uvs_capture *c, struct uvs_frame *f,
			    int max);
	/* The frames of the bursts so far are done with. May be NULL. */
	void		(*release)(struct uvs_capture *c);
	/*
	 * Sends n frames, each one msghdr (address, one or more iovecs of
	 * the wire bytes). Returns how many left, or -errno when the first
	 * could not be sent; capture.c retries and counts the rest.
	 */
	int		(*xmit)(struct uvs_capture *c, struct mmsghdr *m,
			    unsigned n);
	/* Frames the kernel dropped since the last call. */
	uint64_t	(*drops)(struct uvs_capture *c);
	/* The descriptor to poll for frames; NULL: c->fd. */
	int		(*pollfd)(const struct uvs_capture *c);
	/*
	 * Makes vip[0..n) (network order) the VIPs whose traffic reaches
	 * the backend; NULL: the socket filter decides. 0 or -errno.
	 */
	int		(*set_vips)(struct uvs_capture *c, const uint32_t *vip,
			    size_t n);
	/* Replaces setting the socket filter; NULL: set it on c->fd. */
	int		(*set_filter)(struct uvs_capture *c,
			    const struct sock_fprog *prog);
	/* How the backend runs, for uvsd's start line; may be NULL. */
	const char	*(*detail)(const struct uvs_capture *c);
};

extern const struct uvs_capture_ops uvs_capture_socket_ops;
extern const struct uvs_capture_ops uvs_capture_ring_v2_ops;
extern const struct uvs_capture_ops uvs_capture_ring_v3_ops;
extern const struct uvs_capture_ops uvs_capture_xdp_ops;

/* The backend called name, or NULL. */
const struct uvs_capture_ops *uvs_capture_lookup(const char *name);

#endif
