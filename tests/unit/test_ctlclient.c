/*
 * The control client's streaming reader (fwd/lang/ctlclient.c,
 * uvs_ctl_transact_lines): a reply far larger than the 16 MiB a whole
 * reply may take passes line by line; the status line is not handed
 * out but decoded; a reply cut short, or with an overlong line, is an
 * error. A forked child plays uvsd on a socketpair.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "fwd/lang/ctlclient.h"
#include "fwd/lang/ctlmsg.h"

enum reply_kind { R_MANY, R_ERROR, R_CUT, R_LONG };

/* The child: reads the request line, writes the reply, exits. */
static void
play_uvsd(int fd, enum reply_kind kind, unsigned nlines)
{
	char line[2 * UVS_CTL_LINE_MAX], req[256];
	FILE *out = fdopen(fd, "w");
	unsigned i;

	if (read(fd, req, sizeof(req)) <= 0 || !out)
		_exit(1);
	if (kind == R_LONG) {
		memset(line, 'x', sizeof(line) - 1);
		line[sizeof(line) - 1] = '\0';
		fprintf(out, "conn %s\nok\n", line);
	} else if (kind == R_ERROR)
		fputs("error 3 No such service\n", out);
	else {
		for (i = 0; i < nlines; i++)
			fprintf(out, "conn n=%u pad=%0100u\n", i, i);
		if (kind == R_MANY)
			fputs("ok\n", out);
	}
	fclose(out);
	_exit(0);
}

struct seen {
	unsigned	 n;
	int		 in_order;
};

static int
count_line(void *arg, char *line)
{
	struct seen *s = arg;
	unsigned v;

	if (sscanf(line, "conn n=%u", &v) != 1 || v != s->n)
		s->in_order = 0;
	s->n++;
	return 0;
}

static int
run(enum reply_kind kind, unsigned nlines, struct seen *s, int *err,
    char *msg, size_t msgsize)
{
	int sv[2], rc, status;
	pid_t pid;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		close(sv[0]);
		play_uvsd(sv[1], kind, nlines);
	}
	close(sv[1]);
	*s = (struct seen){ 0, 1 };
	*err = -1;
	rc = uvs_ctl_transact_lines(sv[0], "conns", count_line, s, err, msg,
	    msgsize);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return rc;
}

/* 200 000 lines of ~120 bytes: past the whole-reply cap of 16 MiB. */
static void
a_reply_past_the_cap_streams(void **state)
{
	struct seen s;
	char msg[64];
	int err;

	(void)state;
	assert_int_equal(run(R_MANY, 200000, &s, &err, msg, sizeof(msg)), 0);
	assert_int_equal(err, 0);
	assert_int_equal(s.n, 200000);
	assert_true(s.in_order);
}

static void
an_error_reply_is_decoded(void **state)
{
	struct seen s;
	char msg[64];
	int err;

	(void)state;
	assert_int_equal(run(R_ERROR, 0, &s, &err, msg, sizeof(msg)), 0);
	assert_int_equal(err, 3);
	assert_string_equal(msg, "No such service");
	assert_int_equal(s.n, 0);
}

static void
a_reply_without_status_is_refused(void **state)
{
	struct seen s;
	char msg[64];
	int err;

	(void)state;
	assert_int_equal(run(R_CUT, 1000, &s, &err, msg, sizeof(msg)),
	    -EPROTO);
}

static void
an_overlong_line_is_refused(void **state)
{
	struct seen s;
	char msg[64];
	int err;

	(void)state;
	assert_int_equal(run(R_LONG, 0, &s, &err, msg, sizeof(msg)),
	    -EMSGSIZE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_reply_past_the_cap_streams),
		cmocka_unit_test(an_error_reply_is_decoded),
		cmocka_unit_test(a_reply_without_status_is_refused),
		cmocka_unit_test(an_overlong_line_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
