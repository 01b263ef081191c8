/*
 * An address as a log line or a listing writes it: inet_ntop's text for
 * either family, and with a port the way ipvsadm and keepalived bracket
 * a v6 one ("198.18.0.10:80", "[2001:db8::10]:80"), since a bare v6
 * address and its port would read as one more group.
 */
#ifndef UVS_INADDR_STR_H
#define UVS_INADDR_STR_H

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>

#include "sched/inaddr.h"

/* Room for any address, and for "[address]:65535". */
#define UVS_INADDR_STRLEN	INET6_ADDRSTRLEN
#define UVS_INADDR_PORT_STRLEN	(INET6_ADDRSTRLEN + 8)

/*
 * a of family af (AF_INET or AF_INET6) into buf; buf. Another family,
 * or a buf too small, gives "?" (or "" when size < 2).
 */
char	*uvs_inaddr_str(int af, const union uvs_inaddr *a, char *buf,
	    size_t size);
/* a and port (host order): "a:port", or "[a]:port" for a v6 one. */
char	*uvs_inaddr_port_str(int af, const union uvs_inaddr *a, uint16_t port,
	    char *buf, size_t size);

#endif
