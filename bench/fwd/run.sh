#!/bin/bash
# The forwarding bench (bench/README.md, "Forwarding bench"): one
# namespace lab (tests/lab/lab.sh: client, director, three real servers,
# a bridge in its own namespace, 198.18.0.0/15), and in the same run every
# path a VIP's frames can take through the director, each set up,
# measured and torn down in turn:
#   ceiling   the client sends straight to rs1's MAC (the bridge only)
#   nft-dr    the kernel's DR: nftables netdev ingress, jhash map, fwd to
#   naive     bench/naive_fwd.c: pcap_next_ex + pcap_inject
#   haproxy   mode tcp, one thread, round robin (HTTP only)
#   uvsd-...  uvsd as built, one row per backend its --help lists
#             (socket, ring, ...), ring with -j 1 and -j 2 once uvsd has
#             -j, and the AF_XDP backend (uvsd-xdp, its one worker)
#   vips-1, vips-1000  uvsd as started by default, with 1 and with 1 000
#             VIPs in its table (the load goes to one of them)
#   flows-1m  the same uvsd, its frames/s load spread over 1 M flows, all
#             live in its table (UDP only)
# Measured: 64 B UDP frames/s (trafgen), new TCP connections/s and
# keep-alive requests/s with p50/p99 (wrk against nginx), the forwarder's
# CPU seconds per million frames. Prints progress on stderr, the table
# and ratios on stdout, writes bench/out/fwd.csv and fwd.png.
#
# env: BENCH_TIME=S seconds per load (5), BENCH_OUT=DIR (bench/out),
#      BENCH_ROUNDS=N rounds over all paths, best kept (2),
#      BENCH_PATHS="ceiling nft-dr ..." a subset, UVSD_VARIANTS="name=opts;..."
#      (e.g. "uvsd=;uvsd-j2=-j 2") instead of what uvsd --help offers,
#      LOAD_CPU=0 FWD_CPU=1 the cores of the load and of the forwarder,
#      BENCH_QUIET_WAIT=S how long to wait for idle CPUs at the start (30).
# Needs root (namespaces); without it, says so and exits 0. Never fails
# because something is slow: the numbers are for reading.

FWD_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$FWD_DIR/../.." && pwd)
cd "$ROOT" || exit 1
B=${B:-build}
T=${BENCH_TIME:-5}
ROUNDS=${BENCH_ROUNDS:-2}
OUT=${BENCH_OUT:-$ROOT/bench/out}

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: the forwarding bench needs root (network namespaces)" >&2
	exit 0
fi

# Installs what bench/fwd/packages lists and is missing (first candidate
# package that installs wins). A tool still missing only skips its loads.
fwd_deps() {
	local cmd pkgs p updated=0
	while read -r cmd pkgs; do
		case $cmd in ''|'#'*) continue ;; esac
		command -v "$cmd" >/dev/null 2>&1 && continue
		[ $updated = 1 ] || { apt-get update -q >/dev/null 2>&1; updated=1; }
		for p in $pkgs; do
			echo "bench: installing $p (for $cmd)" >&2
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$p" \
				>/dev/null 2>&1 && break
		done
		command -v "$cmd" >/dev/null 2>&1 ||
			echo "bench: no $cmd ($pkgs did not install)" >&2
	done <"$FWD_DIR/packages"
}
fwd_deps
for cmd in wrk nginx ethtool curl nft; do
	command -v "$cmd" >/dev/null 2>&1 && continue
	echo "bench: $cmd is missing; the forwarding bench cannot run" >&2
	exit 0
done
HAVE_TRAFGEN=1
command -v trafgen >/dev/null 2>&1 || HAVE_TRAFGEN=0
[ -x "$B/uvsd" ] && [ -x "$B/naive_fwd" ] ||
	make -s B="$B" all "$B/naive_fwd" || exit 1

. "$ROOT/tests/lab/lab.sh"
. "$FWD_DIR/paths.sh"
. "$FWD_DIR/load.sh"
. "$FWD_DIR/report.sh"

# uvsd's rows: what this build of uvsd offers, read from its --help.
#   --backend a|b|...  one row per backend (uvsd-socket, uvsd-ring, ...);
#                      without it, one row "uvsd" as it starts by default
#   -j N (workers)     the first backend that is not "socket" gets -j 1
#                      and -j 2 rows (uvsd-ring-j1, uvsd-ring-j2), any
#                      other such backend -j 1
#   --...xdp...        an option of its own for AF_XDP: one more row
#                      (--backend xdp: the row uvsd-xdp, one worker)
uvsd_variants() {
	local help backends b first=1 j=0 xdp
	if [ -n "${UVSD_VARIANTS+x}" ]; then
		tr ';' '\n' <<<"$UVSD_VARIANTS"
		return
	fi
	help=$("$B/uvsd" --help 2>&1)
	grep -qE -- '(^|[ ,])-j([ ,]|$)' <<<"$help" && j=1
	backends=$(grep -oE -- '--backend [a-z0-9_|-]+' <<<"$help" | head -1 |
		cut -d' ' -f2 | tr '|' ' ')
	[ -n "$backends" ] || echo "uvsd="
	# the first backend first: the others are read against it
	[[ " $backends " == *" socket "* ]] && echo "uvsd-socket=--backend socket"
	for b in $backends; do
		if [ "$b" = socket ]; then
			continue
		elif [ "$b" = xdp ]; then	# one worker: -j above 1 is refused
			echo "uvsd-xdp=--backend xdp"
		elif [ $j = 0 ]; then
			echo "uvsd-$b=--backend $b"
		elif [ $first = 1 ]; then
			echo "uvsd-$b-j1=--backend $b -j 1"
			echo "uvsd-$b-j2=--backend $b -j 2"
			first=0
		else
			echo "uvsd-$b-j1=--backend $b -j 1"
		fi
	done
	xdp=$(grep -oE -- '--[a-z-]*xdp[a-z-]*' <<<"$help" | head -1)
	[ -n "$xdp" ] && echo "uvsd-xdp=$xdp"
	return 0
}

declare -A KIND ARGS R_KFPS R_LOSS R_UTIL R_CORES R_CONN R_REQ R_P50 R_P99 R_CPU R_NOTE
PATHS=()
add_path() { PATHS+=("$1"); KIND[$1]=$2; ARGS[$1]=$3; }
add_path ceiling ceiling ""
add_path nft-dr nft ""
add_path naive naive ""
if command -v haproxy >/dev/null 2>&1; then
	add_path haproxy haproxy ""
else
	echo "bench: no haproxy, no haproxy row" >&2
fi
while IFS='=' read -r name opts; do
	[ -n "$name" ] && add_path "$name" uvsd "$opts"
done < <(uvsd_variants)
# the same uvsd with 1 and with 1 000 VIPs in its table, and with 1 M
# live flows in it (paths.sh)
add_path vips-1 uvsdvips 1
add_path vips-1000 uvsdvips 1000
add_path flows-1m uvsdflows 1000000
if [ -n "${BENCH_PATHS:-}" ]; then
	keep=()
	for p in "${PATHS[@]}"; do
		[[ " $BENCH_PATHS " == *" $p "* ]] && keep+=("$p")
	done
	PATHS=("${keep[@]}")
fi

# Progress: one line per load on stderr,
# "[k/N +m:ss r1] path  what ... result".
STEPS=0
for p in "${PATHS[@]}"; do
	[ "${KIND[$p]}" = uvsdflows ] || STEPS=$((STEPS + 2))
	[ "${KIND[$p]}" != haproxy ] && [ $HAVE_TRAFGEN = 1 ] && STEPS=$((STEPS + 1))
done
STEPS=$((STEPS * ROUNDS))
STEP=0
step() {
	local e=$(($(date +%s) - START))
	STEP=$((STEP + 1))
	printf '[%2d/%d +%d:%02d r%d] %-12s %-34s ... ' "$STEP" "$STEPS" \
		$((e / 60)) $((e % 60)) "$r" "$1" "$2" >&2
}
said() { echo "$*" >&2; }

trap lab_down EXIT
trap 'exit 130' INT TERM
echo "forwarding bench: ${#PATHS[@]} paths, rounds: $ROUNDS, ${T} s per load," \
	"$(nproc) CPUs;" \
	"load generator on CPU $LOAD_CPU, forwarder on CPU $FWD_CPU" >&2
# two cores leave no room for anything else: say so when something runs
cpu_busy() {
	local a b
	a=$(head -1 /proc/stat); sleep 1; b=$(head -1 /proc/stat)
	printf '%s\n%s\n' "$a" "$b" | awk '{ t = 0
		for (i = 2; i <= NF; i++) t += $i
		idle = $5 + $6 } NR == 1 { t0 = t; i0 = idle }
		END { printf "%.0f", 100 * (1 - (idle - i0) / (t - t0)) }'
}
# wait a little (BENCH_QUIET_WAIT s, 30) for other work to end
BUSY=$(cpu_busy)
for n in $(seq "${BENCH_QUIET_WAIT:-30}"); do
	[ "$BUSY" -lt 20 ] && break
	[ "$n" = 1 ] && echo "bench: the CPUs are ${BUSY}% busy, waiting" \
		"up to ${BENCH_QUIET_WAIT:-30} s for them to calm down" >&2
	BUSY=$(cpu_busy)
done
[ "$BUSY" -ge 20 ] && echo "bench: the CPUs are ${BUSY}% busy before we" \
	"start (something else runs): expect noisy figures" >&2
START=$(date +%s)
fwd_lab_up || { echo "bench: the lab did not come up" >&2; exit 1; }

# above A B: true when A is a figure and B is none or a smaller one.
above() { [ -n "$1" ] && awk -v a="$1" -v b="$2" 'BEGIN { exit !(b == "" || a > b) }'; }
errs() { [ "$1" = 0 ] || echo ", $1 wrk errors"; }

# gone PATH N: the path's forwarder has exited: noted, N steps skipped.
gone() {
	path_died || return 1
	R_NOTE[$1]+="its forwarder exited in round $r; "
	STEP=$((STEP + $2))
}
wrk_failed() {
	said "wrk failed: $(tail -1 "$1" | grep . || echo "no output (timed out?)")"
}

# One round of one path's loads; each figure kept if it beats the rounds
# before (with the latency and CPU of the run that set it).
measure() {
	local p=$1
	if [ "$PATH_UDP" = 1 ] && [ $HAVE_TRAFGEN = 1 ]; then
		step "$p" "64 B UDP frames/s (trafgen)"
		udp_load "$T" "$PATH_MAC" "$PATH_PID"
		above "$U_KFPS" "${R_KFPS[$p]}" &&
			R_KFPS[$p]=$U_KFPS R_LOSS[$p]=$U_LOSS R_CPU[$p]=$U_CPU \
			R_UTIL[$p]=$U_UTIL R_CORES[$p]=$PATH_CORES
		said "${U_KFPS} kfps${U_LOSS:+, ${U_LOSS}% lost}${U_CPU:+, $U_CPU cpu s/Mpkt, ${U_UTIL}% cpu}"
	fi
	gone "$p" 2 && return
	[ "$PATH_TCP" = 1 ] || return 0
	step "$p" "new TCP conn/s (Connection: close)"
	fwd_client_next_src
	if tcp_load "$T" "$PATH_URL" close; then
		above "$W_RPS" "${R_CONN[$p]}" && R_CONN[$p]=$W_RPS
		[ "$W_ERR" != 0 ] && R_NOTE[$p]+="$W_ERR wrk errors (close); "
		said "$W_RPS conn/s$(errs "$W_ERR")"
	else
		wrk_failed "$LAB_DIR/wrk.close"
	fi
	gone "$p" 1 && return
	step "$p" "keep-alive req/s, p50/p99"
	fwd_client_next_src
	if tcp_load "$T" "$PATH_URL" keepalive; then
		above "$W_RPS" "${R_REQ[$p]}" &&
			R_REQ[$p]=$W_RPS R_P50[$p]=$W_P50 R_P99[$p]=$W_P99
		[ "$W_ERR" != 0 ] && R_NOTE[$p]+="$W_ERR wrk errors (keep-alive); "
		said "$W_RPS req/s, p50 $W_P50 ms, p99 $W_P99 ms$(errs "$W_ERR")"
	else
		wrk_failed "$LAB_DIR/wrk.keepalive"
	fi
	gone "$p" 0
	return 0
}

# Rounds go over every path in turn, so a burst of other work on the
# machine costs one path one round, and the best round of each is kept.
for r in $(seq "$ROUNDS"); do
	for p in "${PATHS[@]}"; do
		# shellcheck disable=SC2086 # ARGS: uvsd options, split on purpose
		if path_up "${KIND[$p]}" ${ARGS[$p]}; then
			measure "$p"
		else
			R_NOTE[$p]+="did not come up in round $r; "
			echo "bench: $p did not come up, skipped" >&2
			STEP=$((STEP + 2 * PATH_TCP + PATH_UDP * HAVE_TRAFGEN))
		fi
		path_down
	done
done

mkdir -p "$OUT"
report_csv >"$OUT/fwd.csv"
report_png "$OUT/fwd.csv" "$OUT/fwd.png"
echo
[ "$ROUNDS" = 1 ] && echo "one round, ${T} s per load; kfps: median of 1 s counts" ||
	echo "best of $ROUNDS rounds, ${T} s per load; kfps: median of 1 s counts"
report_table
report_ratios
report_vips
report_flows
echo
[ "$BUSY" -ge 20 ] &&
	echo "note: the CPUs were ${BUSY}% busy with other work at the start"
echo "csv: $OUT/fwd.csv  chart: $OUT/fwd.png  ($(($(date +%s) - START)) s)"
exit 0
