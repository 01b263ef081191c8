/*
 * libFuzzer harness for rules files (fwd/lang/rules.c): the input is the file,
 * read through fmemopen() as uvsadm -R and uvsd --rules read theirs. A
 * file that reads gives requests that pass reqcheck.h (one line each,
 * parsed by uvsd, in line order, checked as one batch on an empty table
 * as uvsd --rules does); a refused file says why and leaves nothing.
 * Lines resolve host names: fuzz_nonet() keeps that off the network.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fwd/lang/rules.h"
#include "nonet.h"
#include "reqcheck.h"

#define INPUT_MAX	(64 * 1024)

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uvs_rules r;
	char err[512];
	FILE *in;
	int status;

	if (size > INPUT_MAX)
		return 0;
	in = fuzz_file(data, size);
	err[0] = '\0';
	status = uvs_rules_read(in, &r, err, sizeof(err));
	fclose(in);
	if (status != 0) {
		if (err[0] == '\0' || r.n || r.req)
			fuzz_broken("fuzz_rules", "a refused file without why, "
			    "or with requests", err);
		return 0;
	}
	fuzz_check_requests("fuzz_rules", &r, 1);
	uvs_rules_free(&r);
	return 0;
}
