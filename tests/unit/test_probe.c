/*
 * Health probes (fwd/health/probe.c) against a server on the loopback that this
 * test plays itself, one connection at a time: the request a check sends,
 * the statuses, bodies, digests and texts it accepts or refuses, answers
 * cut short, a refused connection, and commands that pass, fail, print
 * and overrun their timeout (then killed and collected); an SMTP
 * dialogue, UDP datagrams answered, ignored and refused, and an ICMP
 * echo to the loopback (as root). The same servers on ::1 prove the
 * probes over IPv6: the harness plays the family in `fam`.
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

/* The family the servers and targets below use: AF_INET or AF_INET6. */
static int fam = AF_INET;

/* The loopback of fam as a probe's target (127.0.0.1 or ::1). */
static struct uvs_probe_target
loop_target(uint16_t port)
{
	struct uvs_probe_target t = { .af = fam, .port = port };

	if (fam == AF_INET6)
		t.rip.in6 = in6addr_loopback;
	else
		t.rip = uvs_inaddr4(htonl(INADDR_LOOPBACK));
	return t;
}

/* A socket of type bound to fam's loopback, its port in *port. */
static int
loop_socket(int type, uint16_t *port)
{
	union {
		struct sockaddr		 sa;
		struct sockaddr_in	 in;
		struct sockaddr_in6	 in6;
	} a = { 0 };
	socklen_t len = fam == AF_INET6 ? sizeof(a.in6) : sizeof(a.in);
	int fd = socket(fam, type, 0);

	if (fam == AF_INET6) {
		a.in6.sin6_family = AF_INET6;
		a.in6.sin6_addr = in6addr_loopback;
	} else {
		a.in.sin_family = AF_INET;
		a.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	}
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, &a.sa, len), 0);
	assert_int_equal(getsockname(fd, &a.sa, &len), 0);
	*port = ntohs(fam == AF_INET6 ? a.in6.sin6_port : a.in.sin_port);
	return fd;
}

/* A listening socket on the loopback, its port in *port. */
static int
listener(uint16_t *port)
{
	int fd = loop_socket(SOCK_STREAM, port);

	assert_int_equal(listen(fd, 4), 0);
	return fd;
}

static char request[1024];

/*
 * Runs check c against a server that answers `response` (NULL: accepts
 * and says nothing) to the request of each connection; the requests
 * land in request[] one after the other. Returns the probe's result.
 */
static int
run_http(const struct uvs_check_conf *c, const char *response, char *why)
{
	struct uvs_probe_target t = loop_target(0);
	struct uvs_probe p;
	int lfd = listener(&t.port), cfd = -1, n, done, rounds = 0, fresh = 0;
	size_t rlen = 0;

	request[0] = '\0';
	done = uvs_probe_start(&p, c, &t, now_ms());
	while (!done && rounds++ < 2000) {
		struct pollfd pfd[2] = {
			{ .fd = p.fd, .events = uvs_probe_events(&p) },
			{ .fd = cfd >= 0 ? cfd : lfd, .events = POLLIN },
		};

		poll(pfd, 2, 10);
		if (cfd < 0 && (pfd[1].revents & POLLIN)) {
			cfd = accept(lfd, NULL, NULL);
			fresh = 1;
		} else if (cfd >= 0 && (pfd[1].revents & POLLIN) && fresh) {
			fresh = 0;
			n = (int)read(cfd, request + rlen,
			    sizeof(request) - 1 - rlen);
			rlen += n > 0 ? (size_t)n : 0;
			request[rlen] = '\0';
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
	strcpy(c.status, "301");
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
	struct uvs_probe_target t = loop_target(0);
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
	struct uvs_probe_target t = loop_target(80);
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

/*
 * An SMTP check against a server that greets with `greeting` and answers
 * HELO with `helo_reply`; what the server read lands in request[].
 */
static int
run_smtp(const char *greeting, const char *helo_reply, char *why)
{
	struct uvs_check_conf c = { .type = UVS_CHECK_SMTP,
	    .interval_ms = 1000, .timeout_ms = 500 };
	struct uvs_probe_target t = loop_target(0);
	struct uvs_probe p;
	int lfd = listener(&t.port), cfd = -1, done, rounds = 0, n;
	size_t got = 0;

	uvs_check_finish(&c);
	request[0] = '\0';
	done = uvs_probe_start(&p, &c, &t, now_ms());
	while (!done && rounds++ < 2000) {
		struct pollfd pfd[2] = {
			{ .fd = p.fd, .events = uvs_probe_events(&p) },
			{ .fd = cfd >= 0 ? cfd : lfd, .events = POLLIN },
		};

		poll(pfd, 2, 10);
		if (cfd < 0 && (pfd[1].revents & POLLIN)) {
			cfd = accept(lfd, NULL, NULL);
			assert_true(write(cfd, greeting, strlen(greeting)) > 0);
		} else if (cfd >= 0 && (pfd[1].revents & POLLIN)) {
			n = (int)read(cfd, request + got,
			    sizeof(request) - 1 - got);
			got += n > 0 ? (size_t)n : 0;
			request[got] = '\0';
			if (n > 0 && strncmp(request + got - (size_t)n, "HELO", 4)
			    == 0 && helo_reply[0])
				assert_true(write(cfd, helo_reply,
				    strlen(helo_reply)) > 0);
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

static void
smtp_dialogue(void **state)
{
	char why[UVS_PROBE_WHY_MAX];

	(void)state;
	assert_true(run_smtp("220-mx ESMTP\r\n220 ready\r\n", "250 mx\r\n",
	    why));
	assert_string_equal(why, "SMTP 250 to HELO");
	assert_non_null(strstr(request, "HELO smtpchecker.keepalived.org\r\n"));
	assert_false(run_smtp("554 go away\r\n", "250 mx\r\n", why));
	assert_string_equal(why, "SMTP 554 to the connection, not 220");
	assert_false(run_smtp("220 mx\r\n", "502 no\r\n", why));
	assert_string_equal(why, "SMTP 502 to HELO, not 250");
	assert_false(run_smtp("220 mx\r\n", "", why));
	assert_string_equal(why, "timeout after 0.5 s (waiting for the "
	    "response)");
}

/* A UDP socket on the loopback, its port in *port. */
static int
udp_socket(uint16_t *port)
{
	return loop_socket(SOCK_DGRAM, port);
}

/* A udp (or ping) check; the server on sfd echoes when echo is set. */
static int
run_dgram(struct uvs_check_conf *c, uint16_t port, int sfd, int echo,
    char *why, ssize_t *seen)
{
	struct uvs_probe_target t = loop_target(port);
	struct uvs_probe p;
	int done, rounds = 0;
	char buf[512];

	uvs_check_finish(c);
	*seen = -1;
	done = uvs_probe_start(&p, c, &t, now_ms());
	while (!done && rounds++ < 2000) {
		struct pollfd pfd[2] = {
			{ .fd = p.fd, .events = uvs_probe_events(&p) },
			{ .fd = sfd, .events = POLLIN },
		};
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);

		poll(pfd, sfd >= 0 ? 2 : 1, 10);
		if (sfd >= 0 && (pfd[1].revents & POLLIN)) {
			*seen = recvfrom(sfd, buf, sizeof(buf), 0,
			    (struct sockaddr *)&from, &flen);
			if (echo && *seen >= 0)
				sendto(sfd, buf, (size_t)*seen, 0,
				    (struct sockaddr *)&from, flen);
		}
		done = uvs_probe_step(&p, pfd[0].revents, now_ms());
	}
	assert_true(done);
	strcpy(why, p.why);
	return p.ok;
}

static void
udp_datagrams(void **state)
{
	struct uvs_check_conf c = { .type = UVS_CHECK_UDP,
	    .interval_ms = 1000, .timeout_ms = 300 };
	char why[UVS_PROBE_WHY_MAX];
	uint16_t port;
	ssize_t seen;
	int fd;

	(void)state;
	/* nobody there: the ICMP port unreachable fails it */
	close(fd = udp_socket(&port));
	assert_false(run_dgram(&c, port, -1, 0, why, &seen));
	assert_string_equal(why, "ICMP port unreachable");
	/* someone there who says nothing: keepalived's pass */
	fd = udp_socket(&port);
	assert_true(run_dgram(&c, port, fd, 0, why, &seen));
	assert_string_equal(why, "no ICMP error in 0.3 s");
	assert_int_equal(seen, UVS_CHECK_UDP_DEFAULT_LEN);
	/* ... but not when an answer is required */
	c.reply = 1;
	assert_false(run_dgram(&c, port, fd, 0, why, &seen));
	assert_string_equal(why, "no UDP answer in 0.3 s");
	strcpy(c.payload, "0a0b0c");
	assert_true(run_dgram(&c, port, fd, 1, why, &seen));
	assert_string_equal(why, "UDP answer of 3 bytes");
	assert_int_equal(seen, 3);
	close(fd);
}

static void
ping_loopback(void **state)
{
	struct uvs_check_conf c = { .type = UVS_CHECK_PING,
	    .interval_ms = 1000, .timeout_ms = 500 };
	char why[UVS_PROBE_WHY_MAX];
	ssize_t seen;

	(void)state;
	if (geteuid() != 0)
		skip();		/* a raw ICMP socket needs root */
	assert_true(run_dgram(&c, 0, -1, 0, why, &seen));
	assert_string_equal(why, "echo reply");
}

/* Several urls: each on its own connection, all must pass. */
static void
http_urls_status_host(void **state)
{
	struct uvs_check_conf c = http("/a");
	char why[UVS_PROBE_WHY_MAX];

	(void)state;
	strcpy(c.host, "www.example.org");
	strcpy(c.status, "200-299,404");
	assert_int_equal(uvs_check_url_parse("/b "
	    "7a6c0d2ef5a9e6e1776090916c66ba3a", &c.more[0]), 0);
	assert_int_equal(uvs_check_url_parse("/c 200", &c.more[1]), 0);
	c.nmore = 2;
	assert_true(run_http(&c, "HTTP/1.0 200 OK\r\n\r\nrs1\n", why));
	assert_string_equal(why, "HTTP 200 on 3 urls");
	assert_non_null(strstr(request, "GET /a HTTP/1.0\r\nHost: "
	    "www.example.org\r\n"));
	assert_non_null(strstr(request, "GET /b HTTP/1.0\r\n"));
	assert_non_null(strstr(request, "GET /c HTTP/1.0\r\n"));
	/* the second url's digest differs: the check fails, naming it */
	assert_false(run_http(&c, "HTTP/1.0 200 OK\r\n\r\nrs2\n", why));
	assert_string_equal(why, "/b: HTTP 200, body MD5 f1743bfe... is not "
	    "7a6c0d2e...");
	assert_null(strstr(request, "GET /c "));
	/* 404 is in the first and second urls' lists, not in the third's */
	c.more[0].digest[0] = '\0';
	strcpy(c.more[0].status, "404");
	assert_false(run_http(&c, "HTTP/1.0 404 Gone\r\n\r\n", why));
	assert_string_equal(why, "/c: HTTP 404, not 200");
	c.nmore = 0;
	assert_true(run_http(&c, "HTTP/1.0 404 Gone\r\n\r\n", why));
	assert_false(run_http(&c, "HTTP/1.0 500 Oops\r\n\r\n", why));
	assert_string_equal(why, "HTTP 500, not 200-299,404");
}

/*
 * The probes over IPv6, against the same servers on ::1: a TCP connect
 * (and its refusal), an HTTP GET whose Host brackets the address, UDP
 * answered and refused (ICMPv6 port unreachable), a command that sees
 * the v6 address, and an ICMPv6 echo (as root).
 */
static void
v6_probes(void **state)
{
	struct uvs_check_conf c = http("/");
	struct uvs_check_conf u = { .type = UVS_CHECK_UDP,
	    .interval_ms = 1000, .timeout_ms = 300, .reply = 1 };
	struct uvs_check_conf ping = { .type = UVS_CHECK_PING,
	    .interval_ms = 1000, .timeout_ms = 500 };
	char why[UVS_PROBE_WHY_MAX], host[64];
	uint16_t port;
	ssize_t seen;
	int fd;

	(void)state;
	fam = AF_INET6;
	assert_true(run_http(&c, "HTTP/1.0 200 OK\r\n\r\n", why));
	assert_string_equal(why, "HTTP 200");
	snprintf(host, sizeof(host), "Host: [::1]:");
	assert_non_null(strstr(request, host));
	http_silence_and_refusal(state);	/* TCP refused on ::1 */
	close(fd = udp_socket(&port));
	assert_false(run_dgram(&u, port, -1, 0, why, &seen));
	assert_string_equal(why, "ICMP port unreachable");
	fd = udp_socket(&port);
	assert_true(run_dgram(&u, port, fd, 1, why, &seen));
	assert_string_equal(why, "UDP answer of 32 bytes");
	close(fd);
	assert_true(run_cmd("test \"$UVS_RIP:$UVS_RPORT\" = ::1:80", 2000,
	    why));
	assert_false(run_cmd("test \"$UVS_RIP\" = 127.0.0.1", 2000, why));
	if (geteuid() == 0) {	/* a raw ICMPv6 socket needs root */
		assert_true(run_dgram(&ping, 0, -1, 0, why, &seen));
		assert_string_equal(why, "echo reply");
	}
	fam = AF_INET;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(http_status),
		cmocka_unit_test(http_body),
		cmocka_unit_test(http_urls_status_host),
		cmocka_unit_test(http_silence_and_refusal),
		cmocka_unit_test(commands),
		cmocka_unit_test(smtp_dialogue),
		cmocka_unit_test(udp_datagrams),
		cmocka_unit_test(ping_loopback),
		cmocka_unit_test(v6_probes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
