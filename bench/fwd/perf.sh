#!/bin/bash
# make perf: where uvsd's cycles go on the fast path. One namespace lab
# (tests/lab/lab.sh), uvsd with its default backend (the TPACKET_V2 ring,
# one worker) and a UDP service over three real servers; trafgen on the
# client sends 64-byte frames while `perf record` samples uvsd alone, in
# two scenes, each with a uvsd of its own:
#   live-1m  1 000 clients x 1 009 source ports: 1 009 000 flows, all in
#            the table (room for 2 M) after a 4 s warm-up, so every frame
#            sampled is a lookup that hits a table of a million entries
#            (issue 17's "lookup below 5 % of samples");
#   churn    100 clients x 64 512 ports: 1.6 M flows through the default
#            1 M table, so nearly every frame is a new flow taking the
#            entry of an older one (a flood's worst case).
# Prints, per scene, the frames forwarded and the flows made and
# reclaimed per second while sampled, and the functions that took 1 % or
# more of uvsd's samples (its own code and the kernel's, since sendmmsg
# and poll run in its context); writes it all to bench/out/perf.txt,
# and each scene's samples to bench/out/perf-SCENE.data.
# Bounded in time; removes the lab on exit.
#   env: PERF_TIME=S (6), UVSD_ARGS (e.g. "-j 2" or "--backend socket"),
#        PERF_SCENES="live-1m churn" (both)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
T=${PERF_TIME:-6}
OUT=${BENCH_OUT:-$ROOT/bench/out}
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: make perf needs root (network namespaces)" >&2
	exit 0
fi
for cmd in perf trafgen; do
	if ! command -v "$cmd" >/dev/null; then
		apt-get update -q >/dev/null 2>&1
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		    "$( [ "$cmd" = perf ] && echo linux-perf || echo netsniff-ng)" \
		    >/dev/null 2>&1
	fi
	command -v "$cmd" >/dev/null || { echo "perf.sh: no $cmd" >&2; exit 1; }
done
mkdir -p "$OUT"
. tests/lab/lab.sh
trap lab_down EXIT
lab_up 3
# the real servers drop the load at their door: their answers (ICMP port
# unreachable) would be charged to uvsd's core, as veth delivers in the
# sender's context
for i in 1 2 3; do
	lab_exec "rs$i" "$B/uvs-rs" --state "$LAB_DIR/rs$i.state" up "$VIP" \
		>/dev/null || exit 1
	lab_exec "rs$i" nft -f - <<EOT || exit 1
table netdev perf {
	chain in {
		type filter hook ingress device eth0 priority 0;
		udp dport 9 counter drop
	}
}
EOT
done
# scene NAME CLIENTS PORTS WARM UVSD_OPTS...: one uvsd, the load, a
# profile; its part of the report on stdout.
scene() {
	local name=$1 clients=$2 ports=$3 warm=$4 a b c d first gen i
	local f0 f1 n0 n1 r0 r1 c0 c1
	shift 4
	# without -v: one log line per new flow would be most of the profile
	LAB_UVSD_QUIET=1 lab_start_uvsd "$@" || return 1
	uvsadm -A -u "$VIP:9" -s rr
	for i in 1 2 3; do uvsadm -a -u "$VIP:9" -r "$(rs_ip "$i")" -g; done
	lab_wait_resolved || return 1
	IFS=. read -r a b c d <<<"$CLIENT_IP"
	first=$(((a << 24) | (b << 16) | (c << 8) | d))
	cat >"$LAB_DIR/trafgen.cfg" <<-EOT
	{
		eth(da=$(lab_mac d), sa=$(lab_mac c), type=0x0800),
		ipv4(saddr=dinc($first, $((first + clients - 1)), 1), daddr=$VIP, ttl=64),
		udp(sport=dinc(1024, $((1024 + ports - 1)), 1), dport=9),
		fill(0x00, 18)
	}
	EOT
	echo "perf.sh: $name: trafgen for $((T + warm + 1)) s, perf record" \
		"on uvsd for $T s after $warm s" >&2
	ip netns exec "$(lab_ns c)" taskset -c 0 timeout -s INT \
		"$((T + warm + 1))" trafgen -o eth0 -i "$LAB_DIR/trafgen.cfg" \
		-P 1 --no-sock-mem --notouch-irq -q >"$LAB_DIR/trafgen.log" 2>&1 &
	gen=$!
	LAB_PIDS+=("$gen")
	sleep "$warm"
	read -r f0 n0 r0 < <(counters)
	c0=$(cpu_ticks)
	perf record -q -F 1999 -g -p "$LAB_UVSD_PID" \
		-o "$LAB_DIR/perf.data" -- sleep "$T" >/dev/null 2>&1
	c1=$(cpu_ticks)
	read -r f1 n1 r1 < <(counters)
	wait "$gen"
	echo "# $name, uvsd ${UVSD_ARGS:-(ring, one worker)} $*:" \
		"$(((f1 - f0) / T)) frames/s forwarded, $(((n1 - n0) / T))" \
		"new flows/s, $(((r1 - r0) / T)) reclaimed/s while sampled;" \
		"uvsd's CPU: $(awk -v c="$((c1 - c0))" -v f="$((f1 - f0))" \
		    -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", f ? \
		    c / hz / f * 1e6 : 0 }') s per M frames"
	perf report -i "$LAB_DIR/perf.data" --stdio --no-children \
		--sort symbol --percent-limit 1 -g none 2>/dev/null |
		grep -v '^#' | sed '/^$/d'
	# kept for perf annotate / perf report -i
	cp "$LAB_DIR/perf.data" "$OUT/perf-$name.data"
	kill "$LAB_UVSD_PID"
	wait "$LAB_UVSD_PID" 2>/dev/null
	rm -f "$LAB_SOCK"
}

# uvsd's CPU time so far (user + system, every thread), in clock ticks:
# proc(5)'s fields 14 and 15, after the ")" that ends the command name
cpu_ticks() {
	sed 's/.*) //' "/proc/$LAB_UVSD_PID/stat" | awk '{ print $12 + $13 }'
}

# "forwarded new reclaimed", from one read of uvsd's counters
counters() {
	uvsadm --counters | awk '{ v[$1] = $2 } END {
		print v["fwd_frames"] + 0, v["conns_new"] + 0,
		    v["conns_reclaimed"] + 0 }'
}

for s in ${PERF_SCENES:-live-1m churn}; do
	case $s in
	live-1m) scene live-1m 1000 1009 4 --conn-max 2097152 ;;
	churn) scene churn 100 64512 1 ;;
	*) echo "perf.sh: no scene $s" >&2; exit 1 ;;
	esac
done | tee "$OUT/perf.txt"
exit "${PIPESTATUS[0]}"
