/*
 * Rules files (fwd/rules.c on fwd/ipvsargs.c): what -S wrote and the old
 * sysconfig style become exactly the requests the CLI would send; a bad
 * line names itself with ipvsadm's words and leaves nothing behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fwd/ipvsargs.h"
#include "fwd/rules.h"

/* Reads text as a rules file; status, with err and r filled. */
static int
read_text(const char *text, struct uvs_rules *r, char *err, size_t errlen)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int status;

	assert_non_null(f);
	err[0] = '\0';
	status = uvs_rules_read(f, r, err, errlen);
	fclose(f);
	return status;
}

static void
saved_rules_become_requests(void **state)
{
	struct uvs_rules r;
	char err[256];

	(void)state;
	assert_int_equal(read_text(
	    "-A -t 198.18.0.10:80 -s wlc -p 360 -M 255.255.255.0\n"
	    "-a -t 198.18.0.10:80 -r 198.18.0.11:80 -g -w 3\n"
	    "-A -u 198.18.0.10:53 -s rr -o\n"
	    "--set 900 120 300\n"
	    "-C\n", &r, err, sizeof(err)), 0);
	assert_int_equal(r.n, 5);
	assert_string_equal(r.req[0], "add-service proto=tcp vip=198.18.0.10 "
	    "vport=80 sched=wlc flags=1 timeout=360 netmask=255.255.255.0");
	assert_string_equal(r.req[1], "add-dest proto=tcp vip=198.18.0.10 "
	    "vport=80 rip=198.18.0.11 rport=80 weight=3 uthr=0 lthr=0");
	assert_string_equal(r.req[2], "add-service proto=udp vip=198.18.0.10 "
	    "vport=53 sched=rr flags=4 timeout=0 netmask=255.255.255.255");
	assert_string_equal(r.req[3], "set-timeout tcp=900 tcpfin=120 udp=300");
	assert_string_equal(r.req[4], "clear");
	assert_int_equal(r.lineno[4], 5);
	assert_int_equal(r.cmd[1], CMD_ADDDEST);
	uvs_rules_free(&r);
}

static void
sysconfig_style(void **state)
{
	struct uvs_rules r;
	char err[256];

	(void)state;
	assert_int_equal(read_text(
	    "# written by service ipvsadm save\n"
	    "\n"
	    "   \t\n"
	    "ipvsadm -A -t 198.18.0.10:http -s rr\n"
	    "  /sbin/ipvsadm -a -t 198.18.0.10:80 -r 198.18.0.11 -g\n"
	    "uvsadm -d -t 198.18.0.10:80 -r 198.18.0.11\n"
	    "ipvsadm\n", &r, err, sizeof(err)), 0);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.lineno[0], 4);
	assert_int_equal(r.lineno[2], 6);
	assert_string_equal(r.req[0], "add-service proto=tcp vip=198.18.0.10 "
	    "vport=80 sched=rr flags=0 timeout=0 netmask=255.255.255.255");
	assert_string_equal(r.req[2], "del-dest proto=tcp vip=198.18.0.10 "
	    "vport=80 rip=198.18.0.11 rport=80");
	uvs_rules_free(&r);
}

/* Each bad file: the status and the start of the message. */
static void
bad_lines_are_named(void **state)
{
	static const struct {
		const char	*text;
		int		 status;
		const char	*err;
	} cases[] = {
		{ "-A -t 198.18.0.10:80\n-a -t 198.18.0.10:80 -r 198.18.0.11 "
		    "-w 70000\n", EXIT_USAGE, "line 2: illegal weight specified" },
		{ "-A -t 198.18.0.10:80 -r 198.18.0.11\n", EXIT_USAGE,
		    "line 1: Illegal 'real-server' option with the "
		    "'add-service' command" },
		{ "\n\n-a -t 198.18.0.10:80\n", EXIT_USAGE,
		    "line 3: You need to supply the 'real-server' option for "
		    "the 'add-server' command" },
		{ "-L -n\n", EXIT_USAGE, "line 1: only -A -E -D -C -a -e -d -Z "
		    "and --set may appear" },
		{ "-R\n", EXIT_USAGE, "line 1: only" },
		{ "-h\n", EXIT_USAGE, "line 1: only" },
		{ "-A -t 198.18.0.10:80 --bogus\n", EXIT_REFUSED,
		    "line 1: --bogus: unknown option" },
		{ "-A -m -t 198.18.0.10:80\n", EXIT_USAGE,
		    "line 1: uvsadm: -m (masquerading/NAT) is not supported" },
		{ "frobnicate\n", EXIT_REFUSED, "line 1: Try `uvsadm -h'" },
		{ "--set 1 2\n", EXIT_USAGE,
		    "line 1: --set option requires 3 timeout values" },
		{ "-A -t 198.18.0.10:0 -s rr\n", EXIT_USAGE,
		    "line 1: Zero port specified for non-persistent service" },
	};
	struct uvs_rules r;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int status = read_text(cases[i].text, &r, err, sizeof(err));

		if (status != cases[i].status ||
		    strncmp(err, cases[i].err, strlen(cases[i].err)) != 0)
			fail_msg("case %zu: status %d err '%s'", i, status, err);
		assert_int_equal(r.n, 0);
		assert_null(r.req);
	}
}

static void
oversized_input(void **state)
{
	char text[UVS_RULES_LINE_MAX + 64], err[256];
	struct uvs_rules r;
	size_t n;
	int i;

	(void)state;
	/* a line longer than the reader takes */
	memset(text, 'x', sizeof(text) - 2);
	text[sizeof(text) - 2] = '\n';
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(read_text(text, &r, err, sizeof(err)), EXIT_USAGE);
	assert_non_null(strstr(err, "line 1: longer than"));
	/* more words than any command has */
	n = (size_t)snprintf(text, sizeof(text), "-A");
	for (i = 0; i < 70; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, " -n");
	snprintf(text + n, sizeof(text) - n, "\n");
	assert_int_equal(read_text(text, &r, err, sizeof(err)), EXIT_USAGE);
	assert_non_null(strstr(err, "line 1: more than"));
	/* an empty file is an empty table change, not an error */
	assert_int_equal(read_text("", &r, err, sizeof(err)), 0);
	assert_int_equal(r.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(saved_rules_become_requests),
		cmocka_unit_test(sysconfig_style),
		cmocka_unit_test(bad_lines_are_named),
		cmocka_unit_test(oversized_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
