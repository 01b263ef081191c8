/*
 * libFuzzer harness for the keepalived.conf reader (fwd/health/keepalived.c):
 * the input is the file, read through fmemopen() as uvsd
 * --keepalived-conf reads it. A file that reads gives requests that pass
 * reqcheck.h (one line each, parsed by uvsd, in line order, checked as
 * one batch on an empty table) and counts that agree with them; a refused
 * file names itself and a line, and leaves nothing behind. The reader
 * goes through uvsadm's parser, which may look names up: fuzz_nonet()
 * keeps that off the network.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fwd/lang/ipvsargs.h"
#include "fwd/health/keepalived.h"
#include "nonet.h"
#include "reqcheck.h"

#define INPUT_MAX	(64 * 1024)

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Skipped blocks are logged: the line must be a terminated string. */
static void
log_line(void *arg, const char *line)
{
	(void)arg;
	if (strlen(line) > 4096)
		fuzz_broken("fuzz_keepalived", "an endless log line", "");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uvs_keepalived_info info;
	struct uvs_rules r;
	unsigned i, adds = 0, dests = 0;
	char err[512];
	FILE *in;
	int status;

	if (size > INPUT_MAX)
		return 0;
	in = fuzz_file(data, size);
	memset(&info, 0, sizeof(info));
	err[0] = '\0';
	status = uvs_keepalived_read(in, "fuzz", &r, &info, err, sizeof(err),
	    log_line, NULL);
	fclose(in);
	if (status != 0) {
		if (strncmp(err, "fuzz:", 5) != 0 || r.n || r.req)
			fuzz_broken("fuzz_keepalived", "a refused file without "
			    "its name and why, or with requests", err);
		return 0;
	}
	for (i = 0; i < r.n; i++) {
		adds += r.cmd[i] == CMD_ADD;
		dests += r.cmd[i] == CMD_ADDDEST;
	}
	if (adds != info.services || adds + dests != r.n)
		fuzz_broken("fuzz_keepalived", "the counts are not the "
		    "requests", "");
	fuzz_check_requests("fuzz_keepalived", &r, 0);
	uvs_rules_free(&r);
	return 0;
}
