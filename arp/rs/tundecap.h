/*
 * The real server's end of tunnel mode (uvs-rs up --tun): packets the
 * director wrapped (ipip, gue, gre) are unwrapped and handed to the
 * host's own stack, which finds the VIP on lo and answers the client
 * directly. Where the kernel can (tunl0 for ipip, gre0 for gre: their
 * modules are loaded) uvs-rs only brings that device up; where it cannot
 * (no module; GUE, whose fou port uvs-rs does not configure) a process
 * uvs-rs starts does it in user space: a raw socket (ipip, gre) or a UDP
 * socket (gue) in, a TUN device out. What was done is kept in a record
 * beside uvs-rs's state file, so check can say which is active and down
 * can undo it (stop that process by its PID, or put the device down).
 */
#ifndef UVS_TUNDECAP_H
#define UVS_TUNDECAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

enum uvs_decap_type { UVS_DECAP_IPIP, UVS_DECAP_GUE, UVS_DECAP_GRE };

struct uvs_decap {
	enum uvs_decap_type	 type;
	uint16_t		 port;		/* GUE's UDP port, host order */
	int			 kernel;	/* the kernel decapsulates */
	pid_t			 pid;		/* else this process does */
	char			 dev[16];	/* tunl0/gre0, or the TUN device */
};

/* "ipip", "gue", "gre" to a type; -1 for anything else. */
int		 uvs_decap_type_parse(const char *s);
const char	*uvs_decap_type_name(enum uvs_decap_type t);

/*
 * Where the inner IPv4 packet of a received one starts: buf is what the
 * socket gave (ipip, gre: the outer IPv4 packet; gue: the UDP payload).
 * Returns the offset and sets *ilen, or -1 when it is not a packet
 * wrapped as type says (bad header, other protocol, cut short).
 */
long		 uvs_decap_inner(enum uvs_decap_type t, const uint8_t *buf,
		    size_t len, size_t *ilen);

/*
 * Starts decapsulating per d->type/port: the kernel's device if it has
 * one, else a user-space process. Fills d. 0, or -errno with err set.
 */
int		 uvs_decap_up(struct uvs_decap *d, char *err, size_t errlen);
/* Undoes uvs_decap_up. 0 or -errno. */
int		 uvs_decap_down(const struct uvs_decap *d);
/* Is it still working? Prints one line; 0 when it is, -1 when not. */
int		 uvs_decap_check(const struct uvs_decap *d, FILE *out);

/* The record beside the state file ("<state>.tun"). 0 or -errno. */
int		 uvs_decap_save(const struct uvs_decap *d, const char *state);
int		 uvs_decap_load(struct uvs_decap *d, const char *state);
int		 uvs_decap_forget(const char *state);

#endif
