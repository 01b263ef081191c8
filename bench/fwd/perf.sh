#!/bin/bash
# make perf: where uvsd's cycles go on the fast path. One namespace lab
# (tests/lab/lab.sh), uvsd with its default backend (the TPACKET_V2 ring,
# one worker) and a UDP service over three real servers; trafgen on the
# client sends 64-byte frames from 100 client addresses for PERF_TIME + 2
# seconds while `perf record` samples uvsd alone. Prints the functions
# that took 1 % or more of uvsd's samples (its own code and the kernel's,
# since sendmmsg and poll run in its context) and writes the report to
# bench/out/perf.txt. Bounded in time; removes the lab on exit.
#   env: PERF_TIME=S (6), UVSD_ARGS (e.g. "-j 2" or "--backend socket")
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
# without -v: one log line per new flow would be most of the profile
LAB_UVSD_QUIET=1 lab_start_uvsd || exit 1
uvsadm -A -u "$VIP:9" -s rr
for i in 1 2 3; do uvsadm -a -u "$VIP:9" -r "$(rs_ip "$i")" -g; done
lab_wait_resolved || exit 1

IFS=. read -r a b c d <<<"$CLIENT_IP"
first=$(((a << 24) | (b << 16) | (c << 8) | d))
cat >"$LAB_DIR/trafgen.cfg" <<EOT
{
	eth(da=$(lab_mac d), sa=$(lab_mac c), type=0x0800),
	ipv4(saddr=dinc($first, $((first + 99)), 1), daddr=$VIP, ttl=64),
	udp(sport=dinc(1024, 65535, 1), dport=9),
	fill(0x00, 18)
}
EOT
echo "perf.sh: trafgen for $((T + 2)) s, perf record on uvsd for $T s" >&2
ip netns exec "$(lab_ns c)" taskset -c 0 timeout -s INT "$((T + 2))" \
	trafgen -o eth0 -i "$LAB_DIR/trafgen.cfg" -P 1 --no-sock-mem \
	--notouch-irq -q >"$LAB_DIR/trafgen.log" 2>&1 &
gen=$!
LAB_PIDS+=("$gen")
sleep 1
before=$(lab_counter fwd_frames)
perf record -q -F 1999 -g -p "$LAB_UVSD_PID" -o "$LAB_DIR/perf.data" \
	-- sleep "$T" >/dev/null 2>&1
after=$(lab_counter fwd_frames)
wait "$gen"
{
	echo "# uvsd ${UVSD_ARGS:-(ring, one worker)}: $(((after - before) / T)) frames/s forwarded while sampled"
	perf report -i "$LAB_DIR/perf.data" --stdio --no-children \
		--sort symbol --percent-limit 1 -g none 2>/dev/null |
		grep -v '^#' | sed '/^$/d'
} | tee "$OUT/perf.txt"
