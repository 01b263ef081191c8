# The kernel's own IPVS selftest topology (tools/testing/selftests/net/
# netfilter/ipvs.sh), rebuilt with 198.18.0.0/15 addresses. Source it
# after lab.sh:
#
#   c (client)                 d (director, uvsd)            rs (real server)
#   br0 198.18.0.100/24 ─ veth01 ── veth10 198.18.0.1/24 (gip)
#          │                        veth12 198.19.0.1/24 (dip) ── veth21 198.19.0.2/24 (rip)
#          └─────────── veth02 ───────────────────────────────── veth20 198.18.0.3/24 (sip)
#
# The client reaches the VIP through the director (its route for the VIP
# names gip), the director reaches the real server on its second arm, and
# the real server answers the client directly on the client's LAN.

TOPO_VIP=198.18.100.10
TOPO_CIP=198.18.0.100
TOPO_GIP=198.18.0.1
TOPO_DIP=198.19.0.1
TOPO_RIP=198.19.0.2
TOPO_SIP=198.18.0.3
TOPO_PORT=8080

topo_ns_new() {
	local ns
	ns=$(lab_ns "$1")
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
}

# topo_up: the three hosts, links up and addressed, no service yet. The
# real server's arm to the director (veth21) is left down with
# TOPO_RS_LATE=1, for tests that add the dest before the server exists.
topo_up() {
	local c d r
	topo_ns_new c; topo_ns_new d; topo_ns_new rs
	c=$(lab_ns c); d=$(lab_ns d); r=$(lab_ns rs)
	ip -n "$c" link add veth01 type veth peer name veth10 netns "$d"
	ip -n "$c" link add veth02 type veth peer name veth20 netns "$r"
	ip -n "$d" link add veth12 type veth peer name veth21 netns "$r"
	ip netns exec "$c" sh -c 'for f in /proc/sys/net/bridge/bridge-nf-call-*; do [ -e "$f" ] && echo 0 >"$f"; done; true'
	ip -n "$c" link add br0 type bridge
	ip -n "$c" link set veth01 master br0 up
	ip -n "$c" link set veth02 master br0 up
	ip -n "$c" link set br0 up
	ip -n "$c" addr add "$TOPO_CIP/24" dev br0
	ip -n "$c" route add "$TOPO_VIP" via "$TOPO_GIP" dev br0
	ip -n "$d" addr add "$TOPO_GIP/24" dev veth10
	ip -n "$d" link set veth10 up
	ip -n "$d" addr add "$TOPO_DIP/24" dev veth12
	ip -n "$d" link set veth12 up
	ip -n "$r" addr add "$TOPO_SIP/24" dev veth20
	ip -n "$r" link set veth20 up
	# the selftest's real-server settings: no reverse-path check (the
	# client's packets arrive on veth21, its route back is veth20)
	ip netns exec "$r" sysctl -qw net.ipv4.conf.all.rp_filter=0
	ip netns exec "$r" sysctl -qw net.ipv4.conf.default.rp_filter=0
	ip netns exec "$r" sysctl -qw net.ipv4.conf.veth20.rp_filter=0
	[ "${TOPO_RS_LATE:-0}" = 1 ] || topo_rs_arm
}

# The real server's arm to the director.
topo_rs_arm() {
	local r
	r=$(lab_ns rs)
	ip netns exec "$r" sh -c 'ip link show veth21 >/dev/null' || return 1
	ip -n "$r" addr add "$TOPO_RIP/24" dev veth21 2>/dev/null
	ip -n "$r" link set veth21 up
	ip netns exec "$r" sysctl -qw net.ipv4.conf.veth21.rp_filter=0
}

# The real server's VIP (uvs-rs, extra arguments passed on) and its HTTP
# server on TOPO_PORT.
topo_rs_serve() {
	lab_exec rs "$B/uvs-rs" --state "$LAB_DIR/rs.state" "$@" up \
		"$TOPO_VIP" >/dev/null || return 1
	lab_bg rs "$LAB_DIR/rs.httpd.err" python3 \
		"$LAB_ROOT/tests/lab/rs_httpd.py" --name rs --port "$TOPO_PORT" \
		--log "$LAB_DIR/rs.access.log"
	lab_wait_port rs "$TOPO_PORT"
}

# uvsd in the director on the links given (e.g. -i veth10 -i veth12),
# with -v; its log goes on in uvsd.log across restarts.
topo_start_uvsd() {
	lab_run_uvsd -v "$@"
}

# Stops the uvsd topo_start_uvsd started (its PID only).
topo_stop_uvsd() {
	kill "$LAB_UVSD_PID" 2>/dev/null
	wait "$LAB_UVSD_PID" 2>/dev/null
	rm -f "$LAB_SOCK"
}

# Waits (bounded, secs s, default 5) until uvsd knows every dest's MAC.
topo_wait_resolved() {
	local n
	for n in $(seq $((${1:-5} * 10))); do
		[ "$(lab_counter dests_unresolved)" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}

# The selftest's check, with a payload of size bytes (default 32): the
# client posts it to VIP:TOPO_PORT, the real server answers its sha256.
topo_transfer() {
	local size=${1:-32} want got
	head -c "$size" /dev/urandom >"$LAB_DIR/payload"
	want="$(sha256sum <"$LAB_DIR/payload" | awk '{print $1}') $size"
	got=$(lab_exec c curl -s -m "${2:-5}" --data-binary @"$LAB_DIR/payload" \
		"http://$TOPO_VIP:$TOPO_PORT/upload")
	[ "$got" = "$want" ]
}

# Cleanup for tunnel tests: the real server's decapsulator (a process
# uvs-rs started, by its recorded PID) stops before the namespaces go.
topo_down() {
	[ -e "$LAB_DIR/rs.state.tun" ] &&
		lab_exec rs "$B/uvs-rs" --state "$LAB_DIR/rs.state" down \
			"$TOPO_VIP" >/dev/null 2>&1
	lab_down
}

# The PID of the real server's user-space decapsulator, from uvs-rs's
# record ("TYPE PORT user PID DEV"); empty when there is none.
topo_decap_pid() {
	awk '$3 == "user" { print $4 }' "$LAB_DIR/rs.state.tun" 2>/dev/null
}

# Waits (bounded, 3 s) until process pid has ended (a zombie counts).
topo_gone() {
	local n
	[ -n "$1" ] || return 1
	for n in $(seq 30); do
		[ -e "/proc/$1" ] || return 0
		grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# The selftest's tunnel case: the director's kernel neither forwards nor
# sends redirects; the real server's VIP on lo, reverse-path checks off
# (packets come out of the tunnel from the client's address).
topo_tunnel_sysctls() {
	lab_exec d sysctl -qw net.ipv4.ip_forward=0
	lab_exec d sysctl -qw net.ipv4.conf.all.send_redirects=0
	lab_exec d sysctl -qw net.ipv4.conf.default.send_redirects=0
}

# topo_tunnel_case NAME UVSADM_TUN_ARGS -- UVS_RS_TUN_ARGS: the kernel
# selftest's tunnel case with one encapsulation, its controls and a
# 20 MB transfer with the lab's offloads on. tcpdump_filter names what
# the encapsulated packets look like on the real server's arm.
topo_tunnel_case() {
	local name=$1 filter=$2 pid tun_args=() rs_args=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do tun_args+=("$1"); shift; done
	shift
	rs_args=("$@")

	topo_up
	topo_tunnel_sysctls
	topo_start_uvsd -i veth10 -i veth12 || return 1
	uvsadm -A -t "$TOPO_VIP:$TOPO_PORT" -s rr
	uvsadm -a -t "$TOPO_VIP:$TOPO_PORT" -r "$TOPO_RIP:$TOPO_PORT" -i \
		"${tun_args[@]}"
	t_check "$name: the dest resolves" topo_wait_resolved
	t_check "$name: uvsadm -L shows the dest as Tunnel" \
		eval "uvsadm -L -n | grep -q '$TOPO_RIP:$TOPO_PORT *Tunnel'"
	t_check "$name: --tun-info: $(uvsadm -L -n --tun-info | grep ' Tunnel ' | tr -s ' ')" \
		eval "uvsadm -L -n --tun-info | grep -q 'Tunnel *${name%%-*}'"
	uvsadm -S -n >"$LAB_DIR/saved"
	t_check "$name: -S saves it: $(grep -- ' -i' "$LAB_DIR/saved")" \
		grep -q -- "-r $TOPO_RIP:$TOPO_PORT -i -w 1${TOPO_SAVED_TUN:-}\$" \
		"$LAB_DIR/saved"
	uvsadm -C
	uvsadm -R <"$LAB_DIR/saved"
	t_check "$name: -R gives it back" \
		eval "uvsadm -S -n | cmp -s - '$LAB_DIR/saved'"

	# control: the real server holds the VIP but cannot unwrap
	lab_exec rs "$B/uvs-rs" --state "$LAB_DIR/rs0.state" up "$TOPO_VIP" \
		>/dev/null
	lab_bg rs "$LAB_DIR/rs.httpd.err" python3 \
		"$LAB_ROOT/tests/lab/rs_httpd.py" --name rs --port "$TOPO_PORT" \
		--log "$LAB_DIR/rs.access.log"
	lab_wait_port rs "$TOPO_PORT"
	t_check "$name control: without a decapsulator the transfer fails" \
		not topo_transfer 32 3
	lab_exec rs "$B/uvs-rs" --state "$LAB_DIR/rs0.state" down "$TOPO_VIP" \
		>/dev/null

	lab_exec rs "$B/uvs-rs" --state "$LAB_DIR/rs.state" "${rs_args[@]}" \
		up "$TOPO_VIP" >/dev/null || { t_fail "$name: uvs-rs up"; return 1; }
	lab_exec rs "$B/uvs-rs" --state "$LAB_DIR/rs.state" check "$TOPO_VIP" \
		>"$LAB_DIR/check.txt" 2>&1
	t_check "$name: uvs-rs check names the decapsulator: $(grep tunnel "$LAB_DIR/check.txt")" \
		grep -q "^ok: tunnel .*decapsulat" "$LAB_DIR/check.txt"
	lab_exec rs timeout 5 tcpdump -l -n -vv -c 1 -i veth21 "$filter" \
		>"$LAB_DIR/tun.txt" 2>/dev/null &
	sleep 1
	t_check "$name: a 32-byte transfer arrives byte-exact" topo_transfer 32
	wait $! 2>/dev/null
	t_check "$name: on the real server's arm the packet is wrapped: $(tr -s ' \n' ' ' <"$LAB_DIR/tun.txt" | head -c 240)" \
		grep -q "$TOPO_DIP[.0-9]* > $TOPO_RIP" "$LAB_DIR/tun.txt"
	t_check "$name: the real server saw the client's address" \
		grep -q "^$TOPO_CIP POST /upload" "$LAB_DIR/rs.access.log"
	t_check "$name: a 20 MB transfer, offloads on, arrives byte-exact" \
		topo_transfer 20000000 60
	t_check "$name: too-big segments got ICMP frag-needed ($(lab_counter drop_tun_too_big))" \
		[ "$(lab_counter drop_tun_too_big)" -gt 0 ]
	lab_exec c ip route get "$TOPO_VIP" >"$LAB_DIR/pmtu.txt"
	t_check "$name: the client learned the tunnel's MTU: $(tr -s ' \n' ' ' <"$LAB_DIR/pmtu.txt")" \
		grep -q "mtu $((1500 - ${TOPO_OVERHEAD:-20}))" "$LAB_DIR/pmtu.txt"
	t_check "$name: GSO frames were cut up before wrapping ($(lab_counter tun_gso_frames) frames, $(lab_counter tun_packets) packets)" \
		[ "$(lab_counter tun_gso_frames)" -gt 0 -a \
		"$(lab_counter tun_packets)" -gt "$(lab_counter fwd_frames)" ]
	t_check "$name: nothing refused on send" \
		[ "$(lab_counter drop_send_error)" = 0 ]

	# a dest added without a port takes the service's
	uvsadm -d -t "$TOPO_VIP:$TOPO_PORT" -r "$TOPO_RIP:$TOPO_PORT"
	uvsadm -a -t "$TOPO_VIP:$TOPO_PORT" -r "$TOPO_RIP" -i "${tun_args[@]}"
	topo_wait_resolved
	t_check "$name: a dest without a port: the transfer passes" \
		topo_transfer 32

	pid=$(topo_decap_pid)
	lab_exec rs "$B/uvs-rs" --state "$LAB_DIR/rs.state" down "$TOPO_VIP" \
		>/dev/null
	t_check "$name: uvs-rs down stopped the decapsulator (pid $pid)" \
		topo_gone "$pid"
	t_check "$name: and after down the transfer fails again" \
		not topo_transfer 32 3
}
