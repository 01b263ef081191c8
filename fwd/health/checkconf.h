/*
 * Health check configuration: what to check on one real server (a TCP
 * connect, an HTTP or HTTPS GET of one or more urls, an SMTP HELO, a UDP
 * datagram, an ICMP echo, a command), how often, and what a failure
 * does; and per service, the sorry server, the quorum and its scripts. The same words travel
 * three ways: uvsadm's options (--check http ...), the control protocol's
 * key=value pairs (check=http ...), and back out of `uvsadm -S`. This
 * file holds the one definition of each, so a value means the same on
 * all three. uvsadm and uvsd both link it; it does no I/O.
 */
#ifndef UVS_CHECKCONF_H
#define UVS_CHECKCONF_H

#include <stddef.h>
#include <stdint.h>

#include "fwd/lang/ctlmsg.h"

enum uvs_check_type {
	UVS_CHECK_NONE,		/* no check: the server counts as up */
	UVS_CHECK_TCP,		/* a TCP connect succeeds */
	UVS_CHECK_HTTP,		/* GET path: status, and body if asked */
	UVS_CHECK_CMD,		/* a command exits 0 (keepalived's MISC_CHECK) */
	UVS_CHECK_SSL,		/* http over TLS (keepalived's SSL_GET) */
	UVS_CHECK_SMTP,		/* 220 greeting, 250 to HELO (SMTP_CHECK) */
	UVS_CHECK_UDP,		/* a datagram draws no ICMP error (UDP_CHECK) */
	UVS_CHECK_PING,		/* an ICMP echo is answered (PING_CHECK) */
};

enum uvs_check_onfail {
	UVS_ONFAIL_INHIBIT,	/* weight 0, stays listed (inhibit_on_failure) */
	UVS_ONFAIL_REMOVE,	/* out of the table, its flows end */
};

/* Sizes, NUL included. A request line must still fit UVS_CTL_LINE_MAX. */
#define UVS_CHECK_PATH_MAX	256
#define UVS_CHECK_EXPECT_MAX	128
#define UVS_CHECK_CMD_MAX	256
#define UVS_CHECK_DIGEST_LEN	32	/* MD5, hex (keepalived's genhash) */
#define UVS_CHECK_HELO_MAX	64
#define UVS_CHECK_STATUS_MAX	48	/* "200-299,400-499,503" */
#define UVS_CHECK_HOST_MAX	128	/* Host header (keepalived's
					   virtualhost) */
#define UVS_CHECK_URL_PATH_MAX	128
#define UVS_CHECK_MORE_URLS	3	/* urls after the first (path ...) */
#define UVS_CHECK_PAYLOAD_MAX	129	/* 64 bytes in hex */
/* keepalived's SMTP_CHECK helo_name default */
#define UVS_CHECK_HELO_DEFAULT	"smtpchecker.keepalived.org"
/* keepalived's UDP_CHECK sends this many bytes without a payload */
#define UVS_CHECK_UDP_DEFAULT_LEN 32

/*
 * Defaults. HAProxy's rise 2 / fall 3 are the best known; the interval
 * is shorter than keepalived's delay_loop 60 because uvs is often tried
 * in a lab. The timeout defaults to the interval, at most keepalived's
 * connect_timeout of 5 s, so a probe never outlives its turn.
 */
#define UVS_CHECK_INTERVAL_MS	5000
#define UVS_CHECK_TIMEOUT_MAX_MS 5000
#define UVS_CHECK_RISE		2
#define UVS_CHECK_FALL		3
#define UVS_CHECK_MS_MIN	100		/* 0.1 s */
#define UVS_CHECK_MS_MAX	(86400u * 1000)	/* one day */
#define UVS_CHECK_COUNT_MAX	100		/* rise, fall */
#define UVS_QUORUM_DEFAULT	1		/* keepalived's */
#define UVS_QUORUM_MAX		(1u << 30)

/*
 * Another url an http or ssl check GETs after the first: keepalived's
 * HTTP_GET with several url blocks passes when every one does.
 */
struct uvs_check_url {
	char		 path[UVS_CHECK_URL_PATH_MAX];
	char		 digest[UVS_CHECK_DIGEST_LEN + 1];	/* "": none */
	char		 status[UVS_CHECK_STATUS_MAX];	/* "": any 2xx */
};

struct uvs_check_conf {
	int		 type;		/* enum uvs_check_type */
	uint16_t	 port;		/* host order; 0: the real server's */
	/* http: codes and ranges, "200-299,503"; "": any 2xx (keepalived) */
	char		 status[UVS_CHECK_STATUS_MAX];
	char		 path[UVS_CHECK_PATH_MAX];	/* http, "/" */
	char		 expect[UVS_CHECK_EXPECT_MAX];	/* http: body has it */
	char		 digest[UVS_CHECK_DIGEST_LEN + 1];	/* http: body's MD5 */
	char		 cmd[UVS_CHECK_CMD_MAX];	/* cmd: run by /bin/sh -c */
	char		 helo[UVS_CHECK_HELO_MAX];	/* smtp: HELO's name */
	char		 payload[UVS_CHECK_PAYLOAD_MAX];	/* udp: hex; "": 32
							   bytes of 0 */
	int		 reply;		/* udp: an answer is required */
	char		 host[UVS_CHECK_HOST_MAX];	/* http: Host; "": the
							   server's address */
	struct uvs_check_url more[UVS_CHECK_MORE_URLS];	/* http: then these */
	unsigned	 nmore;
	int		 alpha;		/* starts DOWN until a success
					   (keepalived's alpha) */
	uint32_t	 interval_ms;
	uint32_t	 timeout_ms;	/* 0: the default (see above) */
	uint32_t	 retry_ms;	/* after a failure while up; 0: interval */
	uint32_t	 rise, fall;
	int		 on_fail;	/* enum uvs_check_onfail */
};

/* Per service: keepalived's sorry_server, quorum and hysteresis. */
struct uvs_vs_health {
	uint32_t	 sorry;		/* network order; 0: none */
	uint32_t	 quorum;
	uint32_t	 hysteresis;
	/* keepalived's quorum_up / quorum_down: run by /bin/sh -c when the
	   service gains or loses quorum; "": none */
	char		 quorum_up[UVS_CHECK_CMD_MAX];
	char		 quorum_down[UVS_CHECK_CMD_MAX];
	int		 omega;		/* quorum_down also when uvsd stops */
};

/* Names: "tcp" "http" "ssl" "smtp" "udp" "ping" "cmd" "none";
   "inhibit" "remove". */
const char	*uvs_check_type_name(int type);
int		 uvs_check_type_parse(const char *s);	/* type or -1 */
const char	*uvs_check_onfail_name(int on_fail);
int		 uvs_check_onfail_parse(const char *s);	/* value or -1 */

/* Does the check send a GET (http, or http over TLS)? */
int		 uvs_check_is_get(int type);

/*
 * Status lists: "200", "200-299,400-499,503". valid: 1 when s is one
 * (codes 100..599, ranges low to high); match: is code in the list
 * ("" holds 200..299)?
 */
int		 uvs_check_status_valid(const char *s);
int		 uvs_check_status_match(const char *s, int code);

/*
 * One more url as text: "PATH[ DIGEST][ STATUS]" (the digest is 32 hex
 * digits, the status a list as above). parse: 0, or -EINVAL; fmt
 * returns buf.
 */
int		 uvs_check_url_parse(const char *s, struct uvs_check_url *u);
char		*uvs_check_url_fmt(const struct uvs_check_url *u, char *buf,
		    size_t size);

/* Fills the fields left 0 (or "") with their defaults for c->type. */
void		 uvs_check_finish(struct uvs_check_conf *c);
/* The timeout a probe gets: timeout_ms, or the default. */
uint32_t	 uvs_check_timeout(const struct uvs_check_conf *c);
/* The wait before the next probe after a failure while up. */
uint32_t	 uvs_check_retry(const struct uvs_check_conf *c);

/* Is a service's health coherent? NULL when it is, else why not. */
const char	*uvs_vs_health_invalid(const struct uvs_vs_health *v);

/*
 * Is a finished conf coherent? NULL when it is, else why not (an http
 * option on a tcp check, a cmd check without a command, a path that is
 * not one, ...).
 */
const char	*uvs_check_invalid(const struct uvs_check_conf *c);

/*
 * Seconds with up to three decimals ("2", "0.5") into milliseconds
 * within [min_ms, max_ms]. 0 or -EINVAL.
 */
int		 uvs_check_secs_parse(const char *s, uint32_t min_ms,
		    uint32_t max_ms, uint32_t *ms);
/* Milliseconds back into the shortest such text. Returns buf. */
char		*uvs_check_secs_fmt(uint32_t ms, char *buf, size_t size);

/*
 * Values on the control socket never hold blanks: bytes outside
 * '!'..'~' and '%' travel as %XX. escape returns the length it needed
 * (output cut short if that is >= size); unescape returns 0, or -EINVAL
 * for a bad %XX or a result that does not fit.
 */
size_t		 uvs_check_escape(const char *in, char *out, size_t size);
int		 uvs_check_unescape(const char *in, char *out, size_t size);

/*
 * The request words of a check (" check=http check_port=...", led by a
 * blank) or of a service's health (" sorry=... quorum=... hysteresis=").
 * Return the length they needed; the text is cut short if >= size.
 */
size_t		 uvs_check_words(const struct uvs_check_conf *c, char *buf,
		    size_t size);
size_t		 uvs_vs_health_words(const struct uvs_vs_health *v, char *buf,
		    size_t size);

/*
 * Reads those words back: 1 with *c filled (and finished) when the
 * message has them, 0 when it has none (nothing said, keep what is
 * there), -EINVAL when one is malformed or the whole is incoherent.
 */
int		 uvs_check_from_msg(const struct uvs_ctl_msg *m,
		    struct uvs_check_conf *c);
int		 uvs_vs_health_from_msg(const struct uvs_ctl_msg *m,
		    struct uvs_vs_health *v);

/* True when v is keepalived's default (no sorry, quorum 1, hysteresis 0,
   no scripts). */
int		 uvs_vs_health_is_default(const struct uvs_vs_health *v);

/*
 * uvsadm's options for a check (" --check http --check-path / ...") or
 * a service's health, words quoted for the shell where they need it, as
 * `uvsadm -S` writes them and -R reads them. Length needed, as above.
 */
size_t		 uvs_check_cli(const struct uvs_check_conf *c, char *buf,
		    size_t size);
size_t		 uvs_vs_health_cli(const struct uvs_vs_health *v, char *buf,
		    size_t size);

#endif
