/*
 * libFuzzer harness for the metrics endpoint's request judge
 * (fwd/control/metrics_http.c uvs_metrics_http_parse): any bytes as what
 * a scraper sent, fed as the server feeds them, a growing prefix at a
 * time. Besides ASan/UBSan's checks it holds the judge to the promise
 * that bounds a hostile client: every answer is one the server knows,
 * and a full buffer always gets an answer, never a wait for more.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fwd/control/metrics_http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[UVS_METRICS_REQ_MAX];
	size_t len, step;
	int a, head;

	if (size > sizeof(buf))
		size = sizeof(buf);
	memcpy(buf, data, size);
	/* reads of varying sizes, as the network cuts them */
	step = size ? (size_t)data[0] % 64 + 1 : 1;
	for (len = 0;; len += step) {
		if (len > size)
			len = size;
		a = uvs_metrics_http_parse(buf, len, &head);
		if (a != -EAGAIN && (a < 0 || a >= UVS_METRICS_ANSWERS))
			abort();
		if (a == -EAGAIN && len == sizeof(buf))
			abort();
		if (a != -EAGAIN || len == size)
			break;
	}
	return 0;
}
