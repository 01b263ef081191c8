/*
 * Addresses as text (inaddr_str.h). The v4 address sits in the first
 * four bytes of the union, so one inet_ntop call serves both families.
 */
#include <stdio.h>

#include "sched/inaddr_str.h"

char *
uvs_inaddr_str(int af, const union uvs_inaddr *a, char *buf, size_t size)
{
	if (!size)
		return buf;
	if ((af != AF_INET && af != AF_INET6) ||
	    !inet_ntop(af, a->b, buf, (socklen_t)size))
		snprintf(buf, size, "?");
	return buf;
}

char *
uvs_inaddr_port_str(int af, const union uvs_inaddr *a, uint16_t port,
    char *buf, size_t size)
{
	char s[UVS_INADDR_STRLEN];
	int n;

	uvs_inaddr_str(af, a, s, sizeof(s));
	n = snprintf(buf, size, af == AF_INET6 ? "[%s]:%u" : "%s:%u", s, port);
	if (n < 0 || (size_t)n >= size)
		snprintf(buf, size, "?");
	return buf;
}
