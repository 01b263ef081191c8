/*
 * Health probes (fwd/health/probe.c) against a server on the loopback that this
 * test plays itself, one connection at a time: the request a check sends,
 * the statuses, bodies, digests and texts it accepts or refuses, answers
 * cut short, a refused connection, and commands that pass, fail, print
 * and overrun their timeout (then killed and collected).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "fwd/health/probe.h"

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A listening socket on 127.0.0.1, its port in *port. */
static int
listener(uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static char request[1024];

/*
 * Runs check c against a server that answers `response` (NULL: accepts
 * and says nothing) to the first request. Returns the probe's result.
 */
static int
run_http(const struct uvs_check_conf *c, const char *response, char *why)
{
	struct uvs_probe_target t = { .rip = htonl(INADDR_LOOPBACK) };
	struct uvs_probe p;
	int lfd = listener(&t.port), cfd = -1, n, done, rounds = 0;

	request[0] = '\0';
	done = uvs_probe_start(&p, c, &t, now_ms());
	while (!done && rounds++ < 2000) {
		struct pollfd pfd[2] = {
			{ .fd = p.fd, .events = uvs_probe_events(&p) },
			{ .fd = cfd >= 0 ? cfd : lfd, .events = POLLIN },
		};

		poll(pfd, 2, 10);
		if (cfd < 0 && (pfd[1].revents & POLLIN))
			cfd = accept(lfd, NULL, NULL);
		else if (cfd >= 0 && (pfd[1].revents & POLLIN) &&
		    !request[0]) {
			n = (int)read(cfd, request, sizeof(request) - 1);
			request[n > 0 ? n : 0] = '\0';
			if (response) {
				assert_int_equal(write(cfd, response,
				    strlen(response)), (int)strlen(response));
				close(cfd);
				cfd = -2;	/* answered */
			}
		}
		done = uvs_probe_step(&p, pfd[0].revents, now_ms());
	}
	assert_true(done);
	if (cfd >= 0)
		close(cfd);
	close(lfd);
	strcpy(why, p.why);
	return p.ok;
}

static struct uvs_check_conf
http(const char *path)
{
	struct uvs_check_conf c = { .type = UVS_CHECK_HTTP,
	    .interval_ms = 1000, .timeout_ms = 500 };

	snprintf(c.path, sizeof(c.path), "%s", path);
	uvs_check_finish(&c);
	return c;
}

static void
http_status(void **state)
{
	struct uvs_check_conf c = http("/health");
	char why[UVS_PROBE_WHY_MAX];

	(void)state;
	assert_true(run_http(&c, "HTTP/1.0 204 No Content\r\n\r\n", why));
	assert_string_equal(why, "HTTP 204");
	assert_non_null(strstr(request, "GET /health HTTP/1.0\r\n"));
	assert_non_null(strstr(request, "\r\nHost: 127.0.0.1:"));
	assert_false(run_http(&c, "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n"
	    "\r\n", why));
	assert_string_equal(why, "HTTP 503, not 2xx");
	c.status = 301;
	assert_true(run_http(&c, "HTTP/1.1 301 Moved\n\n", why));
	assert_false(run_http(&c, "HTTP/1.1 200 OK\r\n\r\n", why));
	assert_string_equal(why, "HTTP 200, not 301");
	assert_false(run_http(&c, "SSH-2.0-OpenSSH\r\n\r\n", why));
	assert_string_equal(why, "not an HTTP response");
	assert_false(run_http(&c, "HTTP/1.1 200", why));
	assert_string_equal(why, "closed before a whole response header");
}

static void
http_body(void **state)
{
	struct uvs_check_conf c = http("/");
	char why[UVS_PROBE_WHY_MAX];

	(void)state;
	/* md5("rs1\n") */
	strcpy(c.digest, "7a6c0d2ef5a9e6e1776090916c66ba3a");
	strcpy(c.expect, "rs1");
	assert_true(run_http(&c, "HTTP/1.0 200 OK\r\nContent-Length: 4\r\n"
	    "\r\nrs1\n", why));
	/* until EOF when there is no length */
	assert_true(run_http(&c, "HTTP/1.0 200 OK\r\n\r\nrs1\n", why));
	assert_false(run_http(&c, "HTTP/1.0 200 OK\r\n\r\nrs2\n", why));
	assert_string_equal(why, "HTTP 200, body MD5 f1743bfe... is not "
	    "7a6c0d2e...");
	c.digest[0] = '\0';
	strcpy(c.expect, "all good");
	assert_false(run_http(&c, "HTTP/1.0 200 OK\r\n\r\nall is good\n", why));
	assert_string_equal(why, "HTTP 200, body lacks 'all good'");
	assert_true(run_http(&c, "HTTP/1.0 200 OK\r\n\r\nit is all good\n",
	    why));
}

static void
http_silence_and_refusal(void **state)
{
	struct uvs_check_conf c = http("/");
	struct uvs_probe_target t = { .rip = htonl(INADDR_LOOPBACK) };
	struct uvs_probe p;
	char why[UVS_PROBE_WHY_MAX];
	int fd;

	(void)state;
	assert_false(run_http(&c, NULL, why));
	assert_string_equal(why, "timeout after 0.5 s (waiting for the "
	    "response)");
	/* a port nobody listens on: refused at once or at the next step */
	fd = listener(&t.port);
	close(fd);
	c.type = UVS_CHECK_TCP;
	c.path[0] = '\0';
	if (!uvs_probe_start(&p, &c, &t, now_ms())) {
		struct pollfd pfd = { .fd = p.fd, .events = POLLOUT };

		assert_int_equal(poll(&pfd, 1, 1000), 1);
		assert_true(uvs_probe_step(&p, pfd.revents, now_ms()));
	}
	assert_false(p.ok);
	assert_string_equal(p.why, "connect: Connection refused");
}

/* Runs a command check to its end (a REAPING child collected too). */
static int
run_cmd(const char *cmd, uint32_t timeout_ms, char *why)
{
	struct uvs_check_conf c = { .type = UVS_CHECK_CMD,
	    .interval_ms = 1000, .timeout_ms = timeout_ms };
	struct uvs_probe_target t = { .rip = htonl(INADDR_LOOPBACK),
	    .port = 80 };
	struct uvs_probe p;
	int done, ok, rounds = 0;

	snprintf(c.cmd, sizeof(c.cmd), "%s", cmd);
	uvs_check_finish(&c);
	done = uvs_probe_start(&p, &c, &t, now_ms());
	while (!done && rounds++ < 500) {
		struct pollfd pfd = { .fd = p.fd,
		    .events = uvs_probe_events(&p) };

		poll(&pfd, p.fd >= 0 ? 1 : 0, 10);
		done = uvs_probe_step(&p, pfd.revents, now_ms());
	}
	assert_true(done);
	ok = p.ok;
	strcpy(why, p.why);
	for (rounds = 0; uvs_probe_busy(&p) && rounds < 500; rounds++) {
		usleep(10000);
		uvs_probe_step(&p, 0, now_ms());
	}
	assert_false(uvs_probe_busy(&p));
	return ok;
}

static void
commands(void **state)
{
	char why[UVS_PROBE_WHY_MAX];

	(void)state;
	assert_true(run_cmd("test \"$UVS_RIP:$UVS_RPORT\" = 127.0.0.1:80", 2000,
	    why));
	assert_string_equal(why, "exit 0");
	assert_false(run_cmd("echo busy now; echo more; exit 3", 2000, why));
	assert_string_equal(why, "exit 3: busy now");
	assert_false(run_cmd("kill -9 $$", 2000, why));
	assert_string_equal(why, "killed by signal 9");
	/* overruns: killed with what it started, then collected */
	assert_false(run_cmd("sleep 5 & sleep 5", 200, why));
	assert_string_equal(why, "timeout after 0.2 s (killed)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(http_status),
		cmocka_unit_test(http_body),
		cmocka_unit_test(http_silence_and_refusal),
		cmocka_unit_test(commands),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
