/*
 * uvsadm's inside: the command line (uvsadm.c) asks uvsd for data and
 * hands the reply text to the printers here (uvsadm_list.c), which print
 * it in ipvsadm 1.31's layouts, byte for byte. A printer reads the whole
 * reply before printing anything, so a malformed reply prints nothing.
 */
#ifndef UVS_UVSADM_H
#define UVS_UVSADM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fwd/lang/ipvsargs.h"

/* ipvsadm's addrport_to_anyname() writes names into 60 bytes. */
#define UVSADM_NAME_MAX			60
/* print_service_entry() cuts IPv4 service names and dest names here. */
#define UVSADM_SVC_NAME_COLS		33
#define UVSADM_DEST_NAME_COLS		28

/* One virtual service, as -L -t/-u selects it. */
struct uvsadm_svc_key {
	uint8_t		proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	int		af;		/* AF_INET or AF_INET6 */
	union uvs_inaddr addr;		/* network order */
	uint16_t	port;		/* host order */
};

/*
 * Prints a "list" reply as ipvsadm -L (or -S with UVSADM_FMT_RULE) would:
 * all services, or only the one matching `only` (then without the version
 * header, as ipvsadm's list_service). 0; -EPROTO when the reply is
 * malformed; -ENODATA when it lacks figures fmt needs (--rate, say);
 * -ESRCH when `only` is not in it; -ENOMEM. On error nothing is printed.
 */
int	uvsadm_list_print(FILE *out, const char *reply, unsigned int fmt,
	    const struct uvsadm_svc_key *only);

/*
 * Prints a "conns" reply ("conn proto= cip= cport= vip= vport= rip=
 * rport= state= expires=" lines) as ipvsadm -L -c. 0 or -EPROTO/-ENOMEM.
 */
int	uvsadm_conns_print(FILE *out, const char *reply, unsigned int fmt);
/*
 * -L -c streamed: the header, then one reply line at a time (lines that
 * are not "conn" are skipped). 0, or -EPROTO for a malformed line.
 */
void	uvsadm_conns_header(FILE *out, unsigned int fmt);
int	uvsadm_conns_line(FILE *out, char *line, unsigned int fmt);

/*
 * Prints a "timeout" reply ("timeout tcp= tcpfin= udp=") as ipvsadm
 * -L --timeout. 0 or -EPROTO/-ENOMEM.
 */
int	uvsadm_timeout_print(FILE *out, const char *reply);

/*
 * Prints a "counters" reply's "counter name=N" lines as "name N", one a
 * line, in uvsd's order (a uvs extension). 0 or -EPROTO/-ENOMEM.
 */
int	uvsadm_counters_print(FILE *out, const char *reply);

/*
 * "addr:port", "[v6addr]:port" into buf (UVSADM_NAME_MAX bytes at least,
 * cut there as ipvsadm's 60-byte buffer): numeric with
 * UVSADM_FMT_NUMERIC, else the host name (gethostbyaddr) and service
 * name (getservbyport) where they resolve, as ipvsadm's
 * addrport_to_anyname(). Returns buf.
 */
char	*uvsadm_addrport_name(char *buf, int af, const void *addr,
	    uint16_t port, uint8_t proto, unsigned int fmt);

/* Cuts s to at most cols characters, as ipvsadm's name[cols] = '\0'. */
void	uvsadm_trunc(char *s, size_t cols);

#endif
