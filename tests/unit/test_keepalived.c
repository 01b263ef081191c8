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
    "    lvs_method DR }\n"
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
	    "check_timeout=1000 check_retry=3000 check_rise=1 check_fall=2 "
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
	    "block (VRRP is keepalived's; uvsd --follow-vip "
	    "follows it)"));
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
		{ "real_server 198.18.0.11 80 {\n SMTP_CHECK {\n  host {\n"
		    "   connect_ip 198.18.0.12\n  }\n }\n}\n", "kc:4: 'host' is not "
		    "supported by uvs (SMTP_CHECK checks the real server itself" },
		{ "real_server 198.18.0.11 80 {\n UDP_CHECK {\n  require_reply "
		    "0a0b\n }\n}\n", "kc:4: 'require_reply DATA' is not supported" },
		{ "real_server 198.18.0.11 80 {\n UDP_CHECK {\n  payload 0a0\n"
		    " }\n}\n", "kc:4: 'payload': not hex digits" },
		{ "real_server 198.18.0.11 80 {\n PING_CHECK {\n  connect_port "
		    "7\n }\n}\n", "kc:4: 'connect_port' is not supported by uvs "
		    "(not a keyword uvs knows in PING_CHECK)" },
		{ "real_server 198.18.0.11 80 {\n DNS_CHECK {\n }\n}\n",
		    "kc:3: 'DNS_CHECK' is not supported by uvs" },
		{ "real_server 198.18.0.11 80 {\n HTTP_GET {\n virtualhost a\n"
		    " url {\n path /\n  virtualhost b\n }\n }\n}\n", "kc:7: "
		    "'virtualhost' is not supported by uvs (one virtualhost per "
		    "checker" },
		{ "real_server 198.18.0.11 80 {\n HTTP_GET {\n url {\n path /\n"
		    "  status_code 200-\n }\n }\n}\n", "kc:6: 'status_code 200-': "
		    "statuses 100..599" },
		{ "real_server 198.18.0.11 80 {\n notify_down /bin/x\n}\n",
		    "kc:3: 'notify_down' is not supported by uvs" },
		{ "alpha maybe\n", "kc:2: 'alpha maybe': on or off?" },
		{ "quorum_up\n", "kc:2: 'quorum_up' takes a command" },
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
		    " }\n url {\n path /b\n }\n url {\n path /c\n }\n url {\n"
		    " path /d\n }\n url {\n path /e\n }\n }\n}\n", "kc:16: 'url' "
		    "is not supported by uvs (at most 4 urls per checker" },
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
		{ "virtual_server 2001:db8::g 80 {\n}\n", "kc:1: '2001:db8::g' is "
		    "not an IPv4 or IPv6 address" },
		{ "virtual_server fwmark 1 {\n}\n", "kc:1: 'virtual_server fwmark' "
		    "is not supported by uvs" },
		{ "virtual_server 198.18.0.10 80\n", "kc:1: virtual_server needs a "
		    "'{' block" },
		{ "virtual_server 198.18.0.10 80 {\n real_server 198.18.0.11 8080 "
		    "{\n }\n lb_kind DR\n}\n", "kc:2: real_server port 8080 is not the "
		    "virtual_server's 80" },
		{ "virtual_server 198.18.0.10 80 {\n real_server 198.18.0.11 80 {\n"
		    "  HTTP_GET {\n  }\n }\n}\n", "kc:3: HTTP_GET needs a url block" },
		{ "virtual_server 198.18.0.10 80 {\n real_server 198.18.0.11 80 {\n"
		    "  weight 70000\n }\n}\n", "kc:3: 'weight 70000': not a number "
		    "in 0..65535" },
		{ "virtual_server 198.18.0.10 80 {\n delay_loop soon\n}\n",
		    "kc:2: 'delay_loop soon': not a time" },
		{ "virtual_server 198.18.0.10 80 {\n sorry_server 198.18.0.14 "
		    "8080\n lb_kind DR\n}\n", "kc:1: the sorry_server's port 8080 is not" },
		{ "include /etc/keepalived/lvs.conf\n", "kc:1: 'include' is not "
		    "supported by uvs" },
		{ "virtual_server_group G {\n fwmark 1\n}\n", "kc:2: 'fwmark' is "
		    "not supported by uvs" },
		{ "virtual_server_group G {\n 198.18.0.10-5 80\n}\n", "kc:2: "
		    "'198.18.0.10-5': a range ends in a last byte from 10 to 255" },
		{ "virtual_server_group G {\n 198.18.0.10 80 81\n}\n", "kc:2: "
		    "a virtual_server_group line is an address" },
		{ "virtual_server group H {\n lb_kind DR\n}\n", "kc:1: "
		    "virtual_server group H: no virtual_server_group of that name" },
		{ "virtual_server_group G {\n}\nvirtual_server group G {\n "
		    "lb_kind DR\n}\n", "kc:1: virtual_server_group G is empty" },
		{ "virtual_server_group G {\n 198.18.0.10 80\n}\n"
		    "virtual_server_group G {\n}\n", "kc:4: virtual_server_group G "
		    "is defined twice (first on line 1)" },
		{ "virtual_server_group G {\n 198.18.0.10 80\n 198.18.0.10 81\n}\n"
		    "virtual_server group G {\n lb_kind DR\n real_server "
		    "198.18.0.11 80\n}\n", "kc:7: real_server port 80 is not the "
		    "virtual_server's 81" },
		{ "@main virtual_server 198.18.0.10 80 {\n}\n", "kc:1: '@main' is "
		    "not supported" },
		/* uvsadm's own check of what the file asks */
		{ "virtual_server 198.18.0.10 80 {\n lb_kind DR\n lb_algo "
		    "waytoolongschedulername\n real_server 198.18.0.11 80 {\n  uthreshold 5\n }\n}\n", NULL },
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
	    "  lb_kind DR\n"
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

/* A virtual_server without lb_kind is NAT in keepalived: refused. */
static void
no_lb_kind_is_nat_refused(void **state)
{
	struct uvs_keepalived_info info;
	struct uvs_rules r;
	char err[512];

	(void)state;
	assert_int_not_equal(read_text("virtual_server 198.18.0.10 80 {\n"
	    "  real_server 198.18.0.11 80 {\n  }\n}\n", &r, &info, err,
	    sizeof(err)), 0);
	assert_non_null(strstr(err, "kc:1: virtual_server without 'lb_kind' is "
	    "NAT in keepalived"));
	/* one real server with its own DR of two is not enough */
	assert_int_not_equal(read_text("virtual_server 198.18.0.10 80 {\n"
	    "  real_server 198.18.0.11 80 {\n  lb_kind DR\n  }\n"
	    "  real_server 198.18.0.12 80\n}\n", &r, &info, err,
	    sizeof(err)), 0);
	assert_non_null(strstr(err, "kc:1: virtual_server without 'lb_kind'"));
	/* the control: the same with lb_kind DR loads */
	assert_int_equal(read_text("virtual_server 198.18.0.10 80 {\n"
	    "  lb_kind DR\n  real_server 198.18.0.11 80 {\n  }\n}\n", &r,
	    &info, err, sizeof(err)), 0);
	assert_int_equal(r.n, 2);
	uvs_rules_free(&r);
}

/* global_defs' lvs_timeouts is uvsadm --set; the rest is skipped. */
static void
lvs_timeouts_set_the_timeouts(void **state)
{
	struct uvs_keepalived_info info;
	struct uvs_rules r;
	char err[512];

	(void)state;
	assert_int_equal(read_text("global_defs {\n"
	    "  router_id x\n"
	    "  notification_email {\n  a@b\n  }\n"
	    "  lvs_timeouts udp 30 tcp 7200\n"
	    "}\n", &r, &info, err, sizeof(err)), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.cmd[0], CMD_TIMEOUT);
	assert_int_equal(r.lineno[0], 6);
	assert_string_equal(r.req[0], "set-timeout tcp=7200 tcpfin=0 udp=30");
	uvs_rules_free(&r);
	assert_int_not_equal(read_text("global_defs {\n lvs_timeouts sctp 5\n"
	    "}\n", &r, &info, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "kc:2: 'lvs_timeouts sctp': tcp, tcpfin "
	    "or udp?"));
	assert_int_not_equal(read_text("global_defs {\n lvs_timeouts tcp\n"
	    "}\n", &r, &info, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "kc:2: 'lvs_timeouts' takes"));
	assert_int_not_equal(read_text("global_defs {\n lvs_timeouts tcp "
	    "soon\n}\n", &r, &info, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "kc:2: "));
}

/*
 * keepalived's defaults: a real_server without a port has the
 * service's; HTTP_GET waits 3 s before a retry, TCP_CHECK 1 s;
 * MISC_CHECK's timeout is the virtual server's delay_loop, not the
 * checker's own.
 */
static void
keepalived_defaults(void **state)
{
	struct uvs_keepalived_info info;
	struct uvs_rules r;
	char err[512];

	(void)state;
	assert_int_equal(read_text("virtual_server 198.18.0.10 80 {\n"
	    "  lb_kind DR\n  delay_loop 20\n"
	    "  real_server 198.18.0.11 {\n   HTTP_GET {\n    url {\n"
	    "     path /\n    }\n   }\n  }\n"
	    "  real_server 198.18.0.12 {\n   TCP_CHECK {\n   }\n  }\n"
	    "  real_server 198.18.0.14 {\n   SSL_GET {\n    url {\n"
	    "     path /h\n     digest 9b3a0c85a887a256d6939da88aabd8cd\n"
	    "    }\n    connect_port 443\n   }\n  }\n"
	    "  real_server 198.18.0.13 {\n   MISC_CHECK {\n"
	    "    misc_path /bin/true\n    delay_loop 2\n   }\n  }\n"
	    "}\n", &r, &info, err, sizeof(err)), 0);
	assert_int_equal(r.n, 5);
	assert_non_null(strstr(r.req[1], "rip=198.18.0.11 rport=80 "));
	assert_non_null(strstr(r.req[1], "check_retry=3000 "));
	assert_non_null(strstr(r.req[2], "rip=198.18.0.12 rport=80 "));
	assert_non_null(strstr(r.req[2], "check_retry=1000 "));
	/* SSL_GET: HTTP_GET over TLS, its 3 s wait too */
	assert_non_null(strstr(r.req[3], "rip=198.18.0.14 rport=80 weight=1 "
	    "uthr=0 lthr=0 check=ssl check_port=443 check_path=/h "
	    "check_digest=9b3a0c85a887a256d6939da88aabd8cd check_interval=20000 "
	    "check_timeout=5000 check_retry=3000 "));
	assert_non_null(strstr(r.req[4], "check_interval=2000 "
	    "check_timeout=20000 "));
	uvs_rules_free(&r);
}

/* SMTP_CHECK, UDP_CHECK and PING_CHECK become uvs's smtp, udp, ping. */
static void
smtp_udp_ping_checkers(void **state)
{
	struct uvs_keepalived_info info;
	struct uvs_rules r;
	char err[512];

	(void)state;
	assert_int_equal(read_text("virtual_server 198.18.0.10 25 {\n"
	    "  lb_kind DR\n  delay_loop 2\n"
	    "  real_server 198.18.0.11 25 {\n   SMTP_CHECK {\n"
	    "    helo_name \"mx.example.org\"\n    connect_timeout 3\n"
	    "   }\n  }\n"
	    "  real_server 198.18.0.12 25 {\n   PING_CHECK {\n    retry 4\n"
	    "   }\n  }\n}\n"
	    "virtual_server 198.18.0.10 53 {\n  lb_kind DR\n  protocol UDP\n"
	    "  real_server 198.18.0.11 53 {\n   UDP_CHECK {\n"
	    "    payload 00 01 ff\n    require_reply\n   }\n  }\n}\n",
	    &r, &info, err, sizeof(err)), 0);
	assert_int_equal(r.n, 5);
	assert_int_equal(info.checks, 3);
	assert_non_null(strstr(r.req[1], " check=smtp check_helo=mx.example.org "
	    "check_interval=2000 check_timeout=3000 check_retry=1000 "));
	assert_non_null(strstr(r.req[2], " check=ping check_interval=2000 "
	    "check_timeout=5000 check_retry=1000 check_rise=1 check_fall=5 "));
	assert_non_null(strstr(r.req[4], "proto=udp "));
	assert_non_null(strstr(r.req[4], " check=udp check_payload=0001ff "
	    "check_reply=1 "));
	uvs_rules_free(&r);
}

/*
 * virtual_server_group: each address (a last-byte range too) and port
 * of the group is one service with the group's virtual_server's real
 * servers and checks; the group may come after its use, as keepalived
 * resolves groups once the file is read.
 */
static void
virtual_server_group(void **state)
{
	struct uvs_keepalived_info info;
	struct uvs_rules r;
	char err[512];

	(void)state;
	assert_int_equal(read_text(
	    "virtual_server group WEB {\n"		/* 1 */
	    "  lb_kind DR\n  lb_algo wrr\n"
	    "  real_server 198.18.0.11 {\n   TCP_CHECK {\n   }\n  }\n"
	    "}\n"
	    "virtual_server_group WEB {\n"		/* 8 */
	    "  198.18.0.20 80\n"
	    "  198.18.0.30-32 443\n"
	    "}\n", &r, &info, err, sizeof(err)), 0);
	assert_int_equal(info.services, 4);
	assert_int_equal(r.n, 8);
	assert_string_equal(r.req[0], "add-service proto=tcp vip=198.18.0.20 "
	    "vport=80 sched=wrr flags=0 timeout=0 netmask=255.255.255.255");
	assert_int_equal(r.lineno[0], 1);
	assert_non_null(strstr(r.req[1], "vip=198.18.0.20 vport=80 "
	    "rip=198.18.0.11 rport=80 weight=1 uthr=0 lthr=0 check=tcp "));
	assert_non_null(strstr(r.req[2], "vip=198.18.0.30 vport=443 "));
	assert_non_null(strstr(r.req[3], "vip=198.18.0.30 vport=443 "
	    "rip=198.18.0.11 rport=443 "));
	assert_non_null(strstr(r.req[5], "vip=198.18.0.31 vport=443 "
	    "rip=198.18.0.11 rport=443 "));
	assert_non_null(strstr(r.req[6], "vip=198.18.0.32 vport=443 "));
	uvs_rules_free(&r);
}

/*
 * keepalived's samples' HTTP forms: several urls (each must pass),
 * status_code lists and ranges, virtualhost on the virtual server (the
 * Host of its HTTP checks) or on a checker.
 */
static void
urls_status_lists_virtualhost(void **state)
{
	struct uvs_keepalived_info info;
	struct uvs_rules r;
	char err[512];

	(void)state;
	assert_int_equal(read_text("virtual_server 198.18.0.10 443 {\n"
	    "  lb_kind DR\n  virtualhost www.firewall.loc\n"
	    "  real_server 198.18.0.11 443 {\n   SSL_GET {\n"
	    "    url {\n     path /\n"
	    "     status_code 200-299 400-499 503 505 # a list\n    }\n"
	    "    url {\n     path /mrtg/\n"
	    "     digest 9b3a0c85a887a256d6939da88aabd8cd\n"
	    "     status_code 200\n    }\n   }\n  }\n"
	    "  real_server 198.18.0.12 443 {\n   HTTP_GET {\n"
	    "    virtualhost own.example\n    url {\n     path /h\n    }\n"
	    "   }\n  }\n"
	    "  real_server 198.18.0.13 443 {\n   TCP_CHECK {\n   }\n  }\n"
	    "}\n", &r, &info, err, sizeof(err)), 0);
	assert_int_equal(r.n, 4);
	assert_non_null(strstr(r.req[1], " check=ssl check_path=/ check_status="
	    "200-299,400-499,503,505 check_host=www.firewall.loc check_url1="
	    "/mrtg/%209b3a0c85a887a256d6939da88aabd8cd%20200 "));
	assert_non_null(strstr(r.req[2], " check=http check_path=/h "
	    "check_host=own.example check_interval="));
	/* the virtual server's virtualhost is for HTTP checks only */
	assert_null(strstr(r.req[3], "check_host"));
	uvs_rules_free(&r);
}

/* quorum_up, quorum_down and omega: the service's scripts. */
static void
quorum_scripts(void **state)
{
	struct uvs_keepalived_info info;
	struct uvs_rules r;
	char err[512];

	(void)state;
	assert_int_equal(read_text("virtual_server 198.18.0.10 80 {\n"
	    "  lb_kind DR\n  quorum 2\n  omega\n"
	    "  quorum_up /usr/local/sbin/quorum-up.sh\n"
	    "  quorum_down \"/usr/local/sbin/quorum-down.sh now\"\n"
	    "  real_server 198.18.0.11 80\n}\n", &r, &info, err,
	    sizeof(err)), 0);
	assert_string_equal(r.req[0], "add-service proto=tcp vip=198.18.0.10 "
	    "vport=80 sched=wlc flags=0 timeout=0 netmask=255.255.255.255 "
	    "sorry=none quorum=2 hysteresis=0 quorum_up=/usr/local/sbin/"
	    "quorum-up.sh quorum_down=/usr/local/sbin/quorum-down.sh%20now "
	    "omega=1");
	uvs_rules_free(&r);
	/* omega alone: a note, nothing to run */
	assert_int_equal(read_text("virtual_server 198.18.0.10 80 {\n"
	    "  lb_kind DR\n  omega\n}\n", &r, &info, err, sizeof(err)), 0);
	assert_non_null(strstr(logged, "kc:1: 'omega' without quorum_down"));
	uvs_rules_free(&r);
}

/* alpha, on the virtual server or a checker: checks start DOWN. */
static void
alpha_starts_down(void **state)
{
	struct uvs_keepalived_info info;
	struct uvs_rules r;
	char err[512];

	(void)state;
	assert_int_equal(read_text("virtual_server 198.18.0.10 80 {\n"
	    "  lb_kind DR\n  alpha\n"
	    "  real_server 198.18.0.11 80 {\n   TCP_CHECK {\n   }\n  }\n"
	    "  real_server 198.18.0.12 80\n}\n"
	    "virtual_server 198.18.0.10 81 {\n  lb_kind DR\n"
	    "  real_server 198.18.0.11 81 {\n   TCP_CHECK {\n    alpha\n"
	    "   }\n  }\n"
	    "  real_server 198.18.0.12 81 {\n   TCP_CHECK {\n   }\n  }\n}\n",
	    &r, &info, err, sizeof(err)), 0);
	assert_int_equal(r.n, 6);
	assert_non_null(strstr(r.req[1], " check=tcp check_alpha=1 "));
	/* no checker: nothing to start DOWN */
	assert_null(strstr(r.req[2], "check"));
	assert_non_null(strstr(r.req[4], " check=tcp check_alpha=1 "));
	assert_null(strstr(r.req[5], "check_alpha"));
	uvs_rules_free(&r);
}

static const char v6conf[] =
    "virtual_server 2001:db8::10 80 {\n"			/* 1 */
    "    delay_loop 2\n"
    "    lb_algo sh\n"
    "    lb_kind DR\n"
    "    persistence_timeout 60\n"				/* 5 */
    "    persistence_granularity 64\n"
    "    protocol TCP\n"
    "    real_server 2001:db8::11 80 {\n"
    "        weight 2\n"
    "        TCP_CHECK {\n"					/* 10 */
    "            connect_timeout 1\n"
    "        }\n"
    "    }\n"
    "    real_server 2001:db8::12 80 {\n"
    "        HTTP_GET {\n"					/* 15 */
    "            url {\n"
    "                path /health\n"
    "                status_code 200\n"
    "            }\n"
    "        }\n"						/* 20 */
    "    }\n"
    "}\n"
    "virtual_server 198.18.0.10 80 {\n"
    "    lb_kind DR\n"
    "    real_server 198.18.0.11 80 {\n"			/* 25 */
    "    }\n"
    "}\n";

/*
 * A v6 virtual_server as keepalived writes it (bare address, port as
 * its own word) becomes the requests uvsadm -A -t [2001:db8::10]:80 and
 * -a ... -r [2001:db8::11]:80 give, beside a v4 one in the same file;
 * persistence_granularity is a prefix length for v6, as keepalived and
 * ipvsadm -M take it.
 */
static void
v6_virtual_server(void **state)
{
	struct uvs_keepalived_info info;
	struct uvs_rules r;
	char err[512];

	(void)state;
	if (read_text(v6conf, &r, &info, err, sizeof(err)) != 0)
		fail_msg("refused: %s", err);
	assert_int_equal(r.n, 5);
	assert_int_equal(info.services, 2);
	assert_int_equal(info.checks, 2);
	/* the family travels in the address's text, as uvsadm sends it */
	assert_string_equal(r.req[0], "add-service proto=tcp vip=2001:db8::10 "
	    "vport=80 sched=sh flags=1 timeout=60 netmask=64");
	assert_non_null(strstr(r.req[1], "add-dest proto=tcp "
	    "vip=2001:db8::10 vport=80 rip=2001:db8::11 rport=80 weight=2 "));
	assert_non_null(strstr(r.req[1], " check=tcp "));
	assert_int_equal(r.lineno[1], 8);
	assert_non_null(strstr(r.req[2], "rip=2001:db8::12 "));
	assert_non_null(strstr(r.req[2], " check=http "));
	assert_non_null(strstr(r.req[3], "vip=198.18.0.10 "));
	assert_null(strstr(r.req[3], ":"));
	uvs_rules_free(&r);
}

/*
 * One family per block: a v4 real server in a v6 virtual_server (and
 * the reverse), a v4 sorry server in a v6 one, a v6 sorry server, a bad
 * v6 address and a v6 line in a virtual_server_group are refused with
 * their line.
 */
static void
v6_mixed_and_bad(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "virtual_server 2001:db8::10 80 {\n lb_kind DR\n"
		    " real_server 2001:db8::11 80 {\n }\n"
		    " real_server 198.18.0.11 80 {\n }\n}\n",
		    "kc:5: an IPv4 real_server in an IPv6 virtual_server" },
		{ "virtual_server 198.18.0.10 80 {\n lb_kind DR\n"
		    " real_server 2001:db8::11 80\n}\n",
		    "kc:3: an IPv6 real_server in an IPv4 virtual_server" },
		{ "virtual_server 2001:db8::10 80 {\n lb_kind DR\n"
		    " sorry_server 198.18.0.14 80\n}\n",
		    "kc:1: an IPv4 sorry_server in an IPv6 virtual_server" },
		{ "virtual_server 2001:db8::10 80 {\n lb_kind DR\n"
		    " sorry_server 2001:db8::14 80\n}\n",
		    "kc:1: sorry_server: uvs's sorry servers are IPv4 only" },
		{ "virtual_server 2001:db8::10 80 {\n lb_kind DR\n"
		    " real_server 2001:db8:::11 80\n}\n",
		    "kc:3: '2001:db8:::11' is not an IPv4 or IPv6 address" },
		{ "virtual_server [2001:db8::10]:80 80 {\n}\n",
		    "kc:1: '[2001:db8::10]:80' is not an IPv4 or IPv6 address" },
		{ "virtual_server_group G {\n 2001:db8::10 80\n}\n",
		    "kc:2: 'IPv6 in virtual_server_group' is not supported" },
	};
	struct uvs_keepalived_info info;
	struct uvs_rules r;
	char err[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (read_text(cases[i].text, &r, &info, err, sizeof(err)) == 0)
			fail_msg("accepted: %s", cases[i].text);
		if (!strstr(err, cases[i].want))
			fail_msg("for <%s>\n got: %s\nwant: %s", cases[i].text,
			    err, cases[i].want);
		assert_int_equal(r.n, 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_file_becomes_requests),
		cmocka_unit_test(unsupported_keywords_name_their_line),
		cmocka_unit_test(syntax_errors_name_their_line),
		cmocka_unit_test(skipped_lines_and_no_ops),
		cmocka_unit_test(no_lb_kind_is_nat_refused),
		cmocka_unit_test(lvs_timeouts_set_the_timeouts),
		cmocka_unit_test(keepalived_defaults),
		cmocka_unit_test(smtp_udp_ping_checkers),
		cmocka_unit_test(virtual_server_group),
		cmocka_unit_test(urls_status_lists_virtualhost),
		cmocka_unit_test(alpha_starts_down),
		cmocka_unit_test(quorum_scripts),
		cmocka_unit_test(v6_virtual_server),
		cmocka_unit_test(v6_mixed_and_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
