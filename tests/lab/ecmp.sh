# Several directors behind an ECMP router, each announcing the VIP by BGP
# (bird2). Source it after lab.sh:
#
#   client 198.19.1.100 ── r (router, bird2: BGP AS 65000, kernel ECMP)
#                          │ 198.19.1.1            198.18.0.1
#                          └────────────── br0 ──────┬─────────┬──────────┐
#                               d1..d4 198.18.0.2-5 (uvsd + bird2,  rs1..rsN
#                               AS 65001, VIP/32 next hop self)     198.18.0.11+
#
# The VIP (198.18.100.10) is on no subnet: the router reaches it only by
# the routes the directors announce, so it never ARPs for the VIP, only
# for its next hops, and a director gets VIP traffic addressed to its own
# MAC. The router hashes on L4 (fib_multipath_hash_policy=1). The real
# servers hold the VIP on lo and answer the client through the router
# (their default route), never through a director.

VIP=198.18.100.10
ECMP_VIP=$VIP
ECMP_RTR_LAN=198.18.0.1
ECMP_RTR_CLI=198.19.1.1
CLIENT_IP=198.19.1.100
ECMP_AS_RTR=65000
ECMP_AS_DIR=65001
ECMP_NDIR_MAX=4
# BGP timers: the smallest bird2 takes (hold 3 s), so a speaker that dies
# without a word is noticed in seconds; a stopped one says so at once
# (Cease) and is withdrawn without waiting for the hold timer.
ECMP_BGP_TIMERS='hold time 3; keepalive time 1; connect delay time 1;
	connect retry time 1; error wait time 1, 5; graceful restart off;'

ecmp_dir_ip() { echo "198.18.0.$((1 + $1))"; }

# ecmp_up NDIR NRS: the router, the client, NDIR director hosts (uvsd
# and bird not yet started) and NRS real servers serving. Up to
# ECMP_NDIR_MAX directors' hosts can be made; those past NDIR are made
# later with ecmp_dir_host.
ecmp_up() {
	local ndir=$1 nrs=$2 i r c
	LAB_NRS=$nrs
	ip netns add "$(lab_ns br)"
	ip netns exec "$(lab_ns br)" sh -c 'for f in /proc/sys/net/bridge/bridge-nf-call-*; do [ -e "$f" ] && echo 0 >"$f"; done; true'
	ip -n "$(lab_ns br)" link add br0 type bridge
	ip -n "$(lab_ns br)" link set br0 up
	lab_host r "$ECMP_RTR_LAN" || return 1
	r=$(lab_ns r)
	c=$(lab_ns c)
	ip netns add "$c"
	ip -n "$c" link set lo up
	ip netns exec "$c" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip -n "$r" link add eth1 type veth peer name eth0 netns "$c"
	ip -n "$r" addr add "$ECMP_RTR_CLI/24" dev eth1
	ip -n "$r" link set eth1 up
	ip -n "$c" addr add "$CLIENT_IP/24" dev eth0
	ip -n "$c" link set eth0 up
	ip -n "$c" route add default via "$ECMP_RTR_CLI"
	ip netns exec "$c" sysctl -qw \
		net.ipv4.ip_local_port_range="20000 60999"
	ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv4.fib_multipath_hash_policy=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	for i in $(seq 1 "$ndir"); do ecmp_dir_host "$i" || return 1; done
	for i in $(seq 1 "$nrs"); do
		lab_host "rs$i" "$(rs_ip "$i")" || return 1
		lab_exec "rs$i" ip route add default via "$ECMP_RTR_LAN"
		lab_start_rs "$i" || return 1
	done
	for i in $(seq 1 "$nrs"); do lab_wait_port "rs$i" 80 || return 1; done
	ecmp_bird_router || return 1
}

# Director i's host on the LAN. Its kernel never routes: VIP traffic is
# uvsd's, and its guard keeps the kernel from answering it.
ecmp_dir_host() {
	lab_host "d$1" "$(ecmp_dir_ip "$1")" || return 1
	lab_exec "d$1" sysctl -qw net.ipv4.ip_forward=0
}

# --- bird2 -------------------------------------------------------------

# bird NAME CONF: bird2 in host NAME, in the foreground (so its PID is
# ours to stop), its control socket at $LAB_DIR/NAME.bird.ctl.
ecmp_bird_start() {
	local name=$1 conf=$2
	lab_bg "$name" "$LAB_DIR/$name.bird.log" bird -f -c "$conf" \
		-s "$LAB_DIR/$name.bird.ctl" -P "$LAB_DIR/$name.bird.pid"
	eval "ECMP_BIRD_PID_$name=${LAB_PIDS[-1]}"
}

# birdc in host NAME.
ecmp_birdc() {
	local name=$1
	shift
	lab_exec "$name" birdc -s "$LAB_DIR/$name.bird.ctl" "$@"
}

# The router's bird: a session with every possible director, their
# VIP routes merged into one multipath kernel route.
ecmp_bird_router() {
	local conf=$LAB_DIR/r.bird.conf i
	{
		cat <<-EOT
		router id $ECMP_RTR_LAN;
		protocol device { scan time 1; }
		protocol kernel {
			ipv4 { import none; export all; };
			merge paths on;
		}
		template bgp director {
			local $ECMP_RTR_LAN as $ECMP_AS_RTR;
			$ECMP_BGP_TIMERS
			ipv4 { import all; export none; };
		}
		EOT
		for i in $(seq 1 "$ECMP_NDIR_MAX"); do
			echo "protocol bgp d$i from director { neighbor $(ecmp_dir_ip "$i") as $ECMP_AS_DIR; }"
		done
	} >"$conf"
	ecmp_bird_start r "$conf"
}

# The config a director's bird runs (docs/examples has the same, with
# documentation addresses): the VIP/32 as a blackhole static route, which
# bird announces to the router with the director's address as next hop
# and never installs in the director's kernel (no kernel protocol).
ecmp_bird_dir_conf() {
	local ip
	ip=$(ecmp_dir_ip "$1")
	cat <<-EOT
	router id $ip;
	protocol device { scan time 1; }
	protocol static vip {
		ipv4;
		route $ECMP_VIP/32 blackhole;
	}
	protocol bgp uplink {
		local $ip as $ECMP_AS_DIR;
		neighbor $ECMP_RTR_LAN as $ECMP_AS_RTR;
		$ECMP_BGP_TIMERS
		ipv4 {
			import none;
			export where net = $ECMP_VIP/32;
			next hop self;
		};
	}
	EOT
}

# Director i's BGP speaker starts (announces) or stops (withdraws: on
# SIGTERM bird closes its session with a Cease, and the router drops the
# route at once).
ecmp_announce() {
	ecmp_bird_dir_conf "$1" >"$LAB_DIR/d$1.bird.conf"
	ecmp_bird_start "d$1" "$LAB_DIR/d$1.bird.conf"
}
ecmp_withdraw() {
	local pid
	pid=$(eval "echo \${ECMP_BIRD_PID_d$1:-}")
	[ -n "$pid" ] || return 1
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	eval "ECMP_BIRD_PID_d$1="
	return 0
}

# The next hops of the router's route to the VIP, one a line, sorted.
ecmp_nexthops() {
	lab_exec r ip -4 route show "$ECMP_VIP/32" |
		grep -oE 'via [0-9.]+' | awk '{ print $2 }' | sort
}

# ecmp_wait_nexthops N [SECS]: waits (bounded, 20 s) until the router's
# route to the VIP has exactly N next hops.
ecmp_wait_nexthops() {
	local want=$1 n
	for n in $(seq $((${2:-20} * 10))); do
		[ "$(ecmp_nexthops | grep -c .)" = "$want" ] && return 0
		sleep 0.1
	done
	echo "ecmp: the router's route to $ECMP_VIP never had $want next hops:" >&2
	lab_exec r ip -4 route show "$ECMP_VIP/32" >&2
	ecmp_birdc r show protocols >&2
	return 1
}

# --- uvsd on each director ----------------------------------------------

ecmp_sock() { echo "$LAB_DIR/d$1.sock"; }

# ecmp_uvsd I ARGS...: uvsd on director i's eth0, its log in
# $LAB_DIR/dI.uvsd.log; waits for its control socket.
ecmp_uvsd() {
	local i=$1 n pid
	shift
	# shellcheck disable=SC2086
	ip netns exec "$(lab_ns "d$i")" "$B/uvsd" -i eth0 \
		--socket "$(ecmp_sock "$i")" ${UVSD_ARGS:-} "$@" \
		>>"$LAB_DIR/d$i.uvsd.log" 2>&1 &
	pid=$!
	LAB_PIDS+=("$pid")
	eval "ECMP_UVSD_PID_$i=$pid"
	for n in $(seq 50); do
		[ -S "$(ecmp_sock "$i")" ] && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "ecmp: uvsd on d$i did not start:" >&2
	cat "$LAB_DIR/d$i.uvsd.log" >&2
	return 1
}
ecmp_uvsd_pid() { eval "echo \${ECMP_UVSD_PID_$1:-}"; }

# ecmp_adm I ARGS...: uvsadm against director i's uvsd.
ecmp_adm() {
	local i=$1
	shift
	lab_exec "d$i" env UVS_SOCKET="$(ecmp_sock "$i")" "$B/uvsadm" "$@"
}

# ecmp_counter I NAME: one of director i's uvsd counters.
ecmp_counter() {
	ecmp_adm "$1" --counters | awk -v k="$2" '$1 == k { print $2 }'
}

# ecmp_rules SCHED: the rules every director loads (uvsadm -R), the
# same on all: one service on VIP:80 over every real server. mh and sh
# hash the client's port too (-b mh-port, sh-port): behind one router a
# site sees many flows per client address.
ecmp_rules() {
	local sched=$1 i
	case $sched in
	mh) echo "-A -t $ECMP_VIP:80 -s mh -b mh-port" ;;
	sh) echo "-A -t $ECMP_VIP:80 -s sh -b sh-port" ;;
	*) echo "-A -t $ECMP_VIP:80 -s $sched" ;;
	esac
	for i in $(seq 1 "$LAB_NRS"); do
		echo "-a -t $ECMP_VIP:80 -r $(rs_ip "$i"):80 -g -w 1"
	done
}

# ecmp_director I SCHED [UVSD ARGS...]: director i serves: uvsd with the
# shared rules (and --sloppy-tcp: a director that is handed the middle
# of a flow schedules it anew, and the hash sends it where it was), every
# real server's MAC learnt, then its BGP speaker announces the VIP.
ecmp_director() {
	local i=$1 sched=$2 n
	shift 2
	ecmp_rules "$sched" >"$LAB_DIR/rules.$sched"
	ecmp_uvsd "$i" --sloppy-tcp --rules "$LAB_DIR/rules.$sched" "$@" ||
		return 1
	for n in $(seq 50); do
		[ "$(ecmp_counter "$i" dests_unresolved)" = 0 ] && break
		sleep 0.1
	done
	[ "$(ecmp_counter "$i" dests_unresolved)" = 0 ] || {
		echo "ecmp: d$i never learnt every real server's MAC" >&2
		return 1
	}
	ecmp_announce "$i"
}

# ecmp_stop_director I: its BGP speaker and uvsd stop (their PIDs only).
ecmp_stop_director() {
	local pid
	ecmp_withdraw "$1"
	pid=$(ecmp_uvsd_pid "$1")
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$(ecmp_sock "$1")"
	eval "ECMP_UVSD_PID_$1="
}

# ecmp_flows I: the client ports of the flows director i's uvsd holds,
# one a line, sorted ("uvsadm -L -c -n": the source column).
ecmp_flows() {
	ecmp_adm "$1" -L -c -n |
		awk -v c="$CLIENT_IP" '$1 == "TCP" && index($4, c ":") == 1 {
			sub(/.*:/, "", $4); print $4 }' | sort -n
}

# --- the client's connections -------------------------------------------

# ecmp_once NAME N BASE: N connections one after another from ports
# BASE.. (tests/lab/ecmp_client.py once), "conn I PORT SERVER" lines in
# $LAB_DIR/NAME.conns.
ecmp_once() {
	lab_exec c timeout 120 python3 "$LAB_ROOT/tests/lab/ecmp_client.py" \
		once "$ECMP_VIP" "$2" "$3" >"$LAB_DIR/$1.conns"
}

# ecmp_hold NAME N BASE [ANSWER]: N keep-alive connections opened from
# ports BASE.., one request made on each; returns once the client says
# ready (bounded, 60 s). ecmp_hold_go then has it make its second
# request, answered within ANSWER s (3).
ecmp_hold() {
	local name=$1 n
	rm -f "$LAB_DIR/$name.go"
	lab_bg c "$LAB_DIR/$name.conns" timeout 150 python3 \
		"$LAB_ROOT/tests/lab/ecmp_client.py" hold "$ECMP_VIP" "$2" "$3" \
		"$LAB_DIR/$name.go" 60 "${4:-3}"
	ECMP_HOLD_PID=${LAB_PIDS[-1]}
	for n in $(seq 600); do
		grep -q '^ready' "$LAB_DIR/$name.conns" 2>/dev/null && return 0
		kill -0 "$ECMP_HOLD_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "ecmp: the held connections never got ready" >&2
	return 1
}
ecmp_hold_go() {
	local n
	touch "$LAB_DIR/$1.go"
	for n in $(seq 300); do
		kill -0 "$ECMP_HOLD_PID" 2>/dev/null || break
		sleep 0.1
	done
	wait "$ECMP_HOLD_PID" 2>/dev/null
	return 0
}

# ecmp_snapshot NAME TAG: "dI PORT" for every flow of the client's each
# running director holds, into $LAB_DIR/NAME.TAG.
ecmp_snapshot() {
	local i
	for i in $(seq 1 "$ECMP_NDIR_MAX"); do
		[ -n "$(ecmp_uvsd_pid "$i")" ] || continue
		ecmp_flows "$i" | sed "s/^/d$i /"
	done >"$LAB_DIR/$1.$2"
}

# ecmp_answered NAME WHAT: how many connections' WHAT (before, after,
# conn) request a real server answered.
ecmp_answered() {
	awk -v w="$2" '$1 == w && $4 ~ /^rs[0-9]+$/ { k++ } END { print k + 0 }' \
		"$LAB_DIR/$1.conns"
}

# ecmp_broken NAME: held connections whose second answer did not come
# from the server that gave the first (a reset, a timeout, ...).
ecmp_broken() {
	awk '$1 == "before" { b[$2] = $4 }
	    $1 == "after" && $4 != b[$2] { k++ } END { print k + 0 }' \
		"$LAB_DIR/$1.conns"
}

# ecmp_moves NAME: "dA>dB COUNT" for the held connections a director dB
# met for the first time between the snapshots before and after (the
# router sent them elsewhere), each pair on a line, sorted.
ecmp_moves() {
	awk 'FILENAME ~ /\.before$/ { at[$2] = $1; had[$1 " " $2] = 1; next }
	    !(($1 " " $2) in had) { m[(($2 in at) ? at[$2] : "new") ">" $1]++ }
	    END { for (k in m) print k, m[k] }' \
		"$LAB_DIR/$1.before" "$LAB_DIR/$1.after" | sort
}
ecmp_moved() { ecmp_moves "$1" | awk '{ s += $2 } END { print s + 0 }'; }

# ecmp_went_on NAME dI: how many of the flows dI held before reached some
# other director afterwards (each counted once, however many it reached).
ecmp_went_on() {
	awk -v d="$2" 'FILENAME ~ /\.before$/ { if ($1 == d) mine[$2] = 1; next }
	    $1 != d && ($2 in mine) && !seen[$2]++ { k++ } END { print k + 0 }' \
		"$LAB_DIR/$1.before" "$LAB_DIR/$1.after"
}

# ecmp_per_director NAME COUNTER: "dI VALUE" for each running director.
ecmp_per_director() {
	local i
	for i in $(seq 1 "$ECMP_NDIR_MAX"); do
		[ -n "$(ecmp_uvsd_pid "$i")" ] || continue
		echo "d$i $(ecmp_counter "$i" "$2")"
	done
}

# ecmp_stop_all: every director's BGP speaker and uvsd stop; the router's
# route goes (bounded wait).
ecmp_stop_all() {
	local i
	for i in $(seq 1 "$ECMP_NDIR_MAX"); do ecmp_stop_director "$i"; done
	ecmp_wait_nexthops 0
}

# ecmp_churn NAME SCHED N BASE NHOPS ACTION...: directors d1..d3 serve
# with SCHED; the client holds N keep-alive connections (one request
# each); ACTION runs (a director withdrawn, one added) and the router's
# route is waited for until it has NHOPS next hops; then each connection
# makes its second request. Leaves NAME.conns, NAME.before, NAME.after,
# and prints a summary: moves per director pair, and broken connections.
ecmp_churn() {
	local name=$1 sched=$2 n=$3 base=$4 nhops=$5 i
	shift 5
	for i in 1 2 3; do ecmp_director "$i" "$sched" || return 1; done
	ecmp_wait_nexthops 3 || return 1
	ecmp_hold "$name" "$n" "$base" || return 1
	ecmp_snapshot "$name" before
	"$@" || return 1
	ecmp_wait_nexthops "$nhops" || return 1
	ecmp_hold_go "$name"
	ecmp_snapshot "$name" after
	echo "# $name ($sched): $(ecmp_answered "$name" before)/$n held" \
		"connections answered before; moved by the router:" \
		"$(ecmp_moves "$name" | tr '\n' ' ')(total $(ecmp_moved "$name"));" \
		"broken $(ecmp_broken "$name")"
	awk '$1 == "after" && $4 !~ /^rs/ { print $4 }' "$LAB_DIR/$name.conns" |
		sort | uniq -c | sed "s/^/#   $name broken: /"
}

# The start of every ECMP test: root, bird2 (else the test is skipped
# whole, with its reason), and the lab removed however the test ends.
ecmp_test_start() {
	t_need_root
	if ! command -v bird >/dev/null; then
		t_skip "ECMP over BGP" "no bird2 (make deps installs it)"
		exit 0
	fi
	trap lab_down EXIT
}

# ecmp_side_by_side WHAT N NAME...: the moved and broken held connections
# of each run NAME (ecmp_churn), one row each.
ecmp_side_by_side() {
	local what=$1 n=$2 name
	shift 2
	echo "# side by side, $what, $n held connections:"
	printf '#   %-5s %6s %7s\n' sched moved broken
	for name in "$@"; do
		printf '#   %-5s %6s %7s\n' "$name" "$(ecmp_moved "$name")" \
			"$(ecmp_broken "$name")"
	done
}
