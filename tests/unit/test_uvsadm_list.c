/*
 * Golden tests of uvsadm's printers (fwd/uvsadm/uvsadm_list.c): canned uvsd
 * replies in, ipvsadm 1.31's bytes out. The expected texts were written
 * from ipvsadm.c's printf formats ("  -> %-28s %-7s %-6d %-10u %-10u\n"
 * and friends), not from uvsadm's output. Also the reply status line
 * reader of fwd/lang/ctlclient.c.
 */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <cmocka.h>

#include "fwd/lang/ctlclient.h"
#include "fwd/uvsadm/uvsadm.h"

#define TITLE \
	"Prot LocalAddress:Port Scheduler Flags\n" \
	"  -> RemoteAddress:Port           Forward Weight ActiveConn " \
	"InActConn\n"
#define HEADER	"IP Virtual Server version 1.2.1 (size=4096)\n"
#define INFO	"info version=1.2.1 size=4096 conns=0\n"

/* A svc line with the keys every format needs. */
#define SVC(proto, vip, vport, sched, flags, timeout, mask) \
	"svc proto=" proto " vip=" vip " vport=" vport " sched=" sched \
	" flags=" flags " timeout=" timeout " netmask=" mask \
	" conns=0 inpkts=0 inbytes=0\n"
#define DEST(rip, rport, weight, active, inactive) \
	"dest rip=" rip " rport=" rport " fwd=route weight=" weight \
	" active=" active " inactive=" inactive " persist=0 uthr=0 lthr=0" \
	" conns=0 inpkts=0 inbytes=0 hw=none\n"

struct out {
	char	*text;
	size_t	 len;
	int	 rc;
};

static struct out
list(const char *reply, unsigned int fmt, const struct uvsadm_svc_key *only)
{
	struct out o = { 0 };
	FILE *f = open_memstream(&o.text, &o.len);

	assert_non_null(f);
	o.rc = uvsadm_list_print(f, reply, fmt, only);
	fclose(f);
	return o;
}

/* Checks rc and the exact output, then frees it. */
static void
expect(struct out o, int rc, const char *text)
{
	assert_int_equal(o.rc, rc);
	assert_string_equal(o.text, text);
	free(o.text);
}

static void
three_dests_numeric(void **state)
{
	(void)state;
	expect(list(INFO
	    SVC("tcp", "198.18.0.10", "80", "wlc", "0", "0", "255.255.255.255")
	    DEST("198.18.0.13", "80", "0", "0", "65535")
	    DEST("198.18.0.11", "80", "1", "10", "200")
	    DEST("198.18.0.12", "80", "2", "3", "4")
	    "ok\n", UVSADM_FMT_NUMERIC, NULL), 0,
	    HEADER TITLE
	    "TCP  198.18.0.10:80 wlc\n"
	    "  -> 198.18.0.11:80               Route   1      10         200       \n"
	    "  -> 198.18.0.12:80               Route   2      3          4         \n"
	    "  -> 198.18.0.13:80               Route   0      0          65535     \n");
}

static void
empty_table(void **state)
{
	(void)state;
	expect(list(INFO "ok\n", UVSADM_FMT_NUMERIC, NULL), 0, HEADER TITLE);
}

/* Protocol number first (TCP 6 before UDP 17), then address, then port. */
static void
services_sorted(void **state)
{
	(void)state;
	expect(list(INFO
	    SVC("udp", "198.18.0.10", "53", "rr", "0", "0", "255.255.255.255")
	    SVC("tcp", "198.18.0.20", "80", "rr", "0", "0", "255.255.255.255")
	    SVC("tcp", "198.18.0.10", "443", "wrr", "0", "0", "255.255.255.255")
	    DEST("198.18.0.11", "443", "1", "0", "0")
	    SVC("tcp", "198.18.0.10", "80", "lc", "0", "0", "255.255.255.255")
	    "ok\n", UVSADM_FMT_NUMERIC, NULL), 0,
	    HEADER TITLE
	    "TCP  198.18.0.10:80 lc\n"
	    "TCP  198.18.0.10:443 wrr\n"
	    "  -> 198.18.0.11:443              Route   1      0          0         \n"
	    "TCP  198.18.0.20:80 rr\n"
	    "UDP  198.18.0.10:53 rr\n");
}

static void
nosort_keeps_order(void **state)
{
	(void)state;
	expect(list(INFO
	    SVC("udp", "198.18.0.10", "53", "rr", "0", "0", "255.255.255.255")
	    DEST("198.18.0.12", "53", "1", "0", "0")
	    DEST("198.18.0.11", "53", "1", "0", "0")
	    SVC("tcp", "198.18.0.10", "80", "rr", "0", "0", "255.255.255.255")
	    "ok\n", UVSADM_FMT_NUMERIC | UVSADM_FMT_NOSORT, NULL), 0,
	    HEADER TITLE
	    "UDP  198.18.0.10:53 rr\n"
	    "  -> 198.18.0.12:53               Route   1      0          0         \n"
	    "  -> 198.18.0.11:53               Route   1      0          0         \n"
	    "TCP  198.18.0.10:80 rr\n");
}

/*
 * libipvs compares addresses by an int difference: 10.0.0.1 - 192.168.0.1
 * wraps positive, so ipvsadm lists 192.168.0.1 first. Same for dests,
 * and ports still break ties.
 */
static void
sort_keeps_ipvs_wraparound(void **state)
{
	(void)state;
	expect(list(INFO
	    SVC("tcp", "10.0.0.1", "80", "rr", "0", "0", "255.255.255.255")
	    DEST("10.0.0.2", "80", "1", "0", "0")
	    DEST("192.168.0.2", "80", "1", "0", "0")
	    SVC("tcp", "192.168.0.1", "80", "rr", "0", "0", "255.255.255.255")
	    "ok\n", UVSADM_FMT_NUMERIC, NULL), 0,
	    HEADER TITLE
	    "TCP  192.168.0.1:80 rr\n"
	    "TCP  10.0.0.1:80 rr\n"
	    "  -> 192.168.0.2:80               Route   1      0          0         \n"
	    "  -> 10.0.0.2:80                  Route   1      0          0         \n");
}

static void
service_flags(void **state)
{
	(void)state;
	/* 0x1 persistent, 0x4 one-packet, 0x8 sched flag 1 (sh-fallback) */
	expect(list(INFO
	    SVC("udp", "198.18.0.10", "0", "sh", "13", "300", "255.255.255.0")
	    SVC("tcp", "198.18.0.10", "80", "wlc", "1", "360", "255.255.255.255")
	    SVC("tcp", "198.18.0.10", "81", "rr", "48", "0", "255.255.0.0")
	    "ok\n", UVSADM_FMT_NUMERIC, NULL), 0,
	    HEADER TITLE
	    "TCP  198.18.0.10:80 wlc persistent 360\n"
	    "TCP  198.18.0.10:81 rr (flag-2,flag-3)\n"
	    "UDP  198.18.0.10:0 sh (sh-fallback) persistent 300 mask "
	    "255.255.255.0 ops\n");
}

static void
one_service_has_no_header(void **state)
{
	struct uvsadm_svc_key k = { IPPROTO_UDP, AF_INET, { .all = { 0 } },
	    53 };

	(void)state;
	inet_pton(AF_INET, "198.18.0.10", &k.addr);
	expect(list(
	    SVC("tcp", "198.18.0.10", "53", "rr", "0", "0", "255.255.255.255")
	    DEST("198.18.0.11", "53", "1", "0", "0")
	    SVC("udp", "198.18.0.10", "53", "wlc", "0", "0", "255.255.255.255")
	    DEST("198.18.0.12", "53", "1", "0", "0")
	    "ok\n", UVSADM_FMT_NUMERIC, &k), 0,
	    TITLE
	    "UDP  198.18.0.10:53 wlc\n"
	    "  -> 198.18.0.12:53               Route   1      0          0         \n");
	k.port = 54;
	expect(list(INFO "ok\n", UVSADM_FMT_NUMERIC, &k), -ESRCH, "");
}

static void
save_rules(void **state)
{
	(void)state;
	expect(list(INFO
	    SVC("udp", "198.18.0.10", "53", "rr", "0", "0", "255.255.255.255")
	    DEST("198.18.0.12", "53", "3", "0", "0")
	    SVC("tcp", "198.18.0.10", "80", "wlc", "1", "360", "255.255.255.0")
	    DEST("198.18.0.11", "80", "1", "7", "7")
	    "ok\n", UVSADM_FMT_NUMERIC | UVSADM_FMT_RULE, NULL), 0,
	    "-A -t 198.18.0.10:80 -s wlc -p 360 -M 255.255.255.0\n"
	    "-a -t 198.18.0.10:80 -r 198.18.0.11:80 -g -w 1\n"
	    "-A -u 198.18.0.10:53 -s rr\n"
	    "-a -u 198.18.0.10:53 -r 198.18.0.12:53 -g -w 3\n");
}

#define STATS_SVC \
	"svc proto=tcp vip=198.18.0.10 vport=80 sched=wlc flags=0 " \
	"timeout=0 netmask=255.255.255.255 conns=99999999 " \
	"inpkts=100000000 outpkts=1000000000 inbytes=100000000000 " \
	"outbytes=100000000000000\n"
#define STATS_DEST \
	"dest rip=198.18.0.11 rport=80 fwd=route weight=1 active=1 " \
	"inactive=2 persist=7 uthr=100 lthr=75 conns=5 inpkts=0 inbytes=0\n"

/* print_largenum: plain below 1e8, then K, M, G, T; --exact widens. */
static void
stats_and_exact(void **state)
{
	(void)state;
	expect(list(INFO STATS_SVC STATS_DEST "ok\n",
	    UVSADM_FMT_NUMERIC | UVSADM_FMT_STATS, NULL), 0,
	    HEADER
	    "Prot LocalAddress:Port               Conns   InPkts  OutPkts  "
	    "InBytes OutBytes\n"
	    "  -> RemoteAddress:Port\n"
	    "TCP  198.18.0.10:80               99999999  100000K    1000M"
	    "     100G     100T\n"
	    "  -> 198.18.0.11:80                      5        0        0"
	    "        0        0\n");
	expect(list(INFO STATS_SVC "ok\n", UVSADM_FMT_NUMERIC |
	    UVSADM_FMT_STATS | UVSADM_FMT_EXACT, NULL), 0,
	    HEADER
	    "Prot LocalAddress:Port               Conns   InPkts  OutPkts  "
	    "InBytes OutBytes\n"
	    "  -> RemoteAddress:Port\n"
	    "TCP  198.18.0.10:80               99999999 100000000 1000000000"
	    " 100000000000 100000000000000\n");
}

static void
thresholds_persistent_tuninfo(void **state)
{
	(void)state;
	expect(list(INFO STATS_SVC STATS_DEST "ok\n",
	    UVSADM_FMT_NUMERIC | UVSADM_FMT_THRESHOLDS, NULL), 0,
	    HEADER
	    "Prot LocalAddress:Port            Uthreshold Lthreshold "
	    "ActiveConn InActConn \n"
	    "  -> RemoteAddress:Port\n"
	    "TCP  198.18.0.10:80 wlc\n"
	    "  -> 198.18.0.11:80               100        75         1"
	    "          2         \n");
	expect(list(INFO STATS_SVC STATS_DEST "ok\n",
	    UVSADM_FMT_NUMERIC | UVSADM_FMT_PERSISTENTCONN, NULL), 0,
	    HEADER
	    "Prot LocalAddress:Port            Weight    PersistConn "
	    "ActiveConn InActConn \n"
	    "  -> RemoteAddress:Port\n"
	    "TCP  198.18.0.10:80 wlc\n"
	    "  -> 198.18.0.11:80               1         7           1"
	    "          2         \n");
	expect(list(INFO STATS_SVC STATS_DEST "ok\n",
	    UVSADM_FMT_NUMERIC | UVSADM_FMT_TUN_INFO, NULL), 0,
	    HEADER
	    "Prot LocalAddress:Port Scheduler Flags\n"
	    "  -> RemoteAddress:Port           Forward TunnelInfo    Weight "
	    "ActiveConn InActConn\n"
	    "TCP  198.18.0.10:80 wlc\n"
	    "  -> 198.18.0.11:80               Route   n/a           1"
	    "      1          2         \n");
}

/* uvsd has no rate estimator yet: --rate must say so, not print zeros. */
static void
rate_without_figures(void **state)
{
	(void)state;
	expect(list(INFO STATS_SVC "ok\n",
	    UVSADM_FMT_NUMERIC | UVSADM_FMT_RATE, NULL), -ENODATA, "");
}

#define RATES " cps=1 inpps=20 outpps=0 inbps=1300 outbps=0"

/* --json: every figure, numbers as numbers, sorted as -L sorts. */
static void
json_table(void **state)
{
	struct uvsadm_svc_key k = { IPPROTO_UDP, AF_INET, { .all = { 0 } },
	    53 };

	(void)state;
	inet_pton(AF_INET, "198.18.0.10", &k.addr);
	expect(list(INFO
	    "svc proto=udp vip=198.18.0.10 vport=53 sched=sh flags=13 "
	    "timeout=300 netmask=255.255.255.0 conns=2 inpkts=3 inbytes=4"
	    RATES "\n"
	    "svc proto=tcp vip=198.18.0.10 vport=80 sched=wlc flags=0 "
	    "timeout=0 netmask=255.255.255.255 conns=5 inpkts=60 "
	    "inbytes=7000" RATES "\n"
	    "dest rip=198.18.0.12 rport=80 fwd=route weight=0 active=1 "
	    "inactive=2 persist=0 uthr=9 lthr=8 hw=none conns=3 inpkts=4 "
	    "inbytes=5" RATES "\n"
	    "dest rip=198.18.0.11 rport=80 fwd=route weight=3 active=0 "
	    "inactive=0 persist=0 uthr=0 lthr=0 hw=none conns=2 inpkts=56 "
	    "inbytes=6995" RATES "\n"
	    "ok\n", UVSADM_FMT_JSON, NULL), 0,
	    "{\"version\":\"1.2.1\",\"size\":4096,\"services\":["
	    "{\"protocol\":\"TCP\",\"address\":\"198.18.0.10\",\"port\":80,"
	    "\"scheduler\":\"wlc\",\"sched_flags\":\"\",\"persistent\":null,"
	    "\"netmask\":null,\"ops\":false,"
	    "\"stats\":{\"conns\":5,\"inpkts\":60,\"outpkts\":0,"
	    "\"inbytes\":7000,\"outbytes\":0},"
	    "\"rate\":{\"cps\":1,\"inpps\":20,\"outpps\":0,\"inbps\":1300,"
	    "\"outbps\":0},\"health\":null,\"dests\":["
	    "{\"address\":\"198.18.0.11\",\"port\":80,\"forward\":\"Route\","
	    "\"weight\":3,\"activeconns\":0,\"inactconns\":0,"
	    "\"persistconns\":0,\"u_threshold\":0,\"l_threshold\":0,"
	    "\"stats\":{\"conns\":2,\"inpkts\":56,\"outpkts\":0,"
	    "\"inbytes\":6995,\"outbytes\":0},"
	    "\"rate\":{\"cps\":1,\"inpps\":20,\"outpps\":0,\"inbps\":1300,"
	    "\"outbps\":0},\"health\":null},"
	    "{\"address\":\"198.18.0.12\",\"port\":80,\"forward\":\"Route\","
	    "\"weight\":0,\"activeconns\":1,\"inactconns\":2,"
	    "\"persistconns\":0,\"u_threshold\":9,\"l_threshold\":8,"
	    "\"stats\":{\"conns\":3,\"inpkts\":4,\"outpkts\":0,"
	    "\"inbytes\":5,\"outbytes\":0},"
	    "\"rate\":{\"cps\":1,\"inpps\":20,\"outpps\":0,\"inbps\":1300,"
	    "\"outbps\":0},\"health\":null}]},"
	    "{\"protocol\":\"UDP\",\"address\":\"198.18.0.10\",\"port\":53,"
	    "\"scheduler\":\"sh\",\"sched_flags\":\"sh-fallback\","
	    "\"persistent\":300,\"netmask\":\"255.255.255.0\",\"ops\":true,"
	    "\"stats\":{\"conns\":2,\"inpkts\":3,\"outpkts\":0,"
	    "\"inbytes\":4,\"outbytes\":0},"
	    "\"rate\":{\"cps\":1,\"inpps\":20,\"outpps\":0,\"inbps\":1300,"
	    "\"outbps\":0},\"health\":null,\"dests\":[]}]}\n");
	/* one service, and a table without rates is refused, not faked */
	expect(list(INFO SVC("udp", "198.18.0.10", "53", "rr", "0", "0",
	    "255.255.255.255") "ok\n", UVSADM_FMT_JSON, &k), -ENODATA, "");
	k.port = 54;
	expect(list(INFO "ok\n", UVSADM_FMT_JSON, &k), -ESRCH, "");
}

/*
 * --json carries the health fields: a service's quorum and sorry server,
 * each checked server's state, counts, transitions and last result
 * (escaped as JSON), the sorry server's state, null where nothing is
 * checked; a server the checks took out is listed, unlike in -L.
 */
static void
json_health(void **state)
{
	const char *reply = INFO
	    "svc proto=tcp vip=198.18.0.10 vport=80 sched=rr flags=0 timeout=0 "
	    "netmask=255.255.255.255 conns=0 inpkts=0 inbytes=0" RATES "\n"
	    "svchealth sorry=198.18.0.14 quorum=2 hysteresis=0 up=1 "
	    "upweight=2 sorry_on=0\n"
	    "dest rip=198.18.0.11 rport=80 fwd=route weight=1 active=0 "
	    "inactive=0 persist=0 uthr=0 lthr=0 hw=none conns=0 inpkts=0 "
	    "inbytes=0" RATES "\n"
	    "check check=http check_path=/ check_interval=1000 "
	    "check_timeout=0 check_retry=0 check_rise=2 check_fall=3 "
	    "check_on_fail=inhibit weight=1 state=UP out=0 streak=0 ok=7 "
	    "failed=4 transitions=2 result=ok last=HTTP%20200\n"
	    "dest rip=198.18.0.12 rport=80 fwd=route weight=1 active=0 "
	    "inactive=0 persist=0 uthr=0 lthr=0 hw=none conns=0 inpkts=0 "
	    "inbytes=0" RATES "\n"
	    "check check=tcp check_interval=1000 check_timeout=0 "
	    "check_retry=0 check_rise=1 check_fall=1 check_on_fail=remove "
	    "weight=1 state=DOWN out=1 streak=0 ok=0 failed=1 transitions=1 "
	    "result=failed last=say%20%22no%22%5C\n"
	    "dest rip=198.18.0.13 rport=80 fwd=route weight=1 active=0 "
	    "inactive=0 persist=0 uthr=0 lthr=0 hw=none conns=0 inpkts=0 "
	    "inbytes=0" RATES "\n"
	    "dest rip=198.18.0.14 rport=80 fwd=route weight=1 active=0 "
	    "inactive=0 persist=0 uthr=0 lthr=0 hw=none conns=0 inpkts=0 "
	    "inbytes=0" RATES "\n"
	    "check check=sorry out=1\n"
	    "ok\n";
	struct out o = list(reply, UVSADM_FMT_JSON, NULL);

	(void)state;
	assert_int_equal(o.rc, 0);
	assert_non_null(strstr(o.text, "\"health\":{\"quorum\":2,"
	    "\"hysteresis\":0,\"quorum_up\":true,\"up_weight\":2,"
	    "\"sorry_server\":\"198.18.0.14\",\"sorry_serving\":false},"
	    "\"dests\":["));
	assert_non_null(strstr(o.text, "\"health\":{\"check\":\"http\","
	    "\"state\":\"UP\",\"out\":false,\"weight\":1,\"rise\":2,"
	    "\"fall\":3,\"streak\":0,\"ok\":7,\"failed\":4,"
	    "\"transitions\":2,\"last_result\":\"ok\","
	    "\"last\":\"HTTP 200\"}"));
	/* out of scheduling, hidden by -L, listed here; quotes escaped */
	assert_non_null(strstr(o.text, "\"address\":\"198.18.0.12\""));
	assert_non_null(strstr(o.text, "\"state\":\"DOWN\",\"out\":true,"));
	assert_non_null(strstr(o.text, "\"transitions\":1,"
	    "\"last_result\":\"failed\",\"last\":\"say \\\"no\\\"\\\\\"}"));
	assert_non_null(strstr(o.text, "\"l_threshold\":0,\"stats\":{\"conns\":0,"
	    "\"inpkts\":0,\"outpkts\":0,\"inbytes\":0,\"outbytes\":0},"
	    "\"rate\":{\"cps\":1,\"inpps\":20,\"outpps\":0,\"inbps\":1300,"
	    "\"outbps\":0},\"health\":null}"));
	assert_non_null(strstr(o.text, "\"health\":{\"check\":\"sorry\","
	    "\"state\":\"STANDBY\",\"out\":true}"));
	free(o.text);
	/* -L still hides the removed server (and the standing-by sorry) */
	o = list(reply, UVSADM_FMT_NUMERIC, NULL);
	assert_int_equal(o.rc, 0);
	assert_null(strstr(o.text, "198.18.0.12"));
	free(o.text);
	/* a result word uvsd never sends is a malformed reply */
	o = list(INFO
	    "svc proto=tcp vip=198.18.0.10 vport=80 sched=rr flags=0 timeout=0 "
	    "netmask=255.255.255.255 conns=0 inpkts=0 inbytes=0" RATES "\n"
	    "dest rip=198.18.0.11 rport=80 fwd=route weight=1 active=0 "
	    "inactive=0 persist=0 uthr=0 lthr=0 hw=none conns=0 inpkts=0 "
	    "inbytes=0" RATES "\n"
	    "check check=tcp check_interval=1000 check_timeout=0 "
	    "check_retry=0 check_rise=1 check_fall=1 check_on_fail=remove "
	    "weight=1 state=UP out=0 streak=0 ok=0 failed=0 transitions=0 "
	    "result=maybe last=-\n" "ok\n", UVSADM_FMT_JSON, NULL);
	assert_int_equal(o.rc, -EPROTO);
	free(o.text);
}

/* ipvsadm's name[28] = '\0' and svc_name[33] = '\0'. */
static void
truncation_edges(void **state)
{
	char s[64];

	(void)state;
	strcpy(s, "a-very-long-real-server-name.example:http");
	uvsadm_trunc(s, UVSADM_DEST_NAME_COLS);
	assert_string_equal(s, "a-very-long-real-server-name");
	strcpy(s, "exactly-twenty-eight-chars:1");
	assert_int_equal(strlen(s), 28);
	uvsadm_trunc(s, UVSADM_DEST_NAME_COLS);
	assert_string_equal(s, "exactly-twenty-eight-chars:1");
	strcpy(s, "twenty-nine-characters-long:1");
	assert_int_equal(strlen(s), 29);
	uvsadm_trunc(s, UVSADM_DEST_NAME_COLS);
	assert_string_equal(s, "twenty-nine-characters-long:");
	strcpy(s, "TCP  virtual-service.example.org:https");
	uvsadm_trunc(s, UVSADM_SVC_NAME_COLS);
	assert_string_equal(s, "TCP  virtual-service.example.org:");
	assert_int_equal(strlen(s), 33);
	strcpy(s, "");
	uvsadm_trunc(s, UVSADM_SVC_NAME_COLS);
	assert_string_equal(s, "");
}

/* Without -n, names come from the resolver, whatever this host says. */
static void
names_resolve(void **state)
{
	char buf[UVSADM_NAME_MAX], want[UVSADM_NAME_MAX];
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	struct hostent *he;
	struct servent *se;

	(void)state;
	he = gethostbyaddr(&lo, sizeof(lo), AF_INET);
	se = getservbyport(htons(80), "tcp");
	snprintf(want, sizeof(want), "%s:%s", he ? he->h_name : "127.0.0.1",
	    se ? se->s_name : "80");
	assert_string_equal(uvsadm_addrport_name(buf, AF_INET, &lo, 80,
	    IPPROTO_TCP, 0), want);
	assert_string_equal(uvsadm_addrport_name(buf, AF_INET, &lo, 80,
	    IPPROTO_TCP, UVSADM_FMT_NUMERIC), "127.0.0.1:80");
}

/* Every malformed reply is refused whole: an error, no output, no crash. */
static void
malformed_replies(void **state)
{
	static const char *const bad[] = {
		/* no info line for the version header */
		SVC("tcp", "198.18.0.10", "80", "rr", "0", "0", "255.255.255.255"),
		INFO "svc proto=tcp vport=80 sched=rr flags=0 timeout=0 "
		    "netmask=255.255.255.255\n",
		INFO "svc proto=sctp vip=198.18.0.10 vport=80 sched=rr flags=0 "
		    "timeout=0 netmask=255.255.255.255\n",
		INFO SVC("tcp", "198.18.0.10", "65536", "rr", "0", "0",
		    "255.255.255.255"),
		INFO SVC("tcp", "198.18.0.300", "80", "rr", "0", "0",
		    "255.255.255.255"),
		INFO SVC("tcp", "198.18.0.10", "80", "", "0", "0",
		    "255.255.255.255"),
		INFO SVC("tcp", "198.18.0.10", "80", "rr", "x1", "0",
		    "255.255.255.255"),
		INFO SVC("tcp", "198.18.0.10", "80", "rr", "0", "0", "mask"),
		INFO DEST("198.18.0.11", "80", "1", "0", "0"),
		INFO SVC("tcp", "198.18.0.10", "80", "rr", "0", "0",
		    "255.255.255.255") DEST("198.18.0.11", "80", "abc", "0", "0"),
		INFO SVC("tcp", "198.18.0.10", "80", "rr", "0", "0",
		    "255.255.255.255") DEST("198.18.0.11", "80", "1", "-1", "0"),
		INFO SVC("tcp", "198.18.0.10", "80", "rr", "0", "0",
		    "255.255.255.255") DEST("198.18.0.11", "80", "1", "0",
		    "99999999999"),
		INFO SVC("tcp", "198.18.0.10", "80", "rr", "0", "0",
		    "255.255.255.255") "dest rip=198.18.0.11 rport=80 "
		    "fwd=tunnel weight=1 active=0 inactive=0\n",
		INFO SVC("tcp", "198.18.0.10", "80", "rr", "0", "0",
		    "255.255.255.255") "dest rip=198.18.0.11 rport=80 "
		    "weight=1 active=0\n",
		INFO SVC("tcp", "198.18.0.10", "80", "rr", "0", "0",
		    "255.255.255.255") "svc this is not key value\n",
		"info version=1.2 size=4096\n",
		"info version=1.2.1.4 size=4096\n",
		"info version=1.2.256 size=4096\n",
		"info version=1.2.1 size=-1\n",
		"info version=1.2.1\n",
		"",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct out o = list(bad[i], UVSADM_FMT_NUMERIC, NULL);

		if (o.rc != -EPROTO || o.len != 0)
			print_error("case %zu: rc %d, output '%s'\n", i, o.rc,
			    o.text);
		expect(o, -EPROTO, "");
	}
	/* a bad figure is malformed even when this format does not print it */
	expect(list(INFO SVC("tcp", "198.18.0.10", "80", "rr", "0", "0",
	    "255.255.255.255") "dest rip=198.18.0.11 rport=80 fwd=route "
	    "weight=1 active=0 inactive=0 uthr=x\n", UVSADM_FMT_NUMERIC, NULL),
	    -EPROTO, "");
}

/* Unknown data lines are skipped, so uvsd may grow new ones. */
static void
unknown_lines_skipped(void **state)
{
	(void)state;
	expect(list(INFO "future thing=1\n\n"
	    SVC("tcp", "198.18.0.10", "80", "rr", "0", "0", "255.255.255.255")
	    "ok\n", UVSADM_FMT_NUMERIC, NULL), 0,
	    HEADER TITLE "TCP  198.18.0.10:80 rr\n");
}

static struct out
simple(int which, const char *reply, unsigned int fmt)
{
	struct out o = { 0 };
	FILE *f = open_memstream(&o.text, &o.len);

	assert_non_null(f);
	if (which == 0)
		o.rc = uvsadm_counters_print(f, reply);
	else if (which == 1)
		o.rc = uvsadm_conns_print(f, reply, fmt);
	else
		o.rc = uvsadm_timeout_print(f, reply);
	fclose(f);
	return o;
}

static void
counters(void **state)
{
	(void)state;
	expect(simple(0, "counter rx_frames=10\ncounter drop_short=0\n"
	    "counter conns=18446744073709551615\nok\n", 0), 0,
	    "rx_frames 10\ndrop_short 0\nconns 18446744073709551615\n");
	expect(simple(0, "counter rx_frames=10\ncounter drop_short=x\nok\n",
	    0), -EPROTO, "");
	expect(simple(0, "counter a=1 b=2\nok\n", 0), -EPROTO, "");
	expect(simple(0, "ok\n", 0), 0, "");
}

static void
conns_and_timeout(void **state)
{
	(void)state;
	expect(simple(1, "conn proto=tcp cip=198.18.0.100 cport=40000 "
	    "vip=198.18.0.10 vport=80 rip=198.18.0.11 rport=80 "
	    "state=ESTABLISHED expires=899\nok\n", UVSADM_FMT_NUMERIC), 0,
	    "IPVS connection entries\n"
	    "pro expire state       source             virtual            "
	    "destination\n"
	    "TCP 14:59  ESTABLISHED 198.18.0.100:40000 198.18.0.10:80     "
	    "198.18.0.11:80\n");
	expect(simple(1, "conn proto=tcp cip=198.18.0.100\nok\n",
	    UVSADM_FMT_NUMERIC), -EPROTO, "");
	expect(simple(2, "timeout tcp=900 tcpfin=120 udp=300\nok\n", 0), 0,
	    "Timeout (tcp tcpfin udp): 900 120 300\n");
	expect(simple(2, "ok\n", 0), -EPROTO, "");
	expect(simple(2, "timeout tcp=900 tcpfin=120\nok\n", 0), -EPROTO, "");
}

static void
reply_status(void **state)
{
	char msg[16];
	int err = -1;

	(void)state;
	assert_int_equal(uvs_ctl_reply_status("info a=1\nok\n", &err, msg,
	    sizeof(msg)), 0);
	assert_int_equal(err, 0);
	assert_int_equal(uvs_ctl_reply_status("ok", &err, msg, sizeof(msg)),
	    0);
	assert_int_equal(uvs_ctl_reply_status("error 17 Service already "
	    "exists\n", &err, msg, sizeof(msg)), 0);
	assert_int_equal(err, EEXIST);
	assert_string_equal(msg, "Service already");	/* cut to fit */
	assert_int_equal(uvs_ctl_reply_status("error 3\n", &err, msg,
	    sizeof(msg)), 0);
	assert_int_equal(err, ESRCH);
	assert_string_equal(msg, "");
	assert_int_equal(uvs_ctl_reply_status("", &err, msg, sizeof(msg)),
	    -EPROTO);
	assert_int_equal(uvs_ctl_reply_status("ok\nsvc a=1\n", &err, msg,
	    sizeof(msg)), -EPROTO);
	assert_int_equal(uvs_ctl_reply_status("error x bad\n", &err, msg,
	    sizeof(msg)), -EPROTO);
	assert_int_equal(uvs_ctl_reply_status("error 0 zero\n", &err, msg,
	    sizeof(msg)), -EPROTO);
	assert_int_equal(uvs_ctl_reply_status("error 17x\n", &err, msg,
	    sizeof(msg)), -EPROTO);
	assert_int_equal(uvs_ctl_reply_status("error 99999999999999999999\n",
	    &err, msg, sizeof(msg)), -EPROTO);
}

/*
 * --checks for a v6 service: the service and its servers bracketed with
 * their ports as -L writes them, in the same columns as v4 ones; a v4
 * service's line is unchanged beside it.
 */
static void
checks_v6(void **state)
{
	const char *reply = INFO
	    "svc proto=tcp vip=2001:db8::10 vport=80 sched=rr flags=0 "
	    "timeout=0 netmask=128 conns=0 inpkts=0 inbytes=0" RATES "\n"
	    "svchealth quorum=1 hysteresis=0 up=1 upweight=1 sorry_on=0\n"
	    "dest rip=2001:db8::11 rport=80 fwd=route weight=1 active=0 "
	    "inactive=0 persist=0 uthr=0 lthr=0 hw=none conns=0 inpkts=0 "
	    "inbytes=0" RATES "\n"
	    "check check=tcp check_interval=1000 check_timeout=0 "
	    "check_retry=0 check_rise=1 check_fall=1 check_on_fail=remove "
	    "weight=1 state=UP out=0 streak=0 ok=3 failed=0 transitions=0 "
	    "result=ok last=connected\n"
	    "dest rip=2001:db8::12 rport=80 fwd=route weight=1 active=0 "
	    "inactive=0 persist=0 uthr=0 lthr=0 hw=none conns=0 inpkts=0 "
	    "inbytes=0" RATES "\n"
	    "check check=tcp check_interval=1000 check_timeout=0 "
	    "check_retry=0 check_rise=1 check_fall=1 check_on_fail=remove "
	    "weight=1 state=DOWN out=1 streak=0 ok=0 failed=2 transitions=1 "
	    "result=failed last=connect:%20Connection%20refused\n"
	    "ok\n";
	struct out o = list(reply, UVSADM_FMT_NUMERIC | UVSADM_FMT_CHECKS,
	    NULL);

	(void)state;
	assert_int_equal(o.rc, 0);
	assert_non_null(strstr(o.text, "TCP  [2001:db8::10]:80 rr quorum 1 "
	    "hysteresis 0 held (up weight 1)\n"));
	assert_non_null(strstr(o.text, "  -> [2001:db8::11]:80            "
	    "tcp   UP        1      0/1    3        0        connected\n"));
	assert_non_null(strstr(o.text, "  -> [2001:db8::12]:80            "
	    "tcp   DOWN      1      0/1    0        2        connect: "
	    "Connection refused\n"));
	free(o.text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(three_dests_numeric),
		cmocka_unit_test(empty_table),
		cmocka_unit_test(services_sorted),
		cmocka_unit_test(nosort_keeps_order),
		cmocka_unit_test(sort_keeps_ipvs_wraparound),
		cmocka_unit_test(service_flags),
		cmocka_unit_test(one_service_has_no_header),
		cmocka_unit_test(save_rules),
		cmocka_unit_test(stats_and_exact),
		cmocka_unit_test(thresholds_persistent_tuninfo),
		cmocka_unit_test(rate_without_figures),
		cmocka_unit_test(json_table),
		cmocka_unit_test(json_health),
		cmocka_unit_test(checks_v6),
		cmocka_unit_test(truncation_edges),
		cmocka_unit_test(names_resolve),
		cmocka_unit_test(malformed_replies),
		cmocka_unit_test(unknown_lines_skipped),
		cmocka_unit_test(counters),
		cmocka_unit_test(conns_and_timeout),
		cmocka_unit_test(reply_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
