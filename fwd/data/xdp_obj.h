/*
 * The XDP program's object file (bpf/xdp_redirect.c, built by clang for
 * the BPF target), carried inside the program that links this library,
 * so uvsd never looks for it on disk.
 */
#ifndef UVS_XDP_OBJ_H
#define UVS_XDP_OBJ_H

#include <stddef.h>

extern const unsigned char uvs_xdp_obj[];

/* Its length in bytes. */
size_t	uvs_xdp_obj_size(void);

#endif
