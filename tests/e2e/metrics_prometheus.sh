#!/bin/bash
# uvsd --metrics scraped by Debian's own Prometheus server, run in a lab
# namespace of its own (198.18.0.50), every second for 20 s while a
# client fetches through the VIP. Prometheus' HTTP API then says: every
# scrape worked, the connection counters rose as the fetches went (the
# last value is the fetch count, also per real server), health states
# and drop reasons are there, and a dashboard written for node_exporter's
# node_ipvs_* finds its series after one relabelling rule. A real server
# that stops shows DOWN with one transition, in Prometheus and in
# uvsadm -L --json. promtool checks a scrape, and fails a broken one
# (the negative control).
# run.sh: alone
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
	(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install \
		-y -q --no-install-recommends prometheus) >/dev/null 2>&1
fi
if ! command -v prometheus >/dev/null; then
	echo "SKIP: $(basename "$0"): Debian's prometheus package would not install"
	exit 77
fi
trap lab_down EXIT
lab_up 3
lab_host mon 198.18.0.50
lab_start_all_rs || exit 1
MPORT=9100
lab_start_uvsd --metrics "$DIR_IP:$MPORT" || exit 1
lab_service rr || exit 1
for i in 1 2 3; do
	uvsadm -e -t "$VIP:80" -r "$(rs_ip "$i"):80" -g --check tcp \
		--check-interval 1 || exit 1
done

# Two jobs on the same endpoint: "uvs" as it is, "dashboard" renamed to
# node_exporter's names by the rule the README gives.
cat >"$LAB_DIR/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: uvs
    static_configs:
      - targets: ['$DIR_IP:$MPORT']
  - job_name: dashboard
    static_configs:
      - targets: ['$DIR_IP:$MPORT']
    metric_relabel_configs:
      - source_labels: [__name__]
        regex: 'uvs_(ipvs_.*)'
        target_label: __name__
        replacement: 'node_\$1'
EOF
t_check "promtool accepts the Prometheus configuration" \
	promtool check config "$LAB_DIR/prometheus.yml"
lab_bg mon "$LAB_DIR/prometheus.log" prometheus \
	--config.file="$LAB_DIR/prometheus.yml" \
	--storage.tsdb.path="$LAB_DIR/tsdb" \
	--web.listen-address=127.0.0.1:9090
PROM=http://127.0.0.1:9090
for n in $(seq 100); do
	lab_exec mon curl -sf -m 1 -o /dev/null "$PROM/-/ready" && break
	sleep 0.2
done

# prom EXPR: the instant query's values, one "labels value" a line
prom() {
	lab_exec mon curl -s -m 5 -G --data-urlencode "query=$1" \
		"$PROM/api/v1/query" | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["status"] == "success", r
for s in r["data"]["result"]:
    m = s["metric"]
    print(",".join("%s=%s" % kv for kv in sorted(m.items())), s["value"][1])'
}
val() { prom "$1" | awk '{ print $NF }' | head -1; }
# Waits (bounded, 10 s) until Prometheus has a sample of EXPR.
wait_series() {
	local n
	for n in $(seq 50); do
		[ -n "$(val "$1")" ] && return 0
		sleep 0.2
	done
	return 1
}
t_check "Prometheus scrapes uvsd (up == 1)" wait_series 'up{job="uvs"} == 1'
SVC='local_address="198.18.0.10",local_port="80",proto="TCP"'
v0=$(val "uvs_ipvs_service_connections_total{$SVC}")
t0=$(date +%s)

# 20 s of traffic, bounded: at most 150 fetches, 0.1 s apart, 2 s each
fetched=0
for n in $(seq 150); do
	[ $(($(date +%s) - t0)) -ge 20 ] && break
	lab_exec c curl -s -m 2 -o /dev/null "http://$VIP/" &&
		fetched=$((fetched + 1))
	sleep 0.1
done
t1=$(date +%s)
sleep 2.5		# two more scrapes
echo "fetched $fetched in $((t1 - t0)) s; connections before: $v0"

v1=$(val "uvs_ipvs_service_connections_total{$SVC}")
t_check "the service's connections rose by the $fetched fetches ($v0 -> $v1)" \
	[ "$((v1 - v0))" = "$fetched" ]
b1=$(val "sum(uvs_ipvs_backend_connections_total{job=\"uvs\"})")
t_check "the real servers' connections add up to it ($b1)" [ "$b1" = "$v1" ]
# rose as the traffic went: the samples of the window climb in many
# steps, never down, not in one jump at the end
prom_range() {
	lab_exec mon curl -s -m 5 -G --data-urlencode "query=$1" \
		--data-urlencode "start=$t0" --data-urlencode "end=$((t1 + 2))" \
		--data-urlencode "step=1" "$PROM/api/v1/query_range" | python3 -c '
import json, sys
r = json.load(sys.stdin)
v = [int(float(x[1])) for x in r["data"]["result"][0]["values"]]
print(len(v), len(set(v)), int(all(a <= b for a, b in zip(v, v[1:]))), v[0], v[-1])'
}
read -r nsamp ndist mono first last <<<"$(prom_range "uvs_ipvs_connections_total{job=\"uvs\"}")"
echo "range: $nsamp samples, $ndist distinct values, monotonic $mono, $first -> $last"
t_check "over the 20 s the total climbed in steps ($ndist distinct of $nsamp samples, never down)" \
	all [ "$mono" = 1 ] --and [ "$ndist" -ge 10 ] --and [ "$nsamp" -ge 18 ]
pk=$(val "sum(increase(uvs_ipvs_incoming_packets_total{job=\"uvs\"}[1m]))")
t_check "packets in rose too, at least 4 a fetch ($pk)" \
	python3 -c "import sys; sys.exit(not float('$pk') >= 4 * $fetched)"
fw=$(val "uvs_frames_forwarded_total{job=\"uvs\"}")
t_check "frames forwarded are counted ($fw)" [ "${fw:-0}" -ge $((4 * fetched)) ]

# no scrape errors: every scrape in the window was up, the targets say
# no error, and none of Prometheus' own error counters moved
nscr=$(val "count_over_time(up{job=\"uvs\"}[25s])")
down=$(val "count_over_time((up{job=\"uvs\"} == 0)[25s:1s])")
t_check "about one scrape a second, all up ($nscr scrapes, ${down:-0} down)" \
	all [ "$nscr" -ge 18 ] --and [ -z "$down" ]
lab_exec mon curl -s -m 5 "$PROM/api/v1/targets" >"$LAB_DIR/targets"
t_check "both targets are up with no last error" python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))["data"]["activeTargets"]
sys.exit(not (len(t) == 2 and all(x["health"] == "up" and x["lastError"] == "" for x in t)))' "$LAB_DIR/targets"
# Prometheus' own counters of refused samples (on its /metrics)
errs=$(lab_exec mon curl -s -m 5 "$PROM/metrics" | awk '
	/^prometheus_target_scrapes_(sample_duplicate_timestamp|sample_out_of_order|sample_out_of_bounds|exceeded_sample_limit|duplicate_timestamp)_total / { n++; s += $2 }
	END { print n + 0, s + 0 }')
t_check "Prometheus refused no sample (its counters, count and sum: $errs)" \
	all [ "${errs#* }" = 0 ] --and [ "${errs% *}" -ge 4 ]

# the rest of what a dashboard shows
t_check "3 real servers UP by their checks" \
	[ "$(val "sum(uvs_health_backend_up{job=\"uvs\"})")" = 3 ]
t_check "their checks passed and never flapped" all \
	[ "$(val "sum(uvs_health_backend_checks_total{job=\"uvs\",result=\"ok\"}) > 9")" != "" ] --and \
	[ "$(val "sum(uvs_health_backend_transitions_total{job=\"uvs\"})")" = 0 ]
nreasons=$(uvsadm --counters | grep -c '^drop_')
t_check "every drop reason uvsadm --counters knows has a series ($nreasons)" \
	[ "$(val 'count(uvs_frames_dropped_total{job="uvs"})')" = "$nreasons" ]
t_check "table capacity and kernel drops are there" all \
	[ -n "$(val 'uvs_conn_table_capacity{job="uvs"} > 0')" ] --and \
	[ -n "$(val 'uvs_kernel_drops_total{job="uvs"}')" ]
# one series per worker (-j N from the suite's UVSD_ARGS, 1 without),
# summing up to the frames received
nw=1
[[ "${UVSD_ARGS:-}" =~ -j\ *([0-9]+) ]] && nw=${BASH_REMATCH[1]}
t_check "$nw worker series, adding up to the frames received" all \
	[ "$(val 'count(uvs_worker_frames_received_total{job="uvs"})')" = "$nw" ] --and \
	[ "$(val 'sum(uvs_worker_frames_received_total{job="uvs"}) - sum(uvs_frames_received_total{job="uvs"})')" = 0 ]
# a dashboard's node_exporter query, on the relabelled job
prom "node_ipvs_backend_connections_inactive{job=\"dashboard\"}" >"$LAB_DIR/dash"
cat "$LAB_DIR/dash"
t_check "node_exporter's node_ipvs_backend_* series, with its labels, after relabelling" \
	all [ "$(grep -c 'local_address=198.18.0.10,local_port=80,proto=TCP,remote_address=198.18.0.1[123],remote_port=80' "$LAB_DIR/dash")" = 3 ] --and \
	[ "$(val 'node_ipvs_connections_total{job="dashboard"}')" = "$v1" ]

# -L --json carries the same health: UP, checked, never flapped
uvsadm -L --json >"$LAB_DIR/json"
t_check "-L --json: 3 servers UP by tcp checks, last result ok, 0 transitions" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["services"][0]["dests"]
sys.exit(not (len(d) == 3 and all(x["health"]["check"] == "tcp" and
    x["health"]["state"] == "UP" and x["health"]["last_result"] == "ok" and
    x["health"]["transitions"] == 0 and x["health"]["ok"] >= 10 for x in d)))' "$LAB_DIR/json"

# rs1's server stops: its check fails, it goes DOWN (inhibited), and
# both the JSON and Prometheus say so, with one transition
kill "$(lab_httpd_pid 1)"
R1="$(rs_ip 1)"
for n in $(seq 50); do
	uvsadm -L -n --checks | grep -qE "^  -> $R1:80 +tcp +INHIBITED " && break
	sleep 0.2
done
uvsadm -L --json >"$LAB_DIR/json"
t_check "-L --json: rs1 INHIBITED, weight 0, last result failed, 1 transition" python3 -c '
import json, sys
d = [x for x in json.load(open(sys.argv[1]))["services"][0]["dests"]
     if x["address"] == sys.argv[2]][0]
h = d["health"]
sys.exit(not (h["state"] == "INHIBITED" and d["weight"] == 0 and
    h["weight"] == 1 and h["last_result"] == "failed" and
    h["transitions"] == 1 and "connect" in h["last"]))' "$LAB_DIR/json" "$R1"
RS1="remote_address=\"$R1\",job=\"uvs\""
wait_series "uvs_health_backend_up{$RS1} == 0" >/dev/null
t_check "Prometheus: rs1 down, state INHIBITED, 1 transition, weight 0" all \
	[ "$(val "uvs_health_backend_up{$RS1}")" = 0 ] --and \
	[ "$(val "uvs_health_backend_state{$RS1,state=\"INHIBITED\"}")" = 1 ] --and \
	[ "$(val "uvs_health_backend_transitions_total{$RS1}")" = 1 ] --and \
	[ "$(val "uvs_ipvs_backend_weight{$RS1}")" = 0 ]

# promtool on a scrape, and on a broken one: it must catch that
lab_exec mon curl -s -m 3 "http://$DIR_IP:$MPORT/metrics" >"$LAB_DIR/scrape"
promtool check metrics <"$LAB_DIR/scrape" >"$LAB_DIR/promtool" 2>&1
rc=$?
cat "$LAB_DIR/promtool"
t_check "promtool check metrics passes a scrape, silent (rc $rc)" \
	all [ "$rc" = 0 ] --and [ ! -s "$LAB_DIR/promtool" ]
sed 's/^uvs_conn_table_capacity /uvs_conn_table_capacity_total /; s/# TYPE uvs_kernel_drops_total counter/# TYPE uvs_kernel_drops_total gauge/' \
	"$LAB_DIR/scrape" >"$LAB_DIR/broken"
t_check "promtool check metrics fails a broken scrape (negative control)" \
	not promtool check metrics <"$LAB_DIR/broken"
t_done
