/*
 * uvs-rs up --tun: besides the VIP, take the director's tunnel mode.
 * The decapsulator (tundecap.c) is started after the VIPs are up and
 * recorded beside the state file, so check and down find it without
 * being told the type again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arp/rs/rs.h"
#include "arp/rs/tundecap.h"

int
rs_tun_up(struct rs *rs)
{
	struct uvs_decap d = { .type = (enum uvs_decap_type)rs->tun,
	    .port = rs->tun_port };
	char err[256];
	int rc;

	if (uvs_decap_load(&d, rs->path) == 0) {
		fprintf(stderr, "uvs-rs: a %s tunnel is up already (down first)"
		    "\n", uvs_decap_type_name(d.type));
		return EXIT_PROBLEM;
	}
	d = (struct uvs_decap){ .type = (enum uvs_decap_type)rs->tun,
	    .port = rs->tun_port };
	if (uvs_decap_up(&d, err, sizeof(err)) < 0) {
		fprintf(stderr, "uvs-rs: --tun %s: %s\n", uvs_decap_type_name(
		    d.type), err);
		return EXIT_PROBLEM;
	}
	if ((rc = uvs_decap_save(&d, rs->path)) < 0) {
		fprintf(stderr, "uvs-rs: %s.tun: %s\n", rs->path, strerror(-rc));
		(void)uvs_decap_down(&d);
		return EXIT_PROBLEM;
	}
	return 0;
}

void
rs_tun_down(struct rs *rs)
{
	struct uvs_decap d;

	/* nothing when up started nothing */
	if (uvs_decap_load(&d, rs->path) < 0)
		return;
	(void)uvs_decap_down(&d);
	(void)uvs_decap_forget(rs->path);
}

int
rs_tun_check(struct rs *rs, int rc)
{
	struct uvs_decap d;

	if (uvs_decap_load(&d, rs->path) < 0)
		return rc;
	return uvs_decap_check(&d, stdout) < 0 ? EXIT_PROBLEM : rc;
}

/* A type, and a port exactly when it is gue. */
int
rs_tun_opts(struct rs *rs, const char *verb, const char *tun,
    const char *port)
{
	char *end;
	unsigned long n;

	if (!tun && !port)
		return 0;
	if (strcmp(verb, "up") != 0 || !tun) {
		fprintf(stderr, "uvs-rs: --tun and --tun-port are for up --tun "
		    "(check and down find what up set up)\n");
		return -EINVAL;
	}
	if ((rs->tun = uvs_decap_type_parse(tun)) < 0) {
		fprintf(stderr, "uvs-rs: --tun %s: ipip, gue or gre\n", tun);
		return -EINVAL;
	}
	if ((rs->tun == UVS_DECAP_GUE) != (port != NULL)) {
		fprintf(stderr, "uvs-rs: --tun-port goes with --tun gue, and "
		    "only there\n");
		return -EINVAL;
	}
	if (!port)
		return 0;
	errno = 0;
	n = strtoul(port, &end, 10);
	if (errno || *end || n == 0 || n > 65535) {
		fprintf(stderr, "uvs-rs: --tun-port %s: a port in 1..65535\n",
		    port);
		return -EINVAL;
	}
	rs->tun_port = (uint16_t)n;
	return 0;
}
