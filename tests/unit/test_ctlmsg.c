/*
 * Unit tests for the control-protocol line parser and its typed getters
 * (fwd/lang/ctlmsg.c). uvs_ctl_parse splits its line in place, so every line
 * lives in a writable array. The getters are the only range check between
 * a socket and the service table: each one is fed the values a careless
 * or hostile client could send.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "fwd/lang/ctlmsg.h"

/* Parses a writable copy of text into m; the copy lives in buf. */
static int
parse(char *buf, size_t size, const char *text, struct uvs_ctl_msg *m)
{
	assert_true(strlen(text) < size);
	strcpy(buf, text);
	return uvs_ctl_parse(buf, m);
}

static void
test_parse_request(void **state)
{
	char line[] = "add-service proto=tcp vip=198.18.0.10 vport=80 sched=rr";
	struct uvs_ctl_msg m;

	(void)state;
	assert_int_equal(uvs_ctl_parse(line, &m), 0);
	assert_string_equal(m.verb, "add-service");
	assert_int_equal(m.nkv, 4);
	assert_string_equal(m.kv[0].key, "proto");
	assert_string_equal(m.kv[0].val, "tcp");
	assert_string_equal(m.kv[1].key, "vip");
	assert_string_equal(m.kv[1].val, "198.18.0.10");
	assert_string_equal(m.kv[2].key, "vport");
	assert_string_equal(m.kv[2].val, "80");
	assert_string_equal(m.kv[3].key, "sched");
	assert_string_equal(m.kv[3].val, "rr");
	assert_string_equal(uvs_ctl_get(&m, "vip"), "198.18.0.10");
	assert_string_equal(uvs_ctl_get(&m, "sched"), "rr");
}

static void
test_parse_verb_only(void **state)
{
	char buf[UVS_CTL_LINE_MAX];
	struct uvs_ctl_msg m;

	(void)state;
	assert_int_equal(parse(buf, sizeof(buf), "list", &m), 0);
	assert_string_equal(m.verb, "list");
	assert_int_equal(m.nkv, 0);
	assert_null(uvs_ctl_get(&m, "list"));

	/* Spaces around and between tokens do not matter. */
	assert_int_equal(parse(buf, sizeof(buf), "  clear  ", &m), 0);
	assert_string_equal(m.verb, "clear");
	assert_int_equal(m.nkv, 0);
	assert_int_equal(parse(buf, sizeof(buf), "del-dest  rip=1.2.3.4 ", &m),
	    0);
	assert_int_equal(m.nkv, 1);
	assert_string_equal(m.kv[0].val, "1.2.3.4");
}

static void
test_parse_empty(void **state)
{
	static const char *const empty[] = { "", " ", "     ", "\n", "\r\n",
	    "   \r\n" };
	char buf[UVS_CTL_LINE_MAX];
	struct uvs_ctl_msg m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		m.nkv = -1;
		assert_int_equal(parse(buf, sizeof(buf), empty[i], &m),
		    -EINVAL);
		assert_int_equal(m.nkv, 0);
	}
}

static void
test_parse_bad_token(void **state)
{
	char buf[UVS_CTL_LINE_MAX];
	struct uvs_ctl_msg m;

	(void)state;
	assert_int_equal(parse(buf, sizeof(buf), "add-service proto", &m),
	    -EINVAL);
	assert_int_equal(parse(buf, sizeof(buf),
	    "add-service proto=tcp vip 198.18.0.10", &m), -EINVAL);
	assert_int_equal(parse(buf, sizeof(buf), "add-service =x", &m),
	    -EINVAL);
	assert_int_equal(parse(buf, sizeof(buf), "add-service proto=tcp =",
	    &m), -EINVAL);

	/* An empty value is the getters' business, not the parser's. */
	assert_int_equal(parse(buf, sizeof(buf), "add-service sched=", &m), 0);
	assert_string_equal(uvs_ctl_get(&m, "sched"), "");
	/* Only the first '=' splits. */
	assert_int_equal(parse(buf, sizeof(buf), "x a==b", &m), 0);
	assert_string_equal(m.kv[0].key, "a");
	assert_string_equal(m.kv[0].val, "=b");
}

/* verb k0=0 k1=1 ... with n pairs. */
static void
many_pairs(char *buf, size_t size, int n)
{
	size_t off;
	int i;

	off = (size_t)snprintf(buf, size, "edit-dest");
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(buf + off, size - off, " k%d=%d", i, i);
	assert_true(off < size);
}

static void
test_parse_max_kv(void **state)
{
	char buf[UVS_CTL_LINE_MAX], last[16];
	struct uvs_ctl_msg m;

	(void)state;
	many_pairs(buf, sizeof(buf), UVS_CTL_MAX_KV);
	assert_int_equal(uvs_ctl_parse(buf, &m), 0);
	assert_int_equal(m.nkv, UVS_CTL_MAX_KV);
	snprintf(last, sizeof(last), "k%d", UVS_CTL_MAX_KV - 1);
	assert_string_equal(m.kv[UVS_CTL_MAX_KV - 1].key, last);
	assert_string_equal(m.kv[UVS_CTL_MAX_KV - 1].val, last + 1);

	many_pairs(buf, sizeof(buf), UVS_CTL_MAX_KV + 1);
	assert_int_equal(uvs_ctl_parse(buf, &m), -EINVAL);
	assert_true(m.nkv <= UVS_CTL_MAX_KV);
}

static void
test_parse_crlf(void **state)
{
	char buf[UVS_CTL_LINE_MAX];
	struct uvs_ctl_msg m;

	(void)state;
	assert_int_equal(parse(buf, sizeof(buf), "list\r\n", &m), 0);
	assert_string_equal(m.verb, "list");
	assert_int_equal(parse(buf, sizeof(buf),
	    "del-service proto=udp vip=198.18.0.10 vport=53\r\n", &m), 0);
	assert_int_equal(m.nkv, 3);
	assert_string_equal(uvs_ctl_get(&m, "vport"), "53");
	assert_int_equal(parse(buf, sizeof(buf), "counters\n", &m), 0);
	assert_string_equal(m.verb, "counters");
}

static void
test_get_missing(void **state)
{
	char buf[UVS_CTL_LINE_MAX];
	struct uvs_ctl_msg m;
	uint32_t u32;
	uint64_t u64;
	uint8_t proto;

	(void)state;
	assert_int_equal(parse(buf, sizeof(buf), "add-dest proto=tcp rip=1.2.3.4",
	    &m), 0);
	assert_null(uvs_ctl_get(&m, "weight"));
	assert_null(uvs_ctl_get(&m, "prot"));
	assert_null(uvs_ctl_get(&m, "protocol"));
	assert_null(uvs_ctl_get(&m, "add-dest"));
	assert_null(uvs_ctl_get(&m, "tcp"));
	assert_int_equal(uvs_ctl_get_u32(&m, "weight", 100, &u32), -ENOENT);
	assert_int_equal(uvs_ctl_get_u64(&m, "weight", &u64), -ENOENT);
	assert_int_equal(uvs_ctl_get_addr(&m, "vip", &u32), -ENOENT);
	assert_int_equal(uvs_ctl_get_proto(&m, "p", &proto), -ENOENT);
}

/* Parses "x key=<val>" and returns uvs_ctl_get_u32(key, max). */
static int
get_u32(const char *val, uint32_t max, uint32_t *out)
{
	char buf[UVS_CTL_LINE_MAX];
	struct uvs_ctl_msg m;

	snprintf(buf, sizeof(buf), "x key=%s", val);
	assert_int_equal(uvs_ctl_parse(buf, &m), 0);
	return uvs_ctl_get_u32(&m, "key", max, out);
}

static int
get_u64(const char *val, uint64_t *out)
{
	char buf[UVS_CTL_LINE_MAX];
	struct uvs_ctl_msg m;

	snprintf(buf, sizeof(buf), "x key=%s", val);
	assert_int_equal(uvs_ctl_parse(buf, &m), 0);
	return uvs_ctl_get_u64(&m, "key", out);
}

static void
test_get_u32(void **state)
{
	static const char *const bad[] = { "-1", "-0", "+5", "abc", "12abc",
	    "", "0x10", "1.5", "18446744073709551616",
	    "99999999999999999999999" };
	uint32_t v = 0;
	size_t i;

	(void)state;
	assert_int_equal(get_u32("80", 65535, &v), 0);
	assert_int_equal(v, 80);
	assert_int_equal(get_u32("0", 65535, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(get_u32("65535", 65535, &v), 0);
	assert_int_equal(v, 65535);
	assert_int_equal(get_u32("007", 65535, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(get_u32("65536", 65535, &v), -EINVAL);
	assert_int_equal(get_u32("4294967295", UINT32_MAX, &v), 0);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(get_u32("4294967296", UINT32_MAX, &v), -EINVAL);
	assert_int_equal(get_u32("18446744073709551615", UINT32_MAX, &v),
	    -EINVAL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (get_u32(bad[i], UINT32_MAX, &v) != -EINVAL)
			fail_msg("u32 \"%s\" accepted", bad[i]);
}

static void
test_get_u64(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(get_u64("18446744073709551615", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(get_u64("18446744073709551616", &v), -EINVAL);
	assert_int_equal(get_u64("-1", &v), -EINVAL);
	assert_int_equal(get_u64("", &v), -EINVAL);
	assert_int_equal(get_u64("1k", &v), -EINVAL);
}

static void
test_get_addr(void **state)
{
	static const char *const bad[] = { "300.1.1.1", "1.2.3", "1.2.3.4.5",
	    "", "a.b.c.d", "1.2.3.4/24", "::1", "256.0.0.0" };
	char buf[UVS_CTL_LINE_MAX];
	struct uvs_ctl_msg m;
	uint32_t a = 0;
	size_t i;

	(void)state;
	assert_int_equal(parse(buf, sizeof(buf), "x vip=198.18.0.10", &m), 0);
	assert_int_equal(uvs_ctl_get_addr(&m, "vip", &a), 0);
	assert_int_equal(a, htonl(0xc612000au));
	assert_int_equal(parse(buf, sizeof(buf), "x vip=255.255.255.255", &m),
	    0);
	assert_int_equal(uvs_ctl_get_addr(&m, "vip", &a), 0);
	assert_int_equal(a, 0xffffffffu);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf), "x vip=%s", bad[i]);
		assert_int_equal(uvs_ctl_parse(buf, &m), 0);
		if (uvs_ctl_get_addr(&m, "vip", &a) != -EINVAL)
			fail_msg("addr \"%s\" accepted", bad[i]);
	}
}

static void
test_get_proto(void **state)
{
	static const char *const bad[] = { "sctp", "TCP", "Udp", "", "6",
	    "tcp6", "tc" };
	char buf[UVS_CTL_LINE_MAX];
	struct uvs_ctl_msg m;
	uint8_t p = 0;
	size_t i;

	(void)state;
	assert_int_equal(parse(buf, sizeof(buf), "x proto=tcp", &m), 0);
	assert_int_equal(uvs_ctl_get_proto(&m, "proto", &p), 0);
	assert_int_equal(p, IPPROTO_TCP);
	assert_int_equal(parse(buf, sizeof(buf), "x proto=udp", &m), 0);
	assert_int_equal(uvs_ctl_get_proto(&m, "proto", &p), 0);
	assert_int_equal(p, IPPROTO_UDP);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf), "x proto=%s", bad[i]);
		assert_int_equal(uvs_ctl_parse(buf, &m), 0);
		if (uvs_ctl_get_proto(&m, "proto", &p) != -EINVAL)
			fail_msg("proto \"%s\" accepted", bad[i]);
	}
}

static void
test_socket_path(void **state)
{
	(void)state;
	assert_int_equal(setenv(UVS_CTL_SOCKET_ENV, "/tmp/uvs-test.sock", 1),
	    0);
	assert_string_equal(uvs_ctl_socket_path(), "/tmp/uvs-test.sock");
	assert_int_equal(setenv(UVS_CTL_SOCKET_ENV, "", 1), 0);
	assert_string_equal(uvs_ctl_socket_path(), UVS_CTL_SOCKET);
	assert_int_equal(unsetenv(UVS_CTL_SOCKET_ENV), 0);
	assert_string_equal(uvs_ctl_socket_path(), UVS_CTL_SOCKET);
	assert_string_equal(UVS_CTL_SOCKET, "/run/uvs/uvsd.sock");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_request),
		cmocka_unit_test(test_parse_verb_only),
		cmocka_unit_test(test_parse_empty),
		cmocka_unit_test(test_parse_bad_token),
		cmocka_unit_test(test_parse_max_kv),
		cmocka_unit_test(test_parse_crlf),
		cmocka_unit_test(test_get_missing),
		cmocka_unit_test(test_get_u32),
		cmocka_unit_test(test_get_u64),
		cmocka_unit_test(test_get_addr),
		cmocka_unit_test(test_get_proto),
		cmocka_unit_test(test_socket_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
