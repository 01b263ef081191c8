/*
 * The XDP program's object, included as bytes by the assembler: the
 * Makefile builds it first and names it in UVS_XDP_OBJ (xdp_obj.h).
 */
#include "fwd/data/xdp_obj.h"

#ifndef UVS_XDP_OBJ
#error "UVS_XDP_OBJ names the XDP object: build with the Makefile"
#endif

extern const unsigned char uvs_xdp_obj_end[];

__asm__(
	"	.section .rodata\n"
	"	.global uvs_xdp_obj\n"
	"	.type uvs_xdp_obj, @object\n"
	"	.balign 8\n"
	"uvs_xdp_obj:\n"
	"	.incbin \"" UVS_XDP_OBJ "\"\n"
	"	.global uvs_xdp_obj_end\n"
	"uvs_xdp_obj_end:\n"
	"	.previous\n");

size_t
uvs_xdp_obj_size(void)
{
	return (size_t)(uvs_xdp_obj_end - uvs_xdp_obj);
}
