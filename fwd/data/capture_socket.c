/*
 * The socket backend: each frame is one recvfrom from the packet
 * socket's queue into a pool buffer. The slowest way and the simplest;
 * it needs nothing of the kernel but a packet socket, so it is what a
 * capture starts with and what uvsd falls back to when a ring cannot be
 * mapped (and what --no-vnet needs, since rings require the header).
 */
#include "fwd/data/capture.h"
#include "fwd/data/capture_ops.h"
#include "fwd/data/pktsock.h"

static int
socket_burst(struct uvs_capture *c, struct uvs_frame *f, int max)
{
	int n = 0, rc;

	if (max > UVS_PKTSOCK_POOL_FRAMES)
		max = UVS_PKTSOCK_POOL_FRAMES;
	while (n < max) {
		if ((rc = uvs_pktsock_recv(c, (unsigned)n, &f[n])) == 0)
			break;
		if (rc < 0)
			return n ? n : rc;
		n++;
	}
	return n;
}

static uint64_t
socket_drops(struct uvs_capture *c)
{
	return uvs_pktsock_drops(c, 0);
}

const struct uvs_capture_ops uvs_capture_socket_ops = {
	.name = "socket",
	.burst = socket_burst,
	.xmit = uvs_pktsock_xmit,
	.drops = socket_drops,
};
