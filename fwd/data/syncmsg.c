/*
 * IPVS sync messages, version 1 (syncmsg.h). The layout is ip_vs_sync.c's:
 * header { u8 reserved=0, u8 syncid, be16 size, u8 nr_conns, s8 version=1,
 * u16 spare=0 }, then nr_conns entries { u8 type (bit 0: IPv6), u8
 * protocol, be16 ver_size (version in the top 4 bits, 0; entry length in
 * the low 12), be32 flags, be16 state, be16 cport, vport, dport, be32
 * fwmark, be32 timeout, be32 caddr, vaddr, daddr (16 bytes each for
 * IPv6), options { u8 type, u8 len, data } }, each entry padded to 4
 * bytes. The reader validates the whole datagram before handing any
 * entry out, so a bad message changes nothing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "fwd/data/syncmsg.h"

#define SVER_SHIFT	12
#define SVER_MASK	0x0fff
#define STYPE_F_INET6	0x01
#define OPT_F_PARAM	0x40	/* IPVS_OPT_F_PARAM: an option one may skip */
#define OPT_SEQ_DATA	1
#define OPT_PE_DATA	2
#define OPT_PE_NAME	3

static const char *const err_names[UVS_SYNC_E_MAX] = {
	[UVS_SYNC_OK] = "ok",
	[UVS_SYNC_E_SHORT] = "short",
	[UVS_SYNC_E_SIZE] = "size",
	[UVS_SYNC_E_SYNCID] = "syncid",
	[UVS_SYNC_E_VERSION] = "version",
	[UVS_SYNC_E_ENTRY] = "entry",
};

const char *
uvs_sync_err_name(enum uvs_sync_err e)
{
	return (unsigned)e < UVS_SYNC_E_MAX ? err_names[e] : "unknown";
}

static void
put16(uint8_t *p, uint16_t v)
{
	v = htons(v);
	memcpy(p, &v, 2);
}

static void
put32(uint8_t *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
}

static uint16_t
get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return ntohs(v);
}

static uint32_t
get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return ntohl(v);
}

void
uvs_sync_begin(uint8_t *buf, uint8_t syncid)
{
	memset(buf, 0, UVS_SYNC_HDR_LEN);
	buf[1] = syncid;
	put16(buf + 2, UVS_SYNC_HDR_LEN);
	buf[5] = UVS_SYNC_VERSION;
}

unsigned
uvs_sync_count(const uint8_t *buf)
{
	return buf[4];
}

int
uvs_sync_add(uint8_t *buf, size_t size, const struct uvs_sync_conn *c)
{
	size_t at = get16(buf + 2), alen, len;
	uint8_t *e = buf + at;

	if (c->af != AF_INET && c->af != AF_INET6)
		return -EINVAL;
	alen = c->af == AF_INET6 ? 16 : 4;
	len = c->af == AF_INET6 ? UVS_SYNC_V6_LEN : UVS_SYNC_V4_LEN;
	if (buf[4] == UVS_SYNC_CONNS_MAX || at + len > size)
		return -ENOSPC;
	e[0] = c->af == AF_INET6 ? STYPE_F_INET6 : 0;
	e[1] = c->proto;
	put16(e + 2, (uint16_t)len);	/* version 0, no options */
	put32(e + 4, c->flags);
	put16(e + 8, c->state);
	memcpy(e + 10, &c->cport, 2);
	memcpy(e + 12, &c->vport, 2);
	memcpy(e + 14, &c->dport, 2);
	put32(e + 16, c->fwmark);
	put32(e + 20, c->timeout);
	/* a v4 address is the union's first four bytes */
	memcpy(e + 24, c->caddr.b, alen);
	memcpy(e + 24 + alen, c->vaddr.b, alen);
	memcpy(e + 24 + 2 * alen, c->daddr.b, alen);
	put16(buf + 2, (uint16_t)(at + len));
	buf[4]++;
	return 0;
}

size_t
uvs_sync_end(uint8_t *buf)
{
	return get16(buf + 2);
}

/* An entry's options (p..end): each whole, and none that must be read. */
static int
options_ok(const uint8_t *p, const uint8_t *end)
{
	uint8_t type, len;

	while (p < end) {
		if (end - p < 2)
			return 0;
		type = p[0];
		len = p[1];
		p += 2;
		if (!len || len > end - p)
			return 0;
		if ((type & ~OPT_F_PARAM) != OPT_SEQ_DATA &&
		    (type & ~OPT_F_PARAM) != OPT_PE_DATA &&
		    (type & ~OPT_F_PARAM) != OPT_PE_NAME &&
		    !(type & OPT_F_PARAM))
			return 0;	/* an unknown mandatory option */
		p += len;
	}
	return 1;
}

/*
 * Walks the entries of a checked header: with fn NULL only checks them,
 * else hands them out. 0, or -1 for an entry that is bad.
 */
static int
walk(const uint8_t *buf, size_t len, uvs_sync_conn_fn fn, void *arg,
    unsigned *n)
{
	const uint8_t *p = buf + UVS_SYNC_HDR_LEN, *end = buf + len, *e;
	struct uvs_sync_conn c;
	unsigned i, size, fixed, alen;

	for (i = 0; i < buf[4]; i++) {
		if (end - p < UVS_SYNC_V4_LEN)
			return -1;
		size = get16(p + 2) & SVER_MASK;
		fixed = p[0] & STYPE_F_INET6 ? UVS_SYNC_V6_LEN :
		    UVS_SYNC_V4_LEN;
		if (get16(p + 2) >> SVER_SHIFT || size < fixed ||
		    size > (size_t)(end - p) ||
		    !options_ok(p + fixed, p + size))
			return -1;
		e = p;
		/* the next entry starts 32-bit aligned (may be the end) */
		p += (size + 3) & ~3u;
		if (p > end)
			p = end;
		if (!fn)
			continue;
		memset(&c, 0, sizeof(c));
		c.af = e[0] & STYPE_F_INET6 ? AF_INET6 : AF_INET;
		alen = c.af == AF_INET6 ? 16 : 4;
		c.proto = e[1];
		c.flags = get32(e + 4);
		c.state = get16(e + 8);
		memcpy(&c.cport, e + 10, 2);
		memcpy(&c.vport, e + 12, 2);
		memcpy(&c.dport, e + 14, 2);
		c.fwmark = get32(e + 16);
		c.timeout = get32(e + 20);
		memcpy(c.caddr.b, e + 24, alen);
		memcpy(c.vaddr.b, e + 24 + alen, alen);
		memcpy(c.daddr.b, e + 24 + 2 * alen, alen);
		fn(arg, &c);
		(*n)++;
	}
	return 0;
}

enum uvs_sync_err
uvs_sync_parse(const uint8_t *buf, size_t len, uint8_t want_syncid,
    uvs_sync_conn_fn fn, void *arg, unsigned *n)
{
	*n = 0;
	if (len < UVS_SYNC_HDR_LEN)
		return UVS_SYNC_E_SHORT;
	if (get16(buf + 2) != len)
		return UVS_SYNC_E_SIZE;
	/* the kernel's backup with syncid 0 takes every syncid */
	if (want_syncid && buf[1] != want_syncid)
		return UVS_SYNC_E_SYNCID;
	if (buf[0] != 0 || buf[5] != UVS_SYNC_VERSION || get16(buf + 6) != 0)
		return UVS_SYNC_E_VERSION;
	if (walk(buf, len, NULL, NULL, n) < 0)
		return UVS_SYNC_E_ENTRY;
	(void)walk(buf, len, fn, arg, n);
	return UVS_SYNC_OK;
}
