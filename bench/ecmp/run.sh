#!/bin/bash
# The ECMP scale-out bench (issue 15, part 3): new TCP connections/s
# through 1, 2 and 3 directors behind one router, in one run, on the lab
# of tests/lab/ecmp.sh (bird2 router, directors with uvsd and bird2, three
# real servers running nginx). For each count the first K directors
# announce the VIP (all three uvsd run throughout), and wrk, one thread,
# 32 connections, "Connection: close", runs for BENCH_TIME s from a new
# client address (the real servers' TIME_WAITs from the run before must
# not meet the same ports).
#
# Printed, and written to bench/out/ecmp.csv: connections/s, its ratio to
# one director, each director's share of the new flows, and the CPU that
# all uvsd together spent per connection (user + system, microseconds).
# On two cores the client, the router, nginx and the directors share the
# same two CPUs, so the ratio cannot go far above 1: the point is that
# adding directors costs nothing per connection and spreads the work.
#
# env: BENCH_TIME=S (5), BENCH_ROUNDS=N rounds, best kept (2),
# BENCH_OUT=DIR (bench/out). Needs root and bird2;
# without them it says SKIP and exits 0. Never fails because something
# is slow: the numbers are for reading.

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
B=${B:-build}
T=${BENCH_TIME:-5}
ROUNDS=${BENCH_ROUNDS:-2}
OUT=${BENCH_OUT:-$ROOT/bench/out}

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: the ECMP bench needs root (network namespaces)" >&2
	exit 0
fi
for c in bird wrk nginx; do
	command -v "$c" >/dev/null || {
		echo "SKIP: the ECMP bench needs $c (make deps, bench/fwd/packages)" >&2
		exit 0
	}
done

. tests/lab/lab.sh
. tests/lab/ecmp.sh
. bench/fwd/load.sh
. bench/fwd/paths.sh
trap lab_down EXIT
mkdir -p "$OUT"

# Real server i: nginx on :80 in place of the lab's Python server.
rs_nginx() {
	lab_stop_httpd "$1"
	fwd_nginx_up "$1"
}

# uvsd's CPU seconds, all three directors together.
uvsd_cpu() {
	local i s=0 c
	for i in 1 2 3; do
		c=$(cpu_of "$(ecmp_uvsd_pid "$i")")
		s=$(awk -v a="$s" -v b="${c:-0}" 'BEGIN { print a + b }')
	done
	echo "$s"
}

echo "ecmp bench: building the lab" >&2
ecmp_up 3 3 || exit 1
for i in 1 2 3; do
	sleep 0.3 # the Python server's port is free once it is gone
	rs_nginx "$i"
done
for i in 1 2 3; do lab_wait_port "rs$i" 80 || exit 1; done
lab_exec c sysctl -qw net.ipv4.tcp_tw_reuse=1
LAB_UVSD_QUIET=1
for i in 1 2 3; do
	ecmp_rules mh >"$LAB_DIR/rules.mh"
	ecmp_uvsd "$i" --sloppy-tcp --rules "$LAB_DIR/rules.mh" || exit 1
done

# announce K: exactly directors 1..K announce the VIP.
announce() {
	local i
	for i in 1 2 3; do
		if [ "$i" -le "$1" ]; then
			[ -n "$(eval "echo \${ECMP_BIRD_PID_d$i:-}")" ] ||
				ecmp_announce "$i"
		else
			ecmp_withdraw "$i"
		fi
	done
	ecmp_wait_nexthops "$1"
}

# measure K ADDR: one wrk run through K directors from client address
# ADDR; sets RPS, US (uvsd CPU us per connection), SHARES, ERR.
measure() {
	local k=$1 a=$2 before after c0 c1 conns
	announce "$k" || exit 1
	lab_exec c ip addr add "$a/24" dev eth0
	lab_exec c ip route replace default via "$ECMP_RTR_CLI" src "$a"
	lab_exec c curl -s -m 2 -o /dev/null "http://$ECMP_VIP/"
	before=$(for i in 1 2 3; do ecmp_counter "$i" conns_new; done)
	c0=$(uvsd_cpu)
	echo "ecmp bench: $k director(s), ${T} s of new connections" >&2
	tcp_load "$T" "http://$ECMP_VIP/" close || {
		echo "wrk failed" >&2
		cat "$LAB_DIR/wrk.close" >&2
		exit 1
	}
	c1=$(uvsd_cpu)
	after=$(for i in 1 2 3; do ecmp_counter "$i" conns_new; done)
	SHARES=$(paste <(echo "$before") <(echo "$after") |
		awk '{ d = $2 - $1; t += d; v[NR] = d }
		    END { for (i = 1; i <= NR; i++)
			printf "%sd%d %.0f%%", (i > 1 ? " " : ""), i, t ? 100 * v[i] / t : 0 }')
	conns=$(paste <(echo "$before") <(echo "$after") |
		awk '{ t += $2 - $1 } END { print t }')
	RPS=$W_RPS ERR=$W_ERR
	US=$(awk -v a="$c0" -v b="$c1" -v n="$conns" \
		'BEGIN { printf "%.1f", n ? 1e6 * (b - a) / n : 0 }')
}

# BENCH_ROUNDS rounds over 1, 2, 3 directors; each count keeps its best
# round (a moment of another load on the machine costs one round, not
# the figure). Each run speaks from a new client address (see above).
n=0
for r in $(seq 1 "$ROUNDS"); do
	for k in 1 2 3; do
		n=$((n + 1))
		measure "$k" "198.19.1.$((100 + n))"
		if [ -z "${best_rps[k]:-}" ] || [ "$RPS" -gt "${best_rps[k]}" ]; then
			best_rps[k]=$RPS best_us[k]=$US best_sh[k]=$SHARES
			best_err[k]=$ERR
		fi
	done
done

csv=$OUT/ecmp.csv
echo "directors,conn_per_s,ratio_to_1,uvsd_cpu_us_per_conn,shares" >"$csv"
printf '%-9s %9s %8s %16s  %s\n' directors conn/s "vs 1" "uvsd CPU us/conn" \
	"new flows per director"
for k in 1 2 3; do
	ratio=$(awk -v a="${best_rps[$k]}" -v b="${best_rps[1]}" \
		'BEGIN { printf "%.2f", b ? a / b : 0 }')
	printf '%-9s %9s %8s %16s  %s%s\n' "$k" "${best_rps[$k]}" "${ratio}x" \
		"${best_us[$k]}" "${best_sh[$k]}" \
		"$([ "${best_err[$k]}" = 0 ] || echo " (${best_err[$k]} wrk errors)")"
	echo "$k,${best_rps[$k]},$ratio,${best_us[$k]},${best_sh[$k]}" >>"$csv"
done
echo "(written to $csv)" >&2
