# The lesson's ladder: one HTTP request to the VIP, captured at once with
# tcpdump on the client, the director and every real server, then drawn
# by ladder.py as arrows between client | director | the real server that
# answered. Source it after lab.sh; the lab must be up with a service on
# VIP:80 (lab_service or lesson_service).

LADDER_PY=$LAB_ROOT/tests/lab/ladder.py

# Readable MACs: 02 (locally administered), 00, then the host's IPv4
# address in hex, so 198.18.0.11 is 02:00:c6:12:00:0b. Before any traffic.
lesson_fixed_macs() {
	local h ip
	for h in c d $(for i in $(seq 1 "$LAB_NRS"); do echo "rs$i"; done); do
		case $h in
		c) ip=$CLIENT_IP ;;
		d) ip=$DIR_IP ;;
		*) ip=$(rs_ip "${h#rs}") ;;
		esac
		ip -n "$(lab_ns "$h")" link set eth0 address \
			"$(printf '02:00:%02x:%02x:%02x:%02x' ${ip//./ })"
	done
}

# The service on VIP:80 with rs1 first in the list. IPVS (and uvs) put a
# new real server at the head of the list, so adding rs3, rs2, rs1 makes
# rs1 the one rr picks first.
lesson_service() {
	local sched=${1:-rr} i
	uvsadm -A -t "$VIP:80" -s "$sched" || return 1
	for i in $(seq "$LAB_NRS" -1 1); do
		uvsadm -a -t "$VIP:80" -r "$(rs_ip "$i"):80" -g || return 1
	done
	lab_wait_resolved
}

# The host name for a MAC seen in the lab ("client", "director", "rsN").
lab_host_of_mac() {
	local mac=$1 i
	[ "$mac" = "$(lab_mac c)" ] && { echo client; return; }
	[ "$mac" = "$(lab_mac d)" ] && { echo director; return; }
	for i in $(seq 1 "$LAB_NRS"); do
		[ "$mac" = "$(lab_mac "rs$i")" ] && { echo "rs$i"; return; }
	done
	echo "?"
}

# lesson_tcpdump HOST FILE [FILTER]: tcpdump on HOST's eth0 writing FILE
# (raw frames, MACs included) until killed; the PID goes to
# LESSON_CAP_PIDS. Waits (bounded, 5 s) until tcpdump listens.
# --immediate-mode: libpcap's ring otherwise hands frames over a block at
# a time, and a tcpdump stopped within a second would write none.
LESSON_CAP_PIDS=()
lesson_tcpdump() {
	local host=$1 file=$2 n
	shift 2
	lab_bg "$host" "$file.log" tcpdump -i eth0 --immediate-mode -U -n -s 0 -w "$file" "$@"
	LESSON_CAP_PIDS+=("${LAB_PIDS[-1]}")
	for n in $(seq 50); do
		grep -q "listening on" "$file.log" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "lesson: tcpdump did not start on $host: $(cat "$file.log")" >&2
	return 1
}

# Stops the captures lesson_tcpdump started (tcpdump flushes on SIGTERM).
lesson_tcpdump_stop() {
	local pid
	sleep 0.3	# the last ACKs are still on their way
	for pid in "${LESSON_CAP_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
	for pid in "${LESSON_CAP_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
	LESSON_CAP_PIDS=()
}

# lesson_ladder OUT: one curl to the VIP, captured everywhere; writes
# OUT.txt (the ladder) and, with gnuplot, OUT.gp and OUT.png; prints the
# ladder and ladder.py's findings. Returns non-zero when the curl or the
# drawing failed.
lesson_ladder() {
	local out=$1 i body rs args=()
	# the bridge's own IPv6 and IGMP chatter is not part of the story
	local filter="arp or tcp or udp"
	lesson_tcpdump c "$LAB_DIR/cap-c.pcap" "$filter" || return 1
	lesson_tcpdump d "$LAB_DIR/cap-d.pcap" "$filter" || return 1
	for i in $(seq 1 "$LAB_NRS"); do
		lesson_tcpdump "rs$i" "$LAB_DIR/cap-rs$i.pcap" "$filter" || return 1
	done
	# empty ARP caches, so the picture shows who answers for which address
	lab_exec c ip neigh flush dev eth0
	for i in $(seq 1 "$LAB_NRS"); do lab_exec "rs$i" ip neigh flush dev eth0; done
	body=$(lab_exec c curl -s -m 5 "http://$VIP/")
	lesson_tcpdump_stop
	case $body in
	rs[0-9]*) rs=$body ;;
	*) echo "lesson: curl http://$VIP/ got no answer" >&2; return 1 ;;
	esac
	args=(--vip "$VIP" --text "$out.txt"
		--host "client@$CLIENT_IP=$LAB_DIR/cap-c.pcap=$(lab_mac c)"
		--host "director@$DIR_IP=$LAB_DIR/cap-d.pcap=$(lab_mac d)"
		--host "$rs@$(rs_ip "${rs#rs}")=$LAB_DIR/cap-$rs.pcap=$(lab_mac "$rs")")
	for i in $(seq 1 "$LAB_NRS"); do
		[ "rs$i" = "$rs" ] || args+=(--name "rs$i=$(lab_mac "rs$i")")
	done
	if command -v gnuplot >/dev/null; then
		args+=(--gnuplot "$out.gp" --png "$out.png")
	fi
	python3 "$LADDER_PY" ladder "${args[@]}" || return 1
	if command -v gnuplot >/dev/null; then
		gnuplot "$out.gp" || return 1
	fi
}
