/*
 * The metrics endpoint's pure parts (fwd/control/metrics.c and the
 * request judge of metrics_http.c): snapshots made up here go through
 * the exposition writer, whose text is checked line by line against the
 * format's rules (a HELP and TYPE once per family, its samples right
 * after, counters named _total) and for the figures; then the requests
 * a scraper, a browser or a hostile client sends get their answers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fwd/control/metrics.h"
#include "fwd/control/metrics_http.h"
#include "fwd/data/drop.h"

static uint32_t
addr(const char *s)
{
	uint32_t a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

/* Service i on 198.18.0.10:(80 + i) with n servers 198.18.x.y:80. */
static void
add_svc(struct uvs_metrics_snap *s, unsigned i, unsigned n)
{
	struct uvs_metrics_svc *sv = uvs_metrics_snap_svc(s);
	char a[32];
	unsigned k;

	assert_non_null(sv);
	sv->proto = i % 2 ? IPPROTO_UDP : IPPROTO_TCP;
	sv->af = AF_INET;
	sv->vip = uvs_inaddr4(addr("198.18.0.10"));
	sv->vport = (uint16_t)(80 + i);
	sv->conns = 10 * (i + 1);
	sv->inpkts = 100 * (i + 1);
	sv->inbytes = 1000 * (i + 1);
	for (k = 0; k < n; k++) {
		struct uvs_metrics_dest *x = uvs_metrics_snap_dest(s);

		assert_non_null(x);
		snprintf(a, sizeof(a), "198.18.%u.%u", 1 + k / 200,
		    11 + k % 200);
		x->rip = uvs_inaddr4(addr(a));
		x->rport = 80;
		x->weight = k + 1;
		x->active = 2 * k;
		x->inactive = 3 * k;
		x->conns = 7;
		/* sv may have moved: the array grew */
		s->svcs[s->nsvcs - 1].ndests++;
	}
}

/*
 * The text format's rules a scraper relies on: every sample's family
 * was declared by one HELP and one TYPE just before its samples, no
 * family comes twice, counters end in _total and gauges do not, every
 * sample line is NAME[{labels}] VALUE. Returns the number of samples.
 */
static unsigned
check_format(const char *text)
{
	char *copy = strdup(text), *line, *save = NULL;
	char fam[128] = "", seen[256][128];
	unsigned nseen = 0, samples = 0, i;
	int typed = 0;

	assert_non_null(copy);
	assert_true(text[0] && text[strlen(text) - 1] == '\n');
	for (line = strtok_r(copy, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		char name[128], type[16], *sp;
		size_t nl;

		if (sscanf(line, "# HELP %127s ", name) == 1) {
			for (i = 0; i < nseen; i++)
				assert_string_not_equal(seen[i], name);
			assert_true(nseen < 256);
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", name);
			snprintf(fam, sizeof(fam), "%s", name);
			typed = 0;
			continue;
		}
		if (sscanf(line, "# TYPE %127s %15s", name, type) == 2) {
			assert_string_equal(name, fam);
			nl = strlen(name);
			if (strcmp(type, "counter") == 0)
				assert_true(nl > 6 &&
				    strcmp(name + nl - 6, "_total") == 0);
			else {
				assert_string_equal(type, "gauge");
				assert_false(nl > 6 &&
				    strcmp(name + nl - 6, "_total") == 0);
			}
			typed = 1;
			continue;
		}
		assert_true(line[0] != '#');
		assert_true(typed);
		nl = strlen(fam);
		assert_int_equal(strncmp(line, fam, nl), 0);
		assert_true(line[nl] == '{' || line[nl] == ' ');
		if (line[nl] == '{')
			assert_non_null(strstr(line, "} "));
		assert_non_null(sp = strrchr(line, ' '));
		assert_true(sp[1] >= '0' && sp[1] <= '9');
		samples++;
	}
	free(copy);
	return samples;
}

static char *
render(const struct uvs_metrics_snap *s, const struct uvs_metrics_self *self)
{
	struct uvs_metrics_buf b = { 0 };

	assert_int_equal(uvs_metrics_write(&b, s, self), 0);
	assert_non_null(b.p);
	assert_int_equal(strlen(b.p), b.len);
	return b.p;
}

static void
has(const char *text, const char *line)
{
	char want[1024];

	snprintf(want, sizeof(want), "\n%s\n", line);
	if (!strstr(text, want))
		fail_msg("missing line: %s", line);
}

#define BACKEND(rip) "{local_address=\"198.18.0.10\",local_port=\"80\"," \
	"remote_address=\"" rip "\",remote_port=\"80\",proto=\"TCP\"}"

/* node_exporter's names and labels, our sums, every drop reason. */
static void
figures_and_labels(void **state)
{
	struct uvs_metrics_snap s = { 0 };
	struct uvs_metrics_self self = { 0 };
	char line[256], *t;
	unsigned i;

	(void)state;
	add_svc(&s, 0, 2);
	add_svc(&s, 1, 1);
	s.st.rx_frames = 12345;
	s.st.rx_kernel_drops = 17;
	for (i = 1; i < UVS_DROP_MAX; i++)
		s.st.drops[i] = 1000 + i;
	s.conns = 42;
	s.capacity = 1048576;
	self.answers[UVS_METRICS_OK] = 3;
	self.answers[UVS_METRICS_TIMEOUT] = 1;
	t = render(&s, &self);
	check_format(t);
	has(t, "uvs_ipvs_connections_total 30");
	has(t, "uvs_ipvs_incoming_packets_total 300");
	has(t, "uvs_ipvs_incoming_bytes_total 3000");
	has(t, "uvs_ipvs_outgoing_packets_total 0");
	has(t, "uvs_ipvs_backend_connections_active" BACKEND("198.18.1.12")
	    " 2");
	has(t, "uvs_ipvs_backend_connections_inactive" BACKEND("198.18.1.12")
	    " 3");
	has(t, "uvs_ipvs_backend_weight" BACKEND("198.18.1.11") " 1");
	has(t, "uvs_ipvs_backend_connections_total" BACKEND("198.18.1.11")
	    " 7");
	has(t, "uvs_ipvs_service_incoming_packets_total{local_address="
	    "\"198.18.0.10\",local_port=\"81\",proto=\"UDP\"} 200");
	has(t, "uvs_frames_received_total 12345");
	has(t, "uvs_kernel_drops_total 17");
	has(t, "uvs_conn_table_entries 42");
	has(t, "uvs_conn_table_capacity 1048576");
	for (i = 1; i < UVS_DROP_MAX; i++) {
		snprintf(line, sizeof(line), "uvs_frames_dropped_total{reason="
		    "\"%s\"} %u", uvs_drop_name((enum uvs_drop)i), 1000 + i);
		has(t, line);
	}
	has(t, "uvs_metrics_answers_total{code=\"200\"} 3");
	has(t, "uvs_metrics_answers_total{code=\"408\"} 1");
	/* no workers, no health engine: no family for them, not even empty */
	assert_null(strstr(t, "uvs_worker_frames_received_total"));
	assert_null(strstr(t, "uvs_health_"));
	free(t);
	uvs_metrics_snap_free(&s);
}

/* -j: one series per worker; health: states as a state set. */
static void
workers_and_health(void **state)
{
	struct uvs_metrics_snap s = { 0 };
	struct uvs_metrics_self self = { 0 };
	char *t;

	(void)state;
	add_svc(&s, 0, 3);
	s.nworkers = 2;
	s.worker_rx[0] = 5;
	s.worker_rx[1] = 6;
	s.has_health = 1;
	s.hc.checks_ok = 9;
	s.hc.dests_down = 1;
	s.dests[0].has_health = 1;
	s.dests[0].h = (struct uvs_health_dest_info){ .state = "INHIBITED",
	    .down = 1, .ok = 4, .failed = 5, .transitions = 3,
	    .result = UVS_HEALTH_RESULT_FAILED };
	s.dests[2].has_health = 1;
	s.dests[2].h = (struct uvs_health_dest_info){ .sorry = 1,
	    .state = "STANDBY" };
	s.svcs[0].has_health = 1;
	s.svcs[0].h = (struct uvs_health_svc_info){ .quorum_up = 1,
	    .has_sorry = 1 };
	t = render(&s, &self);
	check_format(t);
	has(t, "uvs_worker_frames_received_total{worker=\"0\"} 5");
	has(t, "uvs_worker_frames_received_total{worker=\"1\"} 6");
	has(t, "uvs_health_backend_up" BACKEND("198.18.1.11") " 0");
	has(t, "uvs_health_backend_transitions_total" BACKEND("198.18.1.11")
	    " 3");
	has(t, "uvs_health_backend_state{local_address=\"198.18.0.10\","
	    "local_port=\"80\",remote_address=\"198.18.1.11\",remote_port="
	    "\"80\",proto=\"TCP\",state=\"INHIBITED\"} 1");
	has(t, "uvs_health_backend_state{local_address=\"198.18.0.10\","
	    "local_port=\"80\",remote_address=\"198.18.1.11\",remote_port="
	    "\"80\",proto=\"TCP\",state=\"UP\"} 0");
	has(t, "uvs_health_backend_checks_total{local_address=\"198.18.0.10\","
	    "local_port=\"80\",remote_address=\"198.18.1.11\",remote_port="
	    "\"80\",proto=\"TCP\",result=\"failed\"} 5");
	/* the sorry server: a state, no check figures */
	has(t, "uvs_health_backend_state{local_address=\"198.18.0.10\","
	    "local_port=\"80\",remote_address=\"198.18.1.13\",remote_port="
	    "\"80\",proto=\"TCP\",state=\"STANDBY\"} 1");
	assert_null(strstr(t, "uvs_health_backend_up" BACKEND("198.18.1.13")));
	/* the unchecked server is in no health family */
	assert_null(strstr(t, "state\"" BACKEND("198.18.1.12")));
	assert_null(strstr(t, "uvs_health_backend_up" BACKEND("198.18.1.12")));
	has(t, "uvs_health_service_quorum_up{local_address=\"198.18.0.10\","
	    "local_port=\"80\",proto=\"TCP\"} 1");
	has(t, "uvs_health_service_sorry_serving{local_address=\"198.18.0.10\","
	    "local_port=\"80\",proto=\"TCP\"} 0");
	has(t, "uvs_health_checks_total{result=\"ok\"} 9");
	has(t, "uvs_health_backends_down 1");
	free(t);
	uvs_metrics_snap_free(&s);
}

/*
 * A big table: 200 services of 50 servers (10000 servers) each give
 * their series in every family, the buffer grows past its first size,
 * and the snapshot arrays grow without losing an entry.
 */
static void
large_table(void **state)
{
	struct uvs_metrics_snap s = { 0 };
	struct uvs_metrics_self self = { 0 };
	unsigned i, n = 0;
	const char *p;
	char *t;

	(void)state;
	for (i = 0; i < 200; i++)
		add_svc(&s, i, 50);
	assert_int_equal(s.ndests, 10000);
	t = render(&s, &self);
	/* 7 backend families, 3 service ones, 5 totals, the rest fixed */
	assert_true(check_format(t) > 7 * 10000 + 3 * 200 + 5);
	for (p = t; (p = strstr(p, "\nuvs_ipvs_backend_weight{")); p++)
		n++;
	assert_int_equal(n, 10000);
	has(t, "uvs_ipvs_connections_total 201000");	/* 10 * (1..200) */
	free(t);
	/* the same snapshot reused: collect starts it over, no leak */
	s.nsvcs = s.ndests = 0;
	add_svc(&s, 0, 1);
	t = render(&s, &self);
	has(t, "uvs_ipvs_connections_total 10");
	free(t);
	uvs_metrics_snap_free(&s);
}

static void
buf_grows(void **state)
{
	struct uvs_metrics_buf b = { 0 };
	char big[10000];
	int i;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (i = 0; i < 3; i++)
		assert_int_equal(uvs_metrics_buf_printf(&b, "%s|", big), 0);
	assert_int_equal(b.len, 3 * sizeof(big));
	assert_int_equal(strlen(b.p), b.len);
	assert_true(b.cap > b.len);
	uvs_metrics_buf_free(&b);
	assert_null(b.p);
}

static int
judge(const char *req, int *head)
{
	return uvs_metrics_http_parse(req, strlen(req), head);
}

/* What each request gets: a scrape, HEAD, other paths and methods. */
static void
requests(void **state)
{
	int head;

	(void)state;
	assert_int_equal(judge("GET /metrics HTTP/1.1\r\nHost: a\r\n"
	    "Accept: text/plain\r\nX-Prometheus-Scrape-Timeout-Seconds: 10"
	    "\r\n\r\n", &head), UVS_METRICS_OK);
	assert_int_equal(head, 0);
	assert_int_equal(judge("HEAD /metrics HTTP/1.0\r\n\r\n", &head),
	    UVS_METRICS_OK);
	assert_int_equal(head, 1);
	assert_int_equal(judge("GET /metrics?name[]=x HTTP/1.1\n\n", &head),
	    UVS_METRICS_OK);
	assert_int_equal(judge("GET / HTTP/1.1\r\n\r\n", &head),
	    UVS_METRICS_NOT_FOUND);
	assert_int_equal(judge("GET /metricsx HTTP/1.1\r\n\r\n", &head),
	    UVS_METRICS_NOT_FOUND);
	assert_int_equal(judge("POST /metrics HTTP/1.1\r\n\r\n", &head),
	    UVS_METRICS_BAD_METHOD);
	/* not complete yet: wait for more */
	assert_int_equal(judge("", &head), -EAGAIN);
	assert_int_equal(judge("GET /metr", &head), -EAGAIN);
	assert_int_equal(judge("GET /metrics HTTP/1.1\r\nHost: a\r\n", &head),
	    -EAGAIN);
}

/* Garbage is answered as soon as its first line ends, or the buffer. */
static void
bad_requests(void **state)
{
	char big[UVS_METRICS_REQ_MAX + 1];
	const char *const bad[] = {
		"\x16\x03\x01\x02\x01\x01\xfc\x03\x03\n",	/* TLS hello */
		"hello\r\n",
		"GET  /metrics HTTP/1.1\r\n\r\n",
		"GET /metrics HTTP/2.0\r\n\r\n",
		"GET http://x/metrics HTTP/1.1\r\n\r\n",
		"GET /metrics\r\n\r\n",
		"G(T /metrics HTTP/1.1\r\n\r\n",
		"GET /met\x01rics HTTP/1.1\r\n\r\n",
	};
	size_t i;
	int head;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (judge(bad[i], &head) != UVS_METRICS_BAD_REQUEST)
			fail_msg("request %zu not refused as bad", i);
	/* a NUL anywhere, even before the line ends */
	assert_int_equal(uvs_metrics_http_parse("GET \0/", 6, &head),
	    UVS_METRICS_BAD_REQUEST);
	/* a full buffer without a line end */
	memset(big, 'A', sizeof(big));
	assert_int_equal(uvs_metrics_http_parse(big, UVS_METRICS_REQ_MAX,
	    &head), UVS_METRICS_BAD_REQUEST);
	/* a good line, then headers that never end within the buffer */
	memcpy(big, "GET /metrics HTTP/1.1\r\n", 23);
	for (i = 23; i + 1 < UVS_METRICS_REQ_MAX; i += 2)
		memcpy(big + i, "a:", 2);
	assert_int_equal(uvs_metrics_http_parse(big, UVS_METRICS_REQ_MAX,
	    &head), UVS_METRICS_TOO_LARGE);
	assert_int_equal(uvs_metrics_http_parse(big, UVS_METRICS_REQ_MAX - 1,
	    &head), -EAGAIN);
}

/* --metrics ADDR:PORT, checked before uvsd opens anything */
static void
listen_addresses(void **state)
{
	const char *const bad[] = {
		"", "9100", ":", ":0", ":65536", ":91x", "198.18.0.2",
		"198.18.0.2:", "198.18.0.256:9100", "localhost:9100",
		"[::1]:9100", "198.18.0.2:-1", "198.18.0.2: 9100",
	};
	struct sockaddr_in sin;
	size_t i;

	(void)state;
	assert_int_equal(uvs_metrics_parse_addr("198.18.0.2:9100", &sin), 0);
	assert_int_equal(sin.sin_addr.s_addr, addr("198.18.0.2"));
	assert_int_equal(ntohs(sin.sin_port), 9100);
	assert_int_equal(uvs_metrics_parse_addr(":65535", &sin), 0);
	assert_int_equal(sin.sin_addr.s_addr, INADDR_ANY);
	assert_int_equal(ntohs(sin.sin_port), 65535);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (uvs_metrics_parse_addr(bad[i], &sin) != -EINVAL)
			fail_msg("'%s' taken as an address", bad[i]);
}

static void
statuses(void **state)
{
	(void)state;
	assert_string_equal(uvs_metrics_answer_status(UVS_METRICS_OK),
	    "200 OK");
	assert_string_equal(uvs_metrics_answer_status(UVS_METRICS_TIMEOUT),
	    "408 Request Timeout");
	assert_string_equal(uvs_metrics_answer_status(UVS_METRICS_BUSY),
	    "503 Service Unavailable");
	assert_string_equal(uvs_metrics_answer_status(UVS_METRICS_ANSWERS),
	    "500 Internal Server Error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(figures_and_labels),
		cmocka_unit_test(workers_and_health),
		cmocka_unit_test(large_table),
		cmocka_unit_test(buf_grows),
		cmocka_unit_test(requests),
		cmocka_unit_test(bad_requests),
		cmocka_unit_test(listen_addresses),
		cmocka_unit_test(statuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
