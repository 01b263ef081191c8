/*
 * Rules files (fwd/lang/rules.c on fwd/lang/ipvsargs.c): what -S wrote and the old
 * sysconfig style become exactly the requests the CLI would send; a bad
 * line names itself with ipvsadm's words and leaves nothing behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fwd/lang/ipvsargs.h"
#include "fwd/lang/rules.h"

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

/* Health checks (uvs extension): what -S writes, quotes and all. */
static void
check_options_and_quotes(void **state)
{
	struct uvs_rules r;
	char err[256];

	(void)state;
	assert_int_equal(read_text(
	    "-A -t 198.18.0.10:80 -s rr --sorry-server 198.18.0.14:80 "
	    "--quorum 2\n"
	    "-a -t 198.18.0.10:80 -r 198.18.0.11:80 -g -w 2 --check http "
	    "--check-path /health --check-expect 'it'\\''s \"ok\"' "
	    "--check-interval 0.5 --fall 2\n"
	    "-a -t 198.18.0.10:80 -r 198.18.0.12 --check cmd --check-cmd "
	    "\"/bin/probe --to \\\"\\$UVS_RIP\\\"\"\n"
	    "# it's a comment with a lone quote\n"
	    "-e -t 198.18.0.10:80 -r 198.18.0.11 -w 3\n", &r, err,
	    sizeof(err)), 0);
	assert_int_equal(r.n, 4);
	assert_string_equal(r.req[0], "add-service proto=tcp vip=198.18.0.10 "
	    "vport=80 sched=rr flags=0 timeout=0 netmask=255.255.255.255 "
	    "sorry=198.18.0.14 quorum=2 hysteresis=0");
	assert_string_equal(r.req[1], "add-dest proto=tcp vip=198.18.0.10 "
	    "vport=80 rip=198.18.0.11 rport=80 weight=2 uthr=0 lthr=0 "
	    "check=http check_path=/health check_expect=it's%20\"ok\" "
	    "check_interval=500 check_timeout=0 check_retry=0 check_rise=2 "
	    "check_fall=2 check_on_fail=inhibit");
	assert_string_equal(r.req[2], "add-dest proto=tcp vip=198.18.0.10 "
	    "vport=80 rip=198.18.0.12 rport=80 weight=1 uthr=0 lthr=0 "
	    "check=cmd check_cmd=/bin/probe%20--to%20\"$UVS_RIP\" "
	    "check_interval=5000 check_timeout=0 check_retry=0 check_rise=2 "
	    "check_fall=3 check_on_fail=inhibit");
	/* -e without check options keeps the check: no check words */
	assert_string_equal(r.req[3], "edit-dest proto=tcp vip=198.18.0.10 "
	    "vport=80 rip=198.18.0.11 rport=80 weight=3 uthr=0 lthr=0");
	uvs_rules_free(&r);
}

static void
check_options_refused(void **state)
{
	static const struct {
		const char	*line, *want;
	} cases[] = {
		{ "-a -t 198.18.0.10:80 -r 198.18.0.11 --fall 2\n",
		    "line 1: --fall needs --check TYPE" },
		{ "-a -t 198.18.0.10:80 -r 198.18.0.11 --check dns\n",
		    "line 1: illegal check type `dns' specified" },
		{ "-a -t 198.18.0.10:80 -r 198.18.0.11 --check tcp "
		    "--check-helo x\n", "line 1: --check-helo is only for --check "
		    "smtp" },
		{ "-a -t 198.18.0.10:80 -r 198.18.0.11 --check smtp "
		    "--check-reply\n", "line 1: --check-payload and --check-reply "
		    "are only for --check udp" },
		{ "-a -u 198.18.0.10:53 -r 198.18.0.11 --check udp "
		    "--check-payload 0g\n", "line 1: the check payload must be hex" },
		{ "-a -u 198.18.0.10:53 -r 198.18.0.11 --check udp "
		    "--check-payload abc\n", "line 1: the check payload must be hex" },
		{ "-a -t 198.18.0.10:80 -r 198.18.0.11 --check ping "
		    "--check-port 7\n", "line 1: --check-port is not for --check "
		    "cmd or ping" },
		{ "-a -t 198.18.0.10:80 -r 198.18.0.11 --check tcp "
		    "--check-path /\n", "line 1: --check-path, --check-status, "
		    "--check-expect and --check-digest are only for --check http" },
		{ "-a -t 198.18.0.10:80 -r 198.18.0.11 --check cmd\n",
		    "line 1: --check cmd needs --check-cmd 'COMMAND'" },
		{ "-a -t 198.18.0.10:80 -r 198.18.0.11 --check none --rise 2\n",
		    "line 1: --check none takes no other check option" },
		{ "-a -t 198.18.0.10:80 -r 198.18.0.11 --check tcp "
		    "--check-interval 0.01\n", "line 1: illegal check interval" },
		{ "-a -t 198.18.0.10:80 -r 198.18.0.11 --check http "
		    "--check-digest abc\n", "line 1: illegal check digest" },
		{ "-a -t 198.18.0.10:80 -r 198.18.0.11 --check tcp "
		    "--on-fail drop\n", "line 1: illegal on-fail action `drop'" },
		{ "-A -t 198.18.0.10:80 --check tcp\n", "line 1: Illegal 'check' "
		    "option with the 'add-service' command" },
		{ "-a -t 198.18.0.10:80 -r 198.18.0.11 --quorum 2\n", "line 1: "
		    "Illegal 'quorum' option with the 'add-server' command" },
		{ "-A -t 198.18.0.10:80 --sorry-server 198.18.0.14:8080\n",
		    "line 1: the sorry server must listen on the service's port 80" },
		{ "-A -t 198.18.0.10:80 --sorry-server 198.18.0.10\n",
		    "line 1: the sorry server cannot be the virtual service's" },
		{ "-a -t 198.18.0.10:80 -r 198.18.0.11 --check cmd --check-cmd "
		    "'unclosed\n", "line 1: unterminated quote" },
	};
	struct uvs_rules r;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(read_text(cases[i].line, &r, err, sizeof(err)),
		    EXIT_USAGE);
		if (!strstr(err, cases[i].want))
			fail_msg("for <%s>\n got: %s\nwant: %s", cases[i].line,
			    err, cases[i].want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(saved_rules_become_requests),
		cmocka_unit_test(sysconfig_style),
		cmocka_unit_test(bad_lines_are_named),
		cmocka_unit_test(oversized_input),
		cmocka_unit_test(check_options_and_quotes),
		cmocka_unit_test(check_options_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
