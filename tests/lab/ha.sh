# The HA pair's lab, on top of lab.sh (source lab.sh first): two
# directors on the one bridge, each running uvsd --follow-vip and
# Debian's keepalived with only a vrrp_instance for the VIP.
#
#   client 198.18.0.100 ─┐
#   d  198.18.0.2  ──────┤ (uvsd + keepalived, priority 150: master)
#   d2 198.18.0.3  ──────┼─ br0
#   rs1..rsN 198.18.0.11+┘   VIP 198.18.0.10 moves between d and d2
#
# Each director has its own control socket, log and keepalived files in
# $LAB_DIR, named after it (d, d2). lab_down kills what ha_* started
# (its PIDs go to LAB_PIDS) and removes the namespaces.

HA_DIRS="d d2"
HA_VRID=51

ha_dir_ip() { case $1 in d) echo 198.18.0.2 ;; d2) echo 198.18.0.3 ;; esac; }
ha_sock() { echo "$LAB_DIR/$1.sock"; }

# ha_up N: the lab with N real servers serving, and the second director.
ha_up() {
	lab_up "${1:-2}"
	lab_host d2 "$(ha_dir_ip d2)"
	lab_start_all_rs || return 1
}

# The table both directors load: VIP:80 over every real server.
ha_rules() {
	local sched=${1:-rr} i
	echo "-A -t $VIP:80 -s $sched"
	for i in $(seq 1 "$LAB_NRS"); do
		echo "-a -t $VIP:80 -r $(rs_ip "$i"):80 -g -w 1"
	done
}

# uvsadm against director $1's uvsd.
ha_uvsadm() {
	local n=$1
	shift
	lab_exec "$n" env UVS_SOCKET="$(ha_sock "$n")" "$B/uvsadm" "$@"
}
ha_counter() { ha_uvsadm "$1" --counters | awk -v k="$2" '$1 == k { print $2 }'; }

# ha_start_uvsd NAME [ARGS]: uvsd --follow-vip with the rules in
# $LAB_DIR/rules; waits for its socket. Its PID: HA_UVSD_PID_<NAME>.
ha_start_uvsd() {
	local n=$1 s pid k
	shift
	s=$(ha_sock "$n")
	rm -f "$s"
	ip netns exec "$(lab_ns "$n")" "$B/uvsd" -i eth0 --socket "$s" \
		--follow-vip --rules "$LAB_DIR/rules" -v ${UVSD_ARGS:-} "$@" \
		>>"$LAB_DIR/$n.uvsd.log" 2>&1 &
	pid=$!
	LAB_PIDS+=("$pid")
	eval "HA_UVSD_PID_$n=$pid"
	for k in $(seq 50); do
		[ -S "$s" ] && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "ha: uvsd on $n did not start:" >&2
	cat "$LAB_DIR/$n.uvsd.log" >&2
	return 1
}

# The keepalived.conf of director $1 at priority $2 (the shape README's
# "Two directors and more" documents): one vrrp_instance, the VIP as a
# /32 on eth0, and a check that its uvsd answers.
ha_keepalived_conf() {
	local n=$1 prio=$2
	cat <<CONF
global_defs {
    router_id uvs_$n
    enable_script_security
    script_user root
}

# a dead uvsd fails at once (connection refused); the generous timeout
# only keeps a loaded test machine's slow answer from counting as death
vrrp_script chk_uvsd {
    script "/usr/bin/env UVS_SOCKET=$(ha_sock "$n") $B/uvsadm --counters"
    interval 1
    timeout 10
    fall 2
    rise 1
}

vrrp_instance VI_uvs {
    state BACKUP
    interface eth0
    virtual_router_id $HA_VRID
    priority $prio
    advert_int ${HA_ADVERT_INT:-1}
    virtual_ipaddress {
        $VIP/32 dev eth0
    }
    track_script {
        chk_uvsd
    }
}
CONF
}

# ha_start_keepalived NAME PRIORITY: keepalived -P (VRRP only) in NAME,
# its own PID files; HA_KA_PID_<NAME> is the parent's PID.
ha_start_keepalived() {
	local n=$1 prio=$2 pid
	ha_keepalived_conf "$n" "$prio" >"$LAB_DIR/$n.keepalived.conf"
	ip netns exec "$(lab_ns "$n")" keepalived -n -l -D -P \
		-f "$LAB_DIR/$n.keepalived.conf" \
		-p "$LAB_DIR/$n.ka.pid" -r "$LAB_DIR/$n.ka-vrrp.pid" \
		>>"$LAB_DIR/$n.keepalived.log" 2>&1 &
	pid=$!
	LAB_PIDS+=("$pid")
	eval "HA_KA_PID_$n=$pid"
}

# Does director $1's kernel hold the VIP (is it keepalived's master)?
ha_holds_vip() {
	lab_exec "$1" ip -4 -o addr show dev eth0 | grep -q " $VIP/"
}

# ha_wait_master NAME [TENTHS]: waits (bounded, 10 s by default) until
# NAME holds the VIP.
ha_wait_master() {
	local n=$1 k
	for k in $(seq "${2:-100}"); do
		ha_holds_vip "$n" && return 0
		sleep 0.1
	done
	echo "ha: $n never became VRRP master" >&2
	return 1
}

# ha_kill_keepalived NAME: SIGKILL to keepalived's parent and its VRRP
# child at once, as a crash: neither sends the priority-0 advert a
# clean stop would, and the child is not respawned.
ha_kill_keepalived() {
	local n=$1 parent child
	parent=$(eval echo "\$HA_KA_PID_$n")
	child=$(cat "$LAB_DIR/$n.ka-vrrp.pid" 2>/dev/null)
	kill -KILL "$parent" $child 2>/dev/null
}

# ha_pair [SCHED]: both directors up, d the VRRP master with both
# uvsds' tables loaded and every real server's MAC known.
ha_pair() {
	local n
	ha_rules "${1:-rr}" >"$LAB_DIR/rules"
	for n in $HA_DIRS; do
		ha_start_uvsd "$n" || return 1
	done
	ha_start_keepalived d 150
	ha_wait_master d || return 1
	ha_start_keepalived d2 100
	ha_wait_resolved
}

# Waits (bounded, 5 s each) until every director's uvsd knows every real
# server's MAC.
ha_wait_resolved() {
	local n k
	for n in $HA_DIRS; do
		for k in $(seq 50); do
			[ "$(ha_counter "$n" dests_unresolved)" = 0 ] && break
			sleep 0.1
		done
	done
}

# ha_first_answer T0 SECONDS: one short HTTP GET to the VIP every 50 ms
# (connect within 0.3 s, answer within 1 s) until one answers; prints the seconds from T0
# (a `date +%s.%N` taken at the kill) to that answer, three decimals,
# or fails SECONDS after T0.
ha_first_answer() {
	lab_exec c python3 - "$VIP" "$1" "$2" <<'PY'
import socket, sys, time
vip, t0, limit = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
while time.time() - t0 < limit:
    try:
        s = socket.create_connection((vip, 80), timeout=0.3)
        s.settimeout(1)
        s.sendall(b"GET / HTTP/1.0\r\nHost: vip\r\n\r\n")
        if s.recv(64).startswith(b"HTTP/"):
            print("%.3f" % (time.time() - t0))
            sys.exit(0)
    except OSError:
        pass
    time.sleep(0.05)
sys.exit(1)
PY
}

# ha_cap_start FILE: ARP on the client's wire to FILE (pcap), bounded to
# 60 s; ha_cap_stop ends it, ha_cap_read prints it with MACs.
ha_cap_start() {
	local k
	# --immediate-mode: libpcap's block ring would hold the last frames
	# back past the moment ha_cap_stop ends the capture
	ip netns exec "$(lab_ns c)" timeout 60 tcpdump --immediate-mode -U -nn \
		-i eth0 -w "$1" arp 2>"$1.err" &
	HA_CAP_PID=$!
	LAB_PIDS+=("$HA_CAP_PID")
	for k in $(seq 50); do
		grep -q "listening on" "$1.err" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
ha_cap_stop() { sleep 0.5; kill "$HA_CAP_PID" 2>/dev/null; wait "$HA_CAP_PID" 2>/dev/null; }
ha_cap_read() { tcpdump -nn -e -r "$1" 2>/dev/null; }

# ha_garps FILE MAC: the gratuitous ARPs for the VIP (sender = target =
# VIP) that MAC sent, as tcpdump shows them, one a line.
ha_garps() {
	ha_cap_read "$1" | grep -i "^[0-9:.]* $2 > ff:ff:ff:ff:ff:ff" |
		grep -E "who-has $VIP (\(ff:ff:ff:ff:ff:ff\) )?tell $VIP|Reply $VIP is-at"
}

# ha_held_clients N WAIT [GO]: N keep-alive clients from the client host
# (each bounded to WAIT + 120 s: a loaded machine starts python slowly),
# each a GET now and another on the same connection WAIT seconds later,
# or as soon as the file GO exists; their output ("before rsN" /
# "after rsN" or "error ...") in $LAB_DIR/ka.N.out. PIDs in
# HA_KA_CLIENTS.
ha_held_clients() {
	local i
	HA_KA_CLIENTS=()
	for i in $(seq "$1"); do
		ip netns exec "$(lab_ns c)" timeout $(($2 + 120)) python3 \
			"$LAB_ROOT/tests/lab/ka_client.py" "$VIP" "$2" ${3:+"$3"} \
			>"$LAB_DIR/ka.$i.out" 2>&1 &
		HA_KA_CLIENTS+=($!)
		LAB_PIDS+=($!)
	done
}

# How many held clients answered their second request from the real
# server that answered their first.
ha_held_kept() {
	local f n=0 b a
	for f in "$LAB_DIR"/ka.*.out; do
		b=$(awk '$1 == "before" { print $2 }' "$f")
		a=$(awk '$1 == "after" { print $2 }' "$f")
		[ -n "$b" ] && [ "$a" = "$b" ] && n=$((n + 1))
	done
	echo "$n"
}
