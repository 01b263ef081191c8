/*
 * The check digest (digest.h) on OpenSSL's EVP interface. The context
 * is allocated when an HTTP probe that compares a digest starts and
 * freed when the probe ends: once per probe, never per packet.
 */
#include <errno.h>
#include <stdio.h>

#include <openssl/evp.h>

#include "fwd/health/digest.h"

int
uvs_digest_start(struct uvs_digest *d)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx)
		return -ENOMEM;
	if (EVP_DigestInit_ex(ctx, EVP_md5(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return -ENOMEM;
	}
	d->ctx = ctx;
	return 0;
}

void
uvs_digest_update(struct uvs_digest *d, const void *data, size_t len)
{
	if (d->ctx && len)
		EVP_DigestUpdate(d->ctx, data, len);
}

int
uvs_digest_hex(struct uvs_digest *d, char out[UVS_DIGEST_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;

	out[0] = '\0';
	if (!d->ctx || EVP_DigestFinal_ex(d->ctx, md, &len) != 1 ||
	    len * 2 + 1 > UVS_DIGEST_HEX)
		return -EINVAL;
	for (i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

void
uvs_digest_free(struct uvs_digest *d)
{
	EVP_MD_CTX_free(d->ctx);
	d->ctx = NULL;
}
