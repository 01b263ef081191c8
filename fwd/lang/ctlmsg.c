/*
 * Parsing of control-protocol lines (see ctlmsg.h). Shared by uvsd, which
 * reads requests, and uvsadm, which reads replies. Nothing here trusts its
 * input: every value is range-checked by the typed getters.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "fwd/lang/ctlmsg.h"

int
uvs_ctl_parse(char *line, struct uvs_ctl_msg *m)
{
	char *tok, *save = NULL, *eq;

	m->nkv = 0;
	line[strcspn(line, "\r\n")] = '\0';
	if (!(m->verb = strtok_r(line, " ", &save)))
		return -EINVAL;
	while ((tok = strtok_r(NULL, " ", &save))) {
		if (m->nkv == UVS_CTL_MAX_KV)
			return -EINVAL;
		if (!(eq = strchr(tok, '=')) || eq == tok)
			return -EINVAL;
		*eq = '\0';
		m->kv[m->nkv].key = tok;
		m->kv[m->nkv].val = eq + 1;
		m->nkv++;
	}
	return 0;
}

const char *
uvs_ctl_get(const struct uvs_ctl_msg *m, const char *key)
{
	int i;

	for (i = 0; i < m->nkv; i++)
		if (strcmp(m->kv[i].key, key) == 0)
			return m->kv[i].val;
	return NULL;
}

int
uvs_ctl_get_u64(const struct uvs_ctl_msg *m, const char *key, uint64_t *out)
{
	const char *v = uvs_ctl_get(m, key);
	char *end;
	unsigned long long n;

	if (!v)
		return -ENOENT;
	if (*v < '0' || *v > '9')
		return -EINVAL;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*out = n;
	return 0;
}

int
uvs_ctl_get_u32(const struct uvs_ctl_msg *m, const char *key, uint32_t max,
    uint32_t *out)
{
	uint64_t n;
	int rc = uvs_ctl_get_u64(m, key, &n);

	if (rc < 0)
		return rc;
	if (n > max)
		return -EINVAL;
	*out = (uint32_t)n;
	return 0;
}

int
uvs_ctl_get_addr(const struct uvs_ctl_msg *m, const char *key, uint32_t *out)
{
	const char *v = uvs_ctl_get(m, key);
	struct in_addr a;

	if (!v)
		return -ENOENT;
	if (inet_pton(AF_INET, v, &a) != 1)
		return -EINVAL;
	*out = a.s_addr;
	return 0;
}

int
uvs_ctl_get_inaddr(const struct uvs_ctl_msg *m, const char *key, int *af,
    union uvs_inaddr *out)
{
	const char *v = uvs_ctl_get(m, key);
	union uvs_inaddr a = { .all = { 0 } };

	if (!v)
		return -ENOENT;
	if (inet_pton(AF_INET, v, &a.in) == 1)
		*af = AF_INET;
	else if (inet_pton(AF_INET6, v, &a.in6) == 1)
		*af = AF_INET6;
	else
		return -EINVAL;
	*out = a;
	return 0;
}

int
uvs_ctl_get_proto(const struct uvs_ctl_msg *m, const char *key, uint8_t *out)
{
	const char *v = uvs_ctl_get(m, key);

	if (!v)
		return -ENOENT;
	if (strcmp(v, "tcp") == 0)
		*out = IPPROTO_TCP;
	else if (strcmp(v, "udp") == 0)
		*out = IPPROTO_UDP;
	else
		return -EINVAL;
	return 0;
}

const char *
uvs_ctl_socket_path(void)
{
	const char *p = getenv(UVS_CTL_SOCKET_ENV);

	return p && *p ? p : UVS_CTL_SOCKET;
}
