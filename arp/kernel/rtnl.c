/*
 * One rtnetlink request and its answers, on a socket of its own: the
 * control-path queries of arp/ (links, addresses) all go through here.
 * Dumps are read in 32 KiB pieces, large enough for the kernel's batches.
 */
#include <errno.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include "arp/kernel/rtnl.h"

#define RECV_SIZE	32768

int
uvs_rtnl_talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char			 buf[RECV_SIZE];
	struct mnl_socket	*nl;
	unsigned int		 seq, portid;
	ssize_t			 n;
	int			 rc;

	if ((nl = mnl_socket_open(NETLINK_ROUTE)) == NULL)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	seq = nlh->nlmsg_seq = (unsigned int)time(NULL);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		rc = -errno;
		goto out;
	}
	/* Bounded by the kernel: it ends every request with an ack or DONE. */
	do {
		if ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) < 0) {
			rc = -errno;
			goto out;
		}
		errno = 0;
		rc = mnl_cb_run(buf, n, seq, portid, cb, data);
	} while (rc > MNL_CB_STOP);
	/* mnl_cb_run left the kernel's NLMSG_ERROR code in errno. */
	if (rc < 0)
		rc = errno != 0 ? -errno : -EPROTO;
out:
	mnl_socket_close(nl);
	return rc;
}
