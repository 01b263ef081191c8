# The forwarding bench's loads (sourced by run.sh). Each runs for a fixed
# time and stops by itself (timeout around it as well), from the client
# namespace, pinned to CPU 0 (LOAD_CPU) so the load generator costs every
# path the same core. Results go into the caller's variables named below.

LOAD_CPU=${LOAD_CPU:-0}
CLK_TCK=$(getconf CLK_TCK)

# Frames the bridge has handed the director and the real servers (their
# ports' tx): one read in one namespace, so the counters are taken
# together. Prints "to-director to-real-servers".
bridge_frames() {
	lab_exec br sh -c 'cd /sys/class/net &&
		cat p-d/statistics/tx_packets p-rs*/statistics/tx_packets' |
		awk 'NR == 1 { d = $1; next } { s += $1 } END { print d + 0, s + 0 }'
}

now() { date +%s.%N; }

# CPU seconds (user + system, every thread) a process has used so far.
cpu_of() {
	[ -n "$1" ] && [ -r "/proc/$1/stat" ] || { echo; return; }
	# fields after the ")" that ends the command name: 12 and 13 are
	# utime and stime (proc(5) fields 14 and 15)
	sed 's/.*) //' "/proc/$1/stat" |
		awk -v hz="$CLK_TCK" '{ printf "%.3f\n", ($12 + $13) / hz }'
}

# trafgen's frame: clients to VIP:9 at the path's MAC, from UDP_CLIENTS
# addresses (198.18.0.100 on, the client's first) and UDP_PORTS source
# ports, both counting up every frame: many clients with many flows, as
# a director sees them, so uvsd's workers, which split the load by client
# address, have something to split (no replies: the real servers drop
# these frames). UDP_PORTS is a prime, so the pairs repeat only after
# UDP_CLIENTS x UDP_PORTS = 64100 flows: all known after the warm-up,
# and far below uvsd's connection table (1 M): a flow per frame would
# fill it in seconds, and the bench would measure its "table full" drops
# (and lock the TCP loads out for UDP's 300 s timeout).
# A path may ask for other counts (PATH_CLIENTS, PATH_PORTS: paths.sh's
# flows-1m), with the same rule: the ports' count a prime.
UDP_CLIENTS=100
UDP_PORTS=641
trafgen_conf() {
	local a b c d first
	local clients=${PATH_CLIENTS:-$UDP_CLIENTS} ports=${PATH_PORTS:-$UDP_PORTS}
	IFS=. read -r a b c d <<<"$CLIENT_IP"
	first=$(((a << 24) | (b << 16) | (c << 8) | d))
	cat <<-EOT
	{
		eth(da=$1, sa=$MAC_C, type=0x0800),
		ipv4(saddr=dinc($first, $((first + clients - 1)), 1), daddr=$VIP, ttl=64),
		udp(sport=dinc(1024, $((1024 + ports - 1)), 1), dport=$UDP_PORT),
		fill(0x00, $TRAFGEN_PAYLOAD)
	}
	EOT
}

# udp_load SECONDS MAC PID: trafgen sends as fast as one core can for
# SECONDS + PATH_WARM (1); after that warm-up the frames reaching the real servers
# are counted every second. Sets U_KFPS, the median of those one-second
# rates (a moment of other work on the machine moves one second, not the
# figure), U_LOSS (the share of the frames the director got and did not
# pass on, empty when the path has no director), U_CPU (CPU seconds of
# PID per million frames forwarded) and U_UTIL (PID's CPU time over the
# counted seconds, % of one core; both empty without PID).
udp_load() {
	local t=$1 mac=$2 pid=$3 cfg=$LAB_DIR/trafgen.cfg gen k d c
	local samples=$LAB_DIR/udp.samples
	U_KFPS= U_LOSS= U_CPU= U_UTIL=
	trafgen_conf "$mac" >"$cfg"
	ip netns exec "$(lab_ns c)" taskset -c "$LOAD_CPU" \
		timeout -s INT "$((t + ${PATH_WARM:-1}))" trafgen -o eth0 -i "$cfg" -P 1 \
		--no-sock-mem --notouch-irq -C >"$LAB_DIR/trafgen.log" 2>&1 &
	gen=$!
	LAB_PIDS+=("$gen")
	sleep "${PATH_WARM:-1}"
	: >"$samples"
	for k in $(seq 0 "$((t - 1))"); do
		[ "$k" = 0 ] || sleep 1
		read -r d c < <(bridge_frames)
		echo "$(now) $d $c $(cpu_of "$pid")" >>"$samples"
	done
	bench_stop "$gen"
	# one line: kfps (median) lost% cpu-s/Mpkt cpu% (the last 3 may be -)
	read -r U_KFPS U_LOSS U_CPU U_UTIL < <(awk '
		NR > 1 { r[++n] = ($3 - c) / ($1 - t) / 1000 }
		NR == 1 { t0 = $1; d0 = $2; c0 = $3; p0 = $4 }
		{ t = $1; d = $2; c = $3; p = $4 }
		END {
			for (i = 2; i <= n; i++)	# insertion sort: n is SECONDS - 1
				for (j = i; j > 1 && r[j - 1] > r[j]; j--) {
					x = r[j]; r[j] = r[j - 1]; r[j - 1] = x
				}
			m = n % 2 ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2
			l = "-"
			if (d > d0) {	# frames in flight can make it a hair < 0
				l = 100 * ((d - d0) - (c - c0)) / (d - d0)
				l = sprintf("%.1f", l < 0 ? 0 : l)
			}
			u = "-"; b = "-"
			if (p0 != "" && c > c0) {
				u = sprintf("%.2f", (p - p0) / ((c - c0) / 1e6))
				b = sprintf("%.0f", 100 * (p - p0) / (t - t0))
			}
			printf "%.1f %s %s %s\n", m, l, u, b
		}' "$samples")
	# frames sent past the director (ceiling) have no loss to speak of
	[ "$U_LOSS" = - ] || [ "$mac" != "$MAC_D" ] && U_LOSS=
	[ "$U_CPU" = - ] && U_CPU= U_UTIL=
	return 0
}

# wrk's latency with its unit, in milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0
		if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0;
		else if (v ~ /s$/) n *= 1000
		printf "%.2f", n }'
}

# tcp_load SECONDS URL close|keepalive: wrk, one thread, 32 connections.
# Sets W_RPS (requests/s; with close each request is a new connection),
# W_P50 and W_P99 (ms), W_ERR (wrk's socket errors and non-2xx, summed).
tcp_load() {
	local t=$1 url=$2 mode=$3 out=$LAB_DIR/wrk.$3 hdr=()
	W_RPS= W_P50= W_P99= W_ERR=
	[ "$mode" = close ] && hdr=(-H 'Connection: close')
	lab_exec c taskset -c "$LOAD_CPU" timeout "$((t + 15))" wrk -t1 -c32 \
		-d"${t}s" --latency "${hdr[@]}" "$url" >"$out" 2>&1
	W_RPS=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
	W_P50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
	W_P99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
	W_ERR=$(awk '/Socket errors/ { gsub(/,/, ""); s += $4 + $6 + $8 + $10 }
		/Non-2xx/ { s += $NF } END { print s + 0 }' "$out")
	[ -n "$W_RPS" ]
}
