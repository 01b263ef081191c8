/*
 * uvsd's XDP program on a link (xdp_prog.h): loaded from the object
 * carried in uvsd, attached natively where the driver can (bound to the
 * device, so it can ask for a VLAN tag kept beside the frame), in
 * generic mode otherwise, and its maps filled: the director's MAC, the
 * AF_XDP socket of each queue, the VIPs. libbpf's and libxdp's own
 * messages are silenced: a failure comes back as -errno, and uvsd says
 * it in one line.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <net/ethernet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "fwd/data/xdp_obj.h"
#include "fwd/data/xdp_prog.h"
#include "fwd/data/xdp_vips.h"

#define XDP_PROG_NAME	"uvs_xdp"	/* native: bound to the device */
#define XDP_PROG_SKB	"uvs_xdp_skb"	/* generic mode */
#ifndef BPF_F_XDP_DEV_BOUND_ONLY
#define BPF_F_XDP_DEV_BOUND_ONLY	(1U << 6)	/* Linux 6.3 */
#endif

static int
quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static int
quiet_xdp(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/*
 * The program for mode, from the object carried in uvsd (xdp_obj.c):
 * natively uvs_xdp, bound to the device (so it can see a tag the link
 * keeps beside the frame), else uvs_xdp_skb, which generic mode takes.
 */
static int
prog_load(struct uvs_xdp_prog *x, int ifindex, uint32_t mode,
    const uint8_t mac[ETH_ALEN])
{
	const char *name = mode == XDP_FLAGS_DRV_MODE ? XDP_PROG_NAME :
	    XDP_PROG_SKB;
	struct bpf_program *p, *bound;
	uint8_t conf[ETH_ALEN] = { 0 };
	uint32_t zero = 0;
	int rc, conf_fd;

	bpf_object__close(x->obj);
	x->obj = bpf_object__open_mem(uvs_xdp_obj, uvs_xdp_obj_size(),
	    NULL);
	if (!x->obj)
		return -errno ? -errno : -EINVAL;
	if (!(p = bpf_object__find_program_by_name(x->obj, name)) ||
	    !(bound = bpf_object__find_program_by_name(x->obj,
	    XDP_PROG_NAME)))
		return -ENOENT;
	if (mode == XDP_FLAGS_DRV_MODE) {
		bpf_program__set_ifindex(p, (uint32_t)ifindex);
		(void)bpf_program__set_flags(p, BPF_F_XDP_DEV_BOUND_ONLY);
	} else {
		(void)bpf_program__set_autoload(bound, false);
	}
	if ((rc = bpf_object__load(x->obj)) < 0)
		return rc;
	x->prog_fd = bpf_program__fd(p);
	x->xsks_fd = bpf_object__find_map_fd_by_name(x->obj, "uvs_xsks");
	x->vips_fd = bpf_object__find_map_fd_by_name(x->obj, "uvs_vips");
	if (x->xsks_fd < 0 || x->vips_fd < 0 ||
	    (conf_fd = bpf_object__find_map_fd_by_name(x->obj,
	    "uvs_conf")) < 0)
		return -ENOENT;
	/* struct uvs_conf: the 6 bytes of the MAC */
	memcpy(conf, mac, ETH_ALEN);
	return bpf_map_update_elem(conf_fd, &zero, conf, BPF_ANY) < 0 ?
	    -errno : 0;
}

/*
 * The name of the XDP program on ifindex into name (16 bytes: the
 * kernel keeps 15 characters, both of ours fit): 1, 0 when there is
 * none, -1 when it cannot be read.
 */
static int
attached_name(int ifindex, char name[16])
{
	struct bpf_prog_info info = { 0 };
	uint32_t id = 0, len = sizeof(info);
	int fd, rc;

	if (bpf_xdp_query_id(ifindex, 0, &id) < 0 || id == 0)
		return 0;
	if ((fd = bpf_prog_get_fd_by_id(id)) < 0)
		return -1;
	rc = bpf_obj_get_info_by_fd(fd, &info, &len) == 0 ? 1 : -1;
	close(fd);
	memcpy(name, info.name, 16);
	name[15] = '\0';
	return rc;
}

int
uvs_xdp_prog_on(int ifindex)
{
	char name[16];

	return attached_name(ifindex, name) == 1 &&
	    strcmp(name, XDP_PROG_NAME) == 0;
}

/*
 * A program left on the link by a uvsd that was killed is ours to
 * replace (uvsd claims the link first: no other uvsd runs on it);
 * anyone else's stays, and we refuse. 0 or -EBUSY.
 */
static int
clear_leftover(int ifindex)
{
	char name[16];
	int rc = attached_name(ifindex, name);

	if (rc == 0)
		return 0;
	if (rc < 0 || (strcmp(name, XDP_PROG_NAME) &&
	    strcmp(name, XDP_PROG_SKB)))
		return -EBUSY;
	(void)bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	(void)bpf_xdp_detach(ifindex, XDP_FLAGS_SKB_MODE, NULL);
	return 0;
}

int
uvs_xdp_prog_attach(struct uvs_xdp_prog *x, int ifindex,
    const uint8_t mac[ETH_ALEN])
{
	int rc;

	(void)libbpf_set_print(quiet);
	(void)libxdp_set_print(quiet_xdp);
	x->ifindex = ifindex;
	x->mode = 0;
	if ((rc = clear_leftover(ifindex)) < 0)
		return rc;
	if (prog_load(x, ifindex, XDP_FLAGS_DRV_MODE, mac) == 0 &&
	    bpf_xdp_attach(ifindex, x->prog_fd, XDP_FLAGS_UPDATE_IF_NOEXIST |
	    XDP_FLAGS_DRV_MODE, NULL) == 0) {
		x->mode = XDP_FLAGS_DRV_MODE;
		return 0;
	}
	if ((rc = prog_load(x, ifindex, XDP_FLAGS_SKB_MODE, mac)) < 0 ||
	    (rc = bpf_xdp_attach(ifindex, x->prog_fd,
	    XDP_FLAGS_UPDATE_IF_NOEXIST | XDP_FLAGS_SKB_MODE, NULL)) < 0)
		return rc;
	x->mode = XDP_FLAGS_SKB_MODE;
	return 0;
}

void
uvs_xdp_prog_detach(struct uvs_xdp_prog *x)
{
	if (x->mode)
		(void)bpf_xdp_detach(x->ifindex, x->mode, NULL);
	x->mode = 0;
	bpf_object__close(x->obj);
	x->obj = NULL;
}

int
uvs_xdp_prog_add_socket(struct uvs_xdp_prog *x, uint32_t queue, int fd)
{
	return bpf_map_update_elem(x->xsks_fd, &queue, &fd, BPF_ANY) < 0 ?
	    -errno : 0;
}

int
uvs_xdp_prog_generic(const struct uvs_xdp_prog *x)
{
	return x->mode == XDP_FLAGS_SKB_MODE;
}

/* The map's calls, for uvs_xdp_vips_sync. */
static int
map_next(void *arg, const uint32_t *prev, uint32_t *key)
{
	return bpf_map_get_next_key(*(int *)arg, prev, key) < 0 ? -errno : 0;
}

static int
map_add(void *arg, uint32_t key)
{
	uint8_t one = 1;

	return bpf_map_update_elem(*(int *)arg, &key, &one, BPF_ANY) < 0 ?
	    -errno : 0;
}

static int
map_del(void *arg, uint32_t key)
{
	return bpf_map_delete_elem(*(int *)arg, &key) < 0 && errno != ENOENT ?
	    -errno : 0;
}

int
uvs_xdp_prog_set_vips(struct uvs_xdp_prog *x, const uint32_t *vip, size_t n)
{
	const struct uvs_xdp_map_ops ops = { map_next, map_add, map_del,
	    &x->vips_fd };

	return uvs_xdp_vips_sync(&ops, vip, n);
}
