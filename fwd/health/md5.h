/*
 * MD5 (RFC 1321), only because keepalived's HTTP_GET compares a page's
 * MD5 with the `digest` its genhash tool printed. Not for security.
 */
#ifndef UVS_MD5_H
#define UVS_MD5_H

#include <stddef.h>
#include <stdint.h>

struct uvs_md5 {
	uint32_t	 s[4];
	uint64_t	 len;		/* bytes fed so far */
	uint8_t		 buf[64];
};

void	uvs_md5_init(struct uvs_md5 *m);
void	uvs_md5_update(struct uvs_md5 *m, const void *data, size_t len);
/* Finishes m and writes the digest as 32 lower-case hex digits + NUL. */
void	uvs_md5_hex(struct uvs_md5 *m, char out[33]);

#endif
