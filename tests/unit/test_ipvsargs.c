/*
 * ipvsadm's command line with IPv6 (fwd/lang/ipvsargs.c): "[v6]:port"
 * and bare v6 addresses as ipvsadm 1.31's parse_service() takes them,
 * -M as a prefix length once the service is v6, the request lines uvsd
 * reads, and the refusals with ipvsadm's words and exit status: an
 * unclosed bracket, a bad address, a bracket with no port, a prefix
 * past 128, a real server of the other family.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "fwd/lang/ipvsargs.h"

#define MAXARGS	24

/* Splits line on blanks into argv (after "uvsadm") and parses it. */
static int
parse_line(const char *line, struct ipvs_cmd *ce, char *err, size_t errlen)
{
	static char buf[512];
	char *argv[MAXARGS], *save = NULL, *w;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	argv[argc++] = "uvsadm";
	for (w = strtok_r(buf, " ", &save); w && argc < MAXARGS - 1;
	    w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	return uvs_ipvsargs_parse(ce, argc, argv, err, errlen);
}

/* The request line line would send; the parse must succeed. */
static const char *
request_of(const char *line)
{
	static char req[1024];
	struct ipvs_cmd ce;
	char err[256];

	assert_int_equal(parse_line(line, &ce, err, sizeof(err)), 0);
	uvs_ipvsargs_request(&ce, req, sizeof(req));
	return req;
}

static void
v6_service_and_dests(void **state)
{
	struct ipvs_cmd ce;
	char err[256], a[INET6_ADDRSTRLEN];

	(void)state;
	assert_int_equal(parse_line("-A -t [2001:db8::10]:80 -s rr", &ce, err,
	    sizeof(err)), 0);
	assert_int_equal(ce.svc.af, AF_INET6);
	assert_int_equal(ce.svc.port, 80);
	assert_int_equal(ce.svc.netmask, 128);
	inet_ntop(AF_INET6, &ce.svc.addr, a, sizeof(a));
	assert_string_equal(a, "2001:db8::10");
	assert_string_equal(request_of("-A -t [2001:db8::10]:80 -s rr"),
	    "add-service proto=tcp vip=2001:db8::10 vport=80 sched=rr "
	    "flags=0 timeout=0 netmask=128");
	/* -r with a port, and bare (the service's port, as ipvsadm) */
	assert_string_equal(request_of("-a -t [2001:db8::10]:80 "
	    "-r [2001:db8::11]:80 -g -w 2"), "add-dest proto=tcp "
	    "vip=2001:db8::10 vport=80 rip=2001:db8::11 rport=80 weight=2 "
	    "uthr=0 lthr=0");
	assert_string_equal(request_of("-a -u [2001:db8::10]:53 "
	    "-r 2001:db8::12"), "add-dest proto=udp vip=2001:db8::10 "
	    "vport=53 rip=2001:db8::12 rport=53 weight=1 uthr=0 lthr=0");
	assert_string_equal(request_of("-d -t [2001:db8::10]:http "
	    "-r [2001:db8::11]:80"), "del-dest proto=tcp vip=2001:db8::10 "
	    "vport=80 rip=2001:db8::11 rport=80");
	/* v4 unchanged beside it */
	assert_string_equal(request_of("-A -t 198.18.0.10:80 -s rr"),
	    "add-service proto=tcp vip=198.18.0.10 vport=80 sched=rr "
	    "flags=0 timeout=0 netmask=255.255.255.255");
}

/* ipvsadm: -M is a prefix length once -t/-u named a v6 address. */
static void
v6_netmask_is_a_prefix(void **state)
{
	struct ipvs_cmd ce;
	char err[256];

	(void)state;
	assert_string_equal(request_of("-A -t [2001:db8::10]:0 -p 300 "
	    "-M 64 -s sh"), "add-service proto=tcp vip=2001:db8::10 vport=0 "
	    "sched=sh flags=1 timeout=300 netmask=64");
	assert_int_equal(parse_line("-A -t [2001:db8::10]:80 -p -M 129", &ce,
	    err, sizeof(err)), EXIT_USAGE);
	assert_string_equal(err, "illegal ipv6 netmask specified");
	assert_int_equal(parse_line("-A -t [2001:db8::10]:80 -p -M 0", &ce,
	    err, sizeof(err)), EXIT_USAGE);
	assert_string_equal(err, "illegal ipv6 netmask specified");
	assert_int_equal(parse_line("-A -t [2001:db8::10]:80 -p -M 48x", &ce,
	    err, sizeof(err)), 0);
	assert_int_equal(ce.svc.netmask, 48);	/* atoi, as ipvsadm */
	assert_int_equal(parse_line("-A -t [2001:db8::10]:80 -p "
	    "-M 255.255.255.0", &ce, err, sizeof(err)), EXIT_USAGE);
	assert_int_equal(parse_line("-A -t [2001:db8::10]:80 -p -M ff",
	    &ce, err, sizeof(err)), EXIT_USAGE);
}

static void
v6_bad_addresses(void **state)
{
	static const char *const bad_svc[] = {
		"-A -t [2001:db8::10:80",	/* unclosed bracket */
		"-A -t [2001:db8::10]",		/* no ":port" after it */
		"-A -t [2001:db8::10]80",
		"-A -t [2001:db8::10]:",	/* an empty port */
		"-A -t [2001:db8::10]:65536",
		"-A -t [2001:db8::1::2]:80",	/* two "::" */
		"-A -t [2001:db8::g]:80",
		"-A -t 2001:db8::10::80",
	};
	struct ipvs_cmd ce;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_svc) / sizeof(bad_svc[0]); i++) {
		assert_int_equal(parse_line(bad_svc[i], &ce, err,
		    sizeof(err)), EXIT_USAGE);
		assert_string_equal(err, "illegal virtual server "
		    "address[:port] specified");
	}
	assert_int_equal(parse_line("-a -t [2001:db8::10]:80 "
	    "-r [2001:db8::11", &ce, err, sizeof(err)), EXIT_USAGE);
	assert_string_equal(err, "illegal real server address[:port] "
	    "specified");
}

/* ipvsadm refuses a DR or default dest of the other family itself. */
static void
mixed_family_refused(void **state)
{
	static const char *const mixed[] = {
		"-a -t [2001:db8::10]:80 -r 198.18.0.11:80 -g",
		"-a -t 198.18.0.10:80 -r [2001:db8::11]:80",
		"-e -t 198.18.0.10:80 -r 2001:db8::11 -w 2",
	};
	struct ipvs_cmd ce;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(mixed) / sizeof(mixed[0]); i++) {
		assert_int_equal(parse_line(mixed[i], &ce, err, sizeof(err)),
		    EXIT_USAGE);
		assert_string_equal(err, "Different address family is allowed "
		    "only for tunneling servers");
	}
	/* the same family is the control */
	assert_int_equal(parse_line("-a -t [2001:db8::10]:80 "
	    "-r [2001:db8::11]:80 -g", &ce, err, sizeof(err)), 0);
}

/*
 * A v6 service takes checks, a quorum and hysteresis like a v4 one; only
 * a sorry server is refused (its word carries a v4 address).
 */
static void
v6_health(void **state)
{
	struct ipvs_cmd ce;
	char err[256];

	(void)state;
	assert_int_equal(parse_line("-a -t [2001:db8::10]:80 "
	    "-r [2001:db8::11]:80 --check tcp", &ce, err, sizeof(err)), 0);
	assert_int_equal(ce.check.type, UVS_CHECK_TCP);
	assert_int_equal(parse_line("-A -t [2001:db8::10]:80 --quorum 2", &ce,
	    err, sizeof(err)), 0);
	assert_int_equal(ce.vsh.quorum, 2);
	assert_int_equal(parse_line("-A -t [2001:db8::10]:80 --sorry-server "
	    "198.18.0.14:80", &ce, err, sizeof(err)), EXIT_USAGE);
	assert_string_equal(err, "sorry servers are IPv4 only");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(v6_service_and_dests),
		cmocka_unit_test(v6_netmask_is_a_prefix),
		cmocka_unit_test(v6_bad_addresses),
		cmocka_unit_test(mixed_family_refused),
		cmocka_unit_test(v6_health),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
