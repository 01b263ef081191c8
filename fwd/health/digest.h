/*
 * The body digest of an HTTP or HTTPS check: MD5, because keepalived's
 * HTTP_GET and SSL_GET compare a page's MD5 with the `digest` its
 * genhash tool printed. Not for security. It is OpenSSL's (EVP), the
 * library SSL_GET needs anyway, so uvs carries no digest of its own.
 */
#ifndef UVS_DIGEST_H
#define UVS_DIGEST_H

#include <stddef.h>

/* 32 hex digits and a NUL. */
#define UVS_DIGEST_HEX	33

struct uvs_digest {
	void		*ctx;		/* EVP_MD_CTX; NULL: not started */
};

/* Starts d (after uvs_digest_free, or zeroed). 0, or -ENOMEM. */
int	uvs_digest_start(struct uvs_digest *d);
void	uvs_digest_update(struct uvs_digest *d, const void *data, size_t len);
/* Finishes d: its digest in lower-case hex. 0, or -EINVAL if not started. */
int	uvs_digest_hex(struct uvs_digest *d, char out[UVS_DIGEST_HEX]);
/* Frees what d holds; d may be zeroed or already freed. */
void	uvs_digest_free(struct uvs_digest *d);

#endif
