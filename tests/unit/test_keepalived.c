/*
 * keepalived.conf reader (fwd/health/keepalived.c): a realistic file becomes the
 * exact requests uvsadm would send for the same table, blocks outside LVS
 * are skipped with a log line each, and everything uvs cannot do, and
 * every syntax error, is refused with the file's name and line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fwd/lang/ipvsargs.h"
#include "fwd/health/keepalived.h"

static char logged[4096];

static void
log_line(void *arg, const char *line)
{
	(void)arg;
	strncat(logged, line, sizeof(logged) - strlen(logged) - 2);
	strcat(logged, "\n");
}

/* Reads text as "kc"; status, with r, info and err filled. */
static int
read_text(const char *text, struct uvs_rules *r,
    struct uvs_keepalived_info *info, char *err, size_t errlen)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int status;

	assert_non_null(f);
	err[0] = '\0';
	logged[0] = '\0';
	status = uvs_keepalived_read(f, "kc", r, info, err, errlen, log_line,
	    NULL);
	fclose(f);
	return status;
}

static const char good[] =
    "! Configuration File for keepalived\n"			/* 1 */
    "global_defs {\n"
    "   notification_email {\n"
    "     admin@example.com\n"
    "   }\n"							/* 5 */
    "   router_id LVS_DEVEL\n"
    "}\n"
    "vrrp_instance VI_1 {\n"
    "    state MASTER\n"
    "    interface eth0   # the director's\n"			/* 10 */
    "    virtual_ipaddress {\n"
    "        198.18.0.10\n"
    "    }\n"
    "}\n"
    "virtual_server 198.18.0.10 80 {\n"				/* 15 */
    "    delay_loop 2\n"
    "    lb_algo wlc\n"
    "    lb_kind DR\n"
    "    persistence_timeout 50\n"
    "    protocol TCP\n"					/* 20 */
    "    quorum 2\n"
    "    hysteresis 1\n"
    "    inhibit_on_failure\n"
    "    real_server 198.18.0.11 80 {\n"
    "        weight 3\n"					/* 25 */
    "        TCP_CHECK {\n"
    "            connect_port 8080\n"
    "            connect_timeout 1\n"
    "            retry 2\n"
    "            delay_before_retry 0.5\n"			/* 30 */
    "        }\n"
    "    }\n"
    "    real_server 198.18.0.12 80 {\n"
    "        weight 2\n"
    "        inhibit_on_failure off\n"			/* 35 */
    "        HTTP_GET {\n"
    "            url {\n"
    "              path /health\n"
    "              digest 9b3a0c85a887a256d6939da88aabd8cd\n"
    "              status_code 200\n"				/* 40 */
    "            }\n"
    "            connect_timeout 1\n"
    "            nb_get_retry 1\n"
    "        }\n"
    "    }\n"							/* 45 */
    "    real_server 198.18.0.13 80\n"
    "    {\n"
    "        weight 1\n"
    "        MISC_CHECK {\n"
    "            misc_path \"/bin/check --host 198.18.0.13 # not a "
    "comment\"\n"							/* 50 */
    "            misc_timeout 3\n"
    "        }\n"
    "    }\n"
    "    sorry_server 198.18.0.14 80\n"
    "}\n"							/* 55 */
    "virtual_server 198.18.0.20 53 {\n"
    "    protocol UDP\n"
    "    lvs_sched rr\n"
    "    ops\n"
    "    real_server 198.18.0.11 53 {\n"			/* 60 */
    "    }\n"
    "}\n";

static void
good_file_becomes_requests(void **state)
{
	struct uvs_keepalived_info info;
	struct uvs_rules r;
	char err[512];

	(void)state;
	assert_int_equal(read_text(good, &r, &info, err, sizeof(err)), 0);
	assert_int_equal(r.n, 6);
	assert_int_equal(info.services, 2);
	assert_int_equal(info.servers, 4);
	assert_int_equal(info.checks, 3);
	assert_int_equal(info.skipped, 2);
	assert_string_equal(r.req[0], "add-service proto=tcp vip=198.18.0.10 "
	    "vport=80 sched=wlc flags=1 timeout=50 netmask=255.255.255.255 "
	    "sorry=198.18.0.14 quorum=2 hysteresis=1");
	assert_int_equal(r.lineno[0], 15);
	assert_int_equal(r.cmd[0], CMD_ADD);
	/* retry 2: down after 3 failures; inherited delay_loop, inhibit */
	assert_string_equal(r.req[1], "add-dest proto=tcp vip=198.18.0.10 "
	    "vport=80 rip=198.18.0.11 rport=80 weight=3 uthr=0 lthr=0 "
	    "check=tcp check_port=8080 check_interval=2000 check_timeout=1000 "
	    "check_retry=500 check_rise=1 check_fall=3 check_on_fail=inhibit");
	assert_int_equal(r.lineno[1], 24);
	/* its own inhibit_on_failure off: keepalived removes it */
	assert_string_equal(r.req[2], "add-dest proto=tcp vip=198.18.0.10 "
	    "vport=80 rip=198.18.0.12 rport=80 weight=2 uthr=0 lthr=0 "
	    "check=http check_path=/health check_status=200 "
	    "check_digest=9b3a0c85a887a256d6939da88aabd8cd check_interval=2000 "
	    "check_timeout=1000 check_retry=1000 check_rise=1 check_fall=2 "
	    "check_on_fail=remove");
	/* MISC_CHECK: no retry by default, its own timeout, blanks escaped */
	assert_string_equal(r.req[3], "add-dest proto=tcp vip=198.18.0.10 "
	    "vport=80 rip=198.18.0.13 rport=80 weight=1 uthr=0 lthr=0 "
	    "check=cmd check_cmd=/bin/check%20--host%20198.18.0.13%20#%20not"
	    "%20a%20comment check_interval=2000 check_timeout=3000 "
	    "check_retry=1000 check_rise=1 check_fall=1 check_on_fail=inhibit");
	assert_int_equal(r.lineno[3], 46);
	assert_string_equal(r.req[4], "add-service proto=udp vip=198.18.0.20 "
	    "vport=53 sched=rr flags=4 timeout=0 netmask=255.255.255.255");
	/* a real server without a checker: no check words at all */
	assert_string_equal(r.req[5], "add-dest proto=udp vip=198.18.0.20 "
	    "vport=53 rip=198.18.0.11 rport=53 weight=1 uthr=0 lthr=0");
	assert_non_null(strstr(logged, "kc:2: skipping 'global_defs' block"));
	assert_non_null(strstr(logged, "kc:8: skipping 'vrrp_instance VI_1' "
	    "block (uvs does no VRRP)"));
	uvs_rules_free(&r);
}

/* One virtual_server around body; the body starts on line 2. */
static void
refused(const char *body, const char *want)
{
	struct uvs_keepalived_info info;
	struct uvs_rules r;
	char text[2048], err[512];

	snprintf(text, sizeof(text), "virtual_server 198.18.0.10 80 {\n%s}\n",
	    body);
	if (read_text(text, &r, &info, err, sizeof(err)) == 0)
		fail_msg("accepted: %s", body);
	if (!strstr(err, want))
		fail_msg("for <%s>\n got: %s\nwant: %s", body, err, want);
	assert_int_equal(r.n, 0);
}

static void
unsupported_keywords_name_their_line(void **state)
{
	static const struct {
		const char	*body;
		const char	*want;
	} cases[] = {
		{ "lb_kind NAT\n", "kc:2: 'lb_kind NAT' is not supported by uvs "
		    "(uvs does Direct Routing only" },
		{ "lvs_method TUN\n", "kc:2: 'lvs_method TUN' is not supported" },
		{ "delay_loop 6\nprotocol SCTP\n", "kc:3: 'protocol SCTP' is not "
		    "supported by uvs" },
		{ "real_server 198.18.0.11 80 {\n SSL_GET {\n url {\n path /\n"
		    " }\n }\n}\n", "kc:3: 'SSL_GET' is not supported by uvs (uvs's "
		    "checks speak no TLS" },
		{ "real_server 198.18.0.11 80 {\n SMTP_CHECK {\n }\n}\n",
		    "kc:3: 'SMTP_CHECK' is not supported by uvs" },
		{ "real_server 198.18.0.11 80 {\n DNS_CHECK {\n }\n}\n",
		    "kc:3: 'DNS_CHECK' is not supported by uvs" },
		{ "virtualhost www.example.com\n", "kc:2: 'virtualhost' is not "
		    "supported by uvs" },
		{ "real_server 198.18.0.11 80 {\n HTTP_GET {\n url {\n path /\n"
		    "  virtualhost x\n }\n }\n}\n", "kc:6: 'virtualhost' is not "
		    "supported by uvs" },
		{ "real_server 198.18.0.11 80 {\n notify_down /bin/x\n}\n",
		    "kc:3: 'notify_down' is not supported by uvs" },
		{ "alpha\n", "kc:2: 'alpha' is not supported by uvs" },
		{ "quorum_up /bin/up\n", "kc:2: 'quorum_up' is not supported" },
		{ "persistence_engine sip\n", "kc:2: 'persistence_engine' is not "
		    "supported" },
		{ "real_server 198.18.0.11 80 {\n TCP_CHECK {\n  bindto "
		    "198.18.0.2\n }\n}\n", "kc:4: 'bindto' is not supported by uvs "
		    "(checks leave from the director's own address" },
		{ "real_server 198.18.0.11 80 {\n MISC_CHECK {\n  misc_path /x\n"
		    "  misc_dynamic\n }\n}\n", "kc:5: 'misc_dynamic' is not "
		    "supported" },
		{ "real_server 198.18.0.11 80 {\n TCP_CHECK {\n }\n TCP_CHECK {\n"
		    " }\n}\n", "kc:5: 'TCP_CHECK' is not supported by uvs (one "
		    "checker per real server" },
		{ "real_server 198.18.0.11 80 {\n HTTP_GET {\n url {\n path /\n"
		    " }\n url {\n path /b\n }\n }\n}\n", "kc:7: 'url' is not "
		    "supported by uvs (one url per HTTP_GET" },
		{ "frobnicate 1\n", "kc:2: 'frobnicate' is not supported by uvs "
		    "(not a keyword uvs knows in virtual_server)" },
		{ "real_server 198.18.0.11 80 {\n frobnicate\n}\n", "kc:3: "
		    "'frobnicate' is not supported by uvs (not a keyword uvs knows "
		    "in real_server)" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		refused(cases[i].body, cases[i].want);
}

static void
syntax_errors_name_their_line(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "virtual_server 198.18.0.10 80 {\n lb_algo rr\n",
		    "kc:1: the block opened here is never closed" },
		{ "global_defs {\n router_id x\n", "kc:1: the block opened here "
		    "is never closed" },
		{ "}\n", "kc:1: '}' without a block to close" },
		{ "virtual_server 198.18.0.10 80 {\n real_server 1.2.3.4 80 {\n"
		    "  MISC_CHECK {\n   misc_path \"/bin/x\n  }\n }\n}\n",
		    "kc:4: unterminated quoted string" },
		{ "virtual_server 198.18.0.10 {\n}\n", "kc:1: 'virtual_server' "
		    "takes an address and a port" },
		{ "virtual_server 2001:db8::1 80 {\n}\n", "kc:1: '2001:db8::1' is "
		    "not an IPv4 address" },
		{ "virtual_server fwmark 1 {\n}\n", "kc:1: 'virtual_server fwmark' "
		    "is not supported by uvs" },
		{ "virtual_server 198.18.0.10 80\n", "kc:1: virtual_server needs a "
		    "'{' block" },
		{ "virtual_server 198.18.0.10 80 {\n real_server 198.18.0.11 8080 "
		    "{\n }\n}\n", "kc:2: real_server port 8080 is not the "
		    "virtual_server's 80" },
		{ "virtual_server 198.18.0.10 80 {\n real_server 198.18.0.11 80 {\n"
		    "  HTTP_GET {\n  }\n }\n}\n", "kc:3: HTTP_GET needs a url block" },
		{ "virtual_server 198.18.0.10 80 {\n real_server 198.18.0.11 80 {\n"
		    "  weight 70000\n }\n}\n", "kc:3: 'weight 70000': not a number "
		    "in 0..65535" },
		{ "virtual_server 198.18.0.10 80 {\n delay_loop soon\n}\n",
		    "kc:2: 'delay_loop soon': not a time" },
		{ "virtual_server 198.18.0.10 80 {\n sorry_server 198.18.0.14 "
		    "8080\n}\n", "kc:1: the sorry_server's port 8080 is not" },
		{ "include /etc/keepalived/lvs.conf\n", "kc:1: 'include' is not "
		    "supported by uvs" },
		{ "virtual_server_group G {\n 198.18.0.10 80\n}\n", "kc:1: "
		    "'virtual_server_group' is not supported" },
		{ "@main virtual_server 198.18.0.10 80 {\n}\n", "kc:1: '@main' is "
		    "not supported" },
		/* uvsadm's own check of what the file asks */
		{ "virtual_server 198.18.0.10 80 {\n lb_algo waytoolongschedulername"
		    "\n real_server 198.18.0.11 80 {\n  uthreshold 5\n }\n}\n", NULL },
	};
	struct uvs_keepalived_info info;
	struct uvs_rules r;
	char err[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = read_text(cases[i].text, &r, &info, err, sizeof(err));

		if (!cases[i].want) {	/* a long name is cut as -s cuts it */
			assert_int_equal(rc, 0);
			uvs_rules_free(&r);
			continue;
		}
		if (rc == 0)
			fail_msg("accepted: %s", cases[i].text);
		if (!strstr(err, cases[i].want))
			fail_msg("for <%s>\n got: %s\nwant: %s", cases[i].text,
			    err, cases[i].want);
	}
}

static void
skipped_lines_and_no_ops(void **state)
{
	struct uvs_keepalived_info info;
	struct uvs_rules r;
	char err[512];

	(void)state;
	assert_int_equal(read_text(
	    "net_namespace lab\n"
	    "vrrp_script chk { script \"/bin/true\" }\n"
	    "virtual_server 198.18.0.10 80 {\n"
	    "  nat_mask 255.255.255.0\n"
	    "  sorry_server_inhibit\n"
	    "  sh-port\n"
	    "  lb_algo sh\n"
	    "  real_server 198.18.0.11 80 { weight 0 }\n"
	    "}\n", &r, &info, err, sizeof(err)), 0);
	assert_int_equal(info.skipped, 2);
	assert_non_null(strstr(logged, "kc:1: skipping 'net_namespace lab' "));
	assert_non_null(strstr(logged, "kc:4: 'nat_mask' ignored"));
	assert_non_null(strstr(logged, "kc:5: 'sorry_server_inhibit'"));
	assert_int_equal(r.n, 2);
	assert_string_equal(r.req[0], "add-service proto=tcp vip=198.18.0.10 "
	    "vport=80 sched=sh flags=16 timeout=0 netmask=255.255.255.255");
	assert_string_equal(r.req[1], "add-dest proto=tcp vip=198.18.0.10 "
	    "vport=80 rip=198.18.0.11 rport=80 weight=0 uthr=0 lthr=0");
	uvs_rules_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_file_becomes_requests),
		cmocka_unit_test(unsupported_keywords_name_their_line),
		cmocka_unit_test(syntax_errors_name_their_line),
		cmocka_unit_test(skipped_lines_and_no_ops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
