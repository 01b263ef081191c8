/*
 * Health check configs (fwd/health/checkconf.c): the same values through the
 * three spellings (request words, back, and uvsadm options for -S),
 * seconds with decimals, the %XX escape for blanks, and the refusals of
 * incoherent checks.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fwd/health/checkconf.h"

static void
seconds(void **state)
{
	uint32_t ms;
	char buf[24];

	(void)state;
	assert_int_equal(uvs_check_secs_parse("2", 100, 86400000, &ms), 0);
	assert_int_equal(ms, 2000);
	assert_int_equal(uvs_check_secs_parse("0.25", 100, 86400000, &ms), 0);
	assert_int_equal(ms, 250);
	assert_int_equal(uvs_check_secs_parse("1.125", 100, 86400000, &ms), 0);
	assert_int_equal(ms, 1125);
	assert_int_equal(uvs_check_secs_parse("0.05", 100, 86400000, &ms),
	    -EINVAL);
	assert_int_equal(uvs_check_secs_parse("1.2345", 1, 86400000, &ms),
	    -EINVAL);
	assert_int_equal(uvs_check_secs_parse("1.", 1, 86400000, &ms), -EINVAL);
	assert_int_equal(uvs_check_secs_parse(".5", 1, 86400000, &ms), -EINVAL);
	assert_int_equal(uvs_check_secs_parse("1e3", 1, 86400000, &ms),
	    -EINVAL);
	assert_int_equal(uvs_check_secs_parse("99999999999", 1, 86400000, &ms),
	    -EINVAL);
	assert_string_equal(uvs_check_secs_fmt(2000, buf, sizeof(buf)), "2");
	assert_string_equal(uvs_check_secs_fmt(250, buf, sizeof(buf)), "0.25");
	assert_string_equal(uvs_check_secs_fmt(1125, buf, sizeof(buf)), "1.125");
}

static void
escapes(void **state)
{
	char esc[64], back[64];

	(void)state;
	assert_int_equal(uvs_check_escape("a b%c\t", esc, sizeof(esc)), 12);
	assert_string_equal(esc, "a%20b%25c%09");
	assert_int_equal(uvs_check_unescape(esc, back, sizeof(back)), 0);
	assert_string_equal(back, "a b%c\t");
	assert_int_equal(uvs_check_unescape("%2", back, sizeof(back)), -EINVAL);
	assert_int_equal(uvs_check_unescape("%zz", back, sizeof(back)),
	    -EINVAL);
	assert_int_equal(uvs_check_unescape("a%00b", back, sizeof(back)),
	    -EINVAL);
	assert_int_equal(uvs_check_unescape("abcd", back, 4), -EINVAL);
	/* cut short, but it says how long it needed */
	assert_int_equal(uvs_check_escape("a b", esc, 3), 5);
	assert_string_equal(esc, "a");
}

/* Words into a message, as uvsd parses a request. */
static int
from_words(const char *words, struct uvs_check_conf *c,
    struct uvs_vs_health *v)
{
	static char line[2048];
	struct uvs_ctl_msg m;

	snprintf(line, sizeof(line), "add-dest%s", words);
	assert_int_equal(uvs_ctl_parse(line, &m), 0);
	return v ? uvs_vs_health_from_msg(&m, v) : uvs_check_from_msg(&m, c);
}

static void
round_trip(void **state)
{
	struct uvs_check_conf c = { .type = UVS_CHECK_HTTP, .port = 8080,
	    .status = "204", .interval_ms = 1500, .rise = 2, .fall = 4,
	    .on_fail = UVS_ONFAIL_REMOVE }, back;
	char words[1024], cli[1024];

	(void)state;
	strcpy(c.path, "/health?full=1");
	strcpy(c.expect, "it's ok");
	uvs_check_finish(&c);
	assert_null(uvs_check_invalid(&c));
	uvs_check_words(&c, words, sizeof(words));
	assert_string_equal(words, " check=http check_port=8080 "
	    "check_path=/health?full=1 check_status=204 check_expect=it's%20ok "
	    "check_interval=1500 check_timeout=0 check_retry=0 check_rise=2 "
	    "check_fall=4 check_on_fail=remove");
	assert_int_equal(from_words(words, &back, NULL), 1);
	assert_memory_equal(&back, &c, sizeof(c));
	uvs_check_cli(&c, cli, sizeof(cli));
	assert_string_equal(cli, " --check http --check-port 8080 --check-path "
	    "'/health?full=1' --check-status 204 --check-expect 'it'\\''s ok' "
	    "--check-interval 1.5 --rise 2 --fall 4 --on-fail remove");
	/* ssl with a Host, a status list and two more urls */
	memset(&c, 0, sizeof(c));
	c.type = UVS_CHECK_SSL;
	strcpy(c.status, "200-299,503");
	strcpy(c.host, "www.example.org");
	assert_int_equal(uvs_check_url_parse("/mrtg/ "
	    "9b3a0c85a887a256d6939da88aabd8cd", &c.more[0]), 0);
	assert_int_equal(uvs_check_url_parse("/b 301,302", &c.more[1]), 0);
	c.nmore = 2;
	uvs_check_finish(&c);
	assert_null(uvs_check_invalid(&c));
	uvs_check_words(&c, words, sizeof(words));
	assert_string_equal(words, " check=ssl check_path=/ check_status="
	    "200-299,503 check_host=www.example.org check_url1=/mrtg/"
	    "%209b3a0c85a887a256d6939da88aabd8cd check_url2=/b%20301,302 "
	    "check_interval=5000 check_timeout=0 check_retry=0 check_rise=2 "
	    "check_fall=3 check_on_fail=inhibit");
	assert_int_equal(from_words(words, &back, NULL), 1);
	assert_memory_equal(&back, &c, sizeof(c));
	uvs_check_cli(&c, cli, sizeof(cli));
	assert_string_equal(cli, " --check ssl --check-path / --check-status "
	    "200-299,503 --check-host www.example.org --check-url '/mrtg/ "
	    "9b3a0c85a887a256d6939da88aabd8cd' --check-url '/b 301,302' "
	    "--check-interval 5 --rise 2 --fall 3 --on-fail inhibit");
	/* no check words: nothing said */
	assert_int_equal(from_words(" rip=1.2.3.4", &back, NULL), 0);
	assert_int_equal(from_words(" check=none", &back, NULL), 1);
	assert_int_equal(back.type, UVS_CHECK_NONE);
}

static void
status_lists(void **state)
{
	struct uvs_check_url u;

	(void)state;
	assert_true(uvs_check_status_valid(""));
	assert_true(uvs_check_status_valid("200"));
	assert_true(uvs_check_status_valid("200-299,400-499,503,505"));
	assert_false(uvs_check_status_valid("200-"));
	assert_false(uvs_check_status_valid("299-200"));
	assert_false(uvs_check_status_valid("99"));
	assert_false(uvs_check_status_valid("200,,201"));
	assert_false(uvs_check_status_valid("200 201"));
	assert_false(uvs_check_status_valid("600"));
	assert_true(uvs_check_status_match("", 204));
	assert_false(uvs_check_status_match("", 301));
	assert_true(uvs_check_status_match("200-299,400-499,503", 404));
	assert_true(uvs_check_status_match("200-299,400-499,503", 503));
	assert_false(uvs_check_status_match("200-299,400-499,503", 504));
	assert_false(uvs_check_status_match("200-299,400-499,503", 301));
	/* a url's text: a path, then an MD5 and a status list in any order */
	assert_int_equal(uvs_check_url_parse("/x 204 "
	    "9B3A0C85A887A256D6939DA88AABD8CD", &u), 0);
	assert_string_equal(u.status, "204");
	assert_int_equal(uvs_check_url_parse("x", &u), -EINVAL);
	assert_int_equal(uvs_check_url_parse("/x 700", &u), -EINVAL);
	assert_int_equal(uvs_check_url_parse("/x 200 201", &u), -EINVAL);
	assert_int_equal(uvs_check_url_parse("", &u), -EINVAL);
}

static void
defaults_and_refusals(void **state)
{
	struct uvs_check_conf c = { .type = UVS_CHECK_TCP };

	(void)state;
	uvs_check_finish(&c);
	assert_int_equal(c.interval_ms, UVS_CHECK_INTERVAL_MS);
	assert_int_equal(uvs_check_timeout(&c), UVS_CHECK_TIMEOUT_MAX_MS);
	c.interval_ms = 1000;
	assert_int_equal(uvs_check_timeout(&c), 1000);
	assert_int_equal(uvs_check_retry(&c), 1000);
	assert_int_equal(c.rise, UVS_CHECK_RISE);
	assert_int_equal(c.fall, UVS_CHECK_FALL);
	assert_null(uvs_check_invalid(&c));
	strcpy(c.path, "/");
	assert_non_null(strstr(uvs_check_invalid(&c), "only for --check http"));
	c.path[0] = '\0';
	c.type = UVS_CHECK_CMD;
	assert_non_null(strstr(uvs_check_invalid(&c), "needs --check-cmd"));
	strcpy(c.cmd, "true");
	c.port = 80;
	assert_non_null(strstr(uvs_check_invalid(&c), "--check-port is not for"));
	c.port = 0;
	assert_null(uvs_check_invalid(&c));
	c.type = UVS_CHECK_HTTP;
	c.cmd[0] = '\0';
	strcpy(c.path, "no-slash");
	assert_non_null(strstr(uvs_check_invalid(&c), "must start with '/'"));
	/* words that do not hold together are malformed requests */
	assert_int_equal(from_words(" check=cmd", &c, NULL), -EINVAL);
	assert_int_equal(from_words(" check=tcp check_path=/", &c, NULL),
	    -EINVAL);
	assert_int_equal(from_words(" check=dns", &c, NULL), -EINVAL);
	assert_int_equal(from_words(" check=udp check_payload=0", &c, NULL),
	    -EINVAL);
	assert_int_equal(from_words(" check=udp check_reply=2", &c, NULL),
	    -EINVAL);
	assert_int_equal(from_words(" check=tcp check_helo=x", &c, NULL),
	    -EINVAL);
	/* the new kinds' words come back as they went */
	assert_int_equal(from_words(" check=udp check_payload=00ff check_reply=1",
	    &c, NULL), 1);
	assert_int_equal(c.type, UVS_CHECK_UDP);
	assert_string_equal(c.payload, "00ff");
	assert_int_equal(c.reply, 1);
	assert_int_equal(from_words(" check=smtp check_helo=mx.example",
	    &c, NULL), 1);
	assert_int_equal(c.type, UVS_CHECK_SMTP);
	assert_string_equal(c.helo, "mx.example");
	assert_int_equal(from_words(" check=ping", &c, NULL), 1);
	assert_int_equal(from_words(" check=ssl check_path=/x", &c, NULL), 1);
	assert_int_equal(c.type, UVS_CHECK_SSL);
	assert_int_equal(from_words(" check=tcp check_rise=0", &c, NULL), 1);
	assert_int_equal(c.rise, UVS_CHECK_RISE);
	assert_int_equal(from_words(" check=tcp check_fall=101", &c, NULL),
	    -EINVAL);
	assert_int_equal(from_words(" check=tcp check_interval=5", &c, NULL),
	    -EINVAL);
}

static void
service_health(void **state)
{
	struct uvs_vs_health v = { .quorum = 3, .hysteresis = 1 }, back;
	char words[128], cli[128];

	(void)state;
	inet_pton(AF_INET, "198.18.0.14", &v.sorry);
	uvs_vs_health_words(&v, words, sizeof(words));
	assert_string_equal(words, " sorry=198.18.0.14 quorum=3 hysteresis=1");
	assert_int_equal(from_words(words, NULL, &back), 1);
	assert_memory_equal(&back, &v, sizeof(v));
	uvs_vs_health_cli(&v, cli, sizeof(cli));
	assert_string_equal(cli, " --sorry-server 198.18.0.14 --quorum 3 "
	    "--hysteresis 1");
	assert_int_equal(from_words(" sorry=none", NULL, &back), 1);
	assert_true(uvs_vs_health_is_default(&back));
	uvs_vs_health_cli(&back, cli, sizeof(cli));
	assert_string_equal(cli, "");
	assert_int_equal(from_words(" quorum=x", NULL, &back), -EINVAL);
	assert_int_equal(from_words(" sorry=0.0.0.0", NULL, &back), -EINVAL);
	assert_int_equal(from_words("", NULL, &back), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seconds),
		cmocka_unit_test(escapes),
		cmocka_unit_test(round_trip),
		cmocka_unit_test(status_lists),
		cmocka_unit_test(defaults_and_refusals),
		cmocka_unit_test(service_health),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
