# The namespace lab shared by the end-to-end tests and the demo.
# Source it from bash. It builds, all inside network namespaces it names
# with a prefix unique to the run (nothing touches the root namespace):
#
#   client 198.18.0.100 ─┐
#   director 198.18.0.2 ─┼─ br0 (in its own namespace)
#   rs1..rsN 198.18.0.11+┘    VIP 198.18.0.10 (RFC 2544 benchmark range)
#
# lab_down removes everything it made; callers set `trap lab_down EXIT`.
#
# lab_v6_up after lab_up gives the same hosts IPv6 beside IPv4, from the
# documentation prefix: client 2001:db8::100, director 2001:db8::2, real
# servers 2001:db8::11+, VIP6 2001:db8::10, all on one /64. DAD is off
# and router advertisements ignored, so addresses are usable at once and
# nothing but the test configures them.

LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$LAB_ROOT/$B ;; esac
LAB_P=${LAB_P:-uvs$$}
LAB_DIR=$(mktemp -d "/tmp/$LAB_P.XXXXXX")
LAB_PIDS=()
# A python3 on PATH that is a script is a version manager's shim
# (pyenv's): it costs 0.4 s a start, and a lab starts Python dozens of
# times. Its directory leaves PATH, so python3 is the next one, as a
# rule the one make deps installs; every other directory (a test's own
# stand-in arping) stays where it was.
lab_drop_python_shims() {
	local py n
	for n in 1 2 3 4; do
		py=$(command -v python3) || return 0
		[ "$(head -c 2 "$py")" = "#!" ] || return 0
		PATH=$(tr ':' '\n' <<<"$PATH" | grep -vxF "${py%/*}" | paste -sd:)
	done
}
lab_drop_python_shims
VIP=198.18.0.10
DIR_IP=198.18.0.2
CLIENT_IP=198.18.0.100
LAB_SOCK=$LAB_DIR/uvsd.sock
LAB_NRS=0

VIP6=2001:db8::10
DIR_IP6=2001:db8::2
CLIENT_IP6=2001:db8::100

rs_ip() { echo "198.18.0.$((10 + $1))"; }
rs_ip6() { echo "2001:db8::$((10 + $1))"; }
lab_ns() { echo "$LAB_P-$1"; }
lab_exec() { local n=$1; shift; ip netns exec "$(lab_ns "$n")" "$@"; }

# One host: a namespace with loopback up and an eth0 on the bridge.
lab_host() {
	local name=$1 addr=$2 ns
	ns=$(lab_ns "$name")
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	lab_exec "$name" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	lab_exec "$name" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	ip -n "$(lab_ns br)" link add "p-$name" type veth peer name eth0 \
		netns "$ns"
	ip -n "$(lab_ns br)" link set "p-$name" master br0 up
	ip -n "$ns" addr add "$addr/24" dev eth0
	ip -n "$ns" link set eth0 up
}

# lab_up N: bridge, client, director and N real servers.
lab_up() {
	local i
	LAB_NRS=${1:-3}
	ip netns add "$(lab_ns br)"
	# with br_netfilter loaded the bridge would check IPv4 headers and
	# drop malformed frames itself; the lab's bridge must be a plain wire
	ip netns exec "$(lab_ns br)" sh -c 'for f in /proc/sys/net/bridge/bridge-nf-call-*; do [ -e "$f" ] && echo 0 >"$f"; done; true'
	ip -n "$(lab_ns br)" link add br0 type bridge
	ip -n "$(lab_ns br)" link set br0 up
	lab_host c "$CLIENT_IP"
	lab_host d "$DIR_IP"
	for i in $(seq 1 "$LAB_NRS"); do
		lab_host "rs$i" "$(rs_ip "$i")"
	done
}

# IPv6 on one host, beside its IPv4: no DAD (accept_dad 0 before v6 comes
# up, so even the link-local address is never tentative), no RAs, the
# address on eth0 as /64 nodad.
lab_host_v6() {
	local name=$1 addr=$2 k
	for k in all default lo eth0; do
		lab_exec "$name" sysctl -qw "net.ipv6.conf.$k.accept_dad=0" \
			"net.ipv6.conf.$k.accept_ra=0"
	done
	for k in all default lo eth0; do
		lab_exec "$name" sysctl -qw "net.ipv6.conf.$k.disable_ipv6=0"
	done
	ip -n "$(lab_ns "$name")" -6 addr add "$addr/64" dev eth0 nodad
}

# lab_v6_up: IPv6 on every host lab_up made (see the top).
lab_v6_up() {
	local i
	lab_host_v6 c "$CLIENT_IP6"
	lab_host_v6 d "$DIR_IP6"
	for i in $(seq 1 "$LAB_NRS"); do
		lab_host_v6 "rs$i" "$(rs_ip6 "$i")"
	done
}

# Real server i for IPv6: VIP6 on lo (uvs-rs), HTTP on [::] (both
# families) and a UDP echo on VIP6.
lab_start_rs6() {
	local i=$1
	lab_exec "rs$i" "$B/uvs-rs" --state "$LAB_DIR/rs$i.state" up "$VIP6" \
		>/dev/null
	LAB_HTTPD_V6=1 lab_start_httpd_bg "$i"
	lab_bg "rs$i" "$LAB_DIR/rs$i.udp6.err" python3 \
		"$LAB_ROOT/tests/lab/udp_echo.py" --name "rs$i" --bind "$VIP6" \
		--port 9000
}

lab_start_all_rs6() {
	local i
	for i in $(seq 1 "$LAB_NRS"); do lab_start_rs6 "$i"; done
	for i in $(seq 1 "$LAB_NRS"); do lab_wait_port "rs$i" 80; done
}

# The v6 recipe: one TCP service on [VIP6]:80 over every real server.
lab_service6() {
	local sched=${1:-rr} i
	uvsadm -A -t "[$VIP6]:80" -s "$sched"
	for i in $(seq 1 "$LAB_NRS"); do
		uvsadm -a -t "[$VIP6]:80" -r "[$(rs_ip6 "$i")]:80" -g
	done
	lab_wait_resolved
}

# Runs a command in a namespace in the background, remembering its PID.
# `ip netns exec` execs the command, so $! is the command itself (a shell
# function here would put a subshell between, and kill would miss it).
lab_bg() {
	local name=$1 log=$2; shift 2
	ip netns exec "$(lab_ns "$name")" "$@" >"$log" 2>&1 &
	LAB_PIDS+=($!)
}

# Real server i: VIP on lo without ARP (uvs-rs), HTTP and UDP echo.
lab_start_rs() {
	local i=$1
	lab_exec "rs$i" "$B/uvs-rs" --state "$LAB_DIR/rs$i.state" up "$VIP" \
		>/dev/null
	lab_start_servers "$i"
}

# Real server i's HTTP server and UDP echo alone, whatever holds its VIP
# (the lesson's broken real servers hold it their own way).
lab_start_servers() {
	local i=$1
	lab_start_httpd_bg "$i"
	lab_bg "rs$i" "$LAB_DIR/rs$i.udp.err" python3 \
		"$LAB_ROOT/tests/lab/udp_echo.py" --name "rs$i" --bind "$VIP" \
		--port 9000
}

# LAB_HTTPD_V6=1: listen on [::], both families (lab_start_rs6).
lab_start_httpd_bg() {
	lab_bg "rs$1" "$LAB_DIR/rs$1.httpd.err" python3 \
		"$LAB_ROOT/tests/lab/rs_httpd.py" --name "rs$1" --port 80 \
		--log "$LAB_DIR/rs$1.access.log" ${LAB_HTTPD_V6:+--v6}
}
# Real server i's HTTP server stops, or starts again and listens (a
# health check test's failure and recovery).
lab_stop_httpd() { kill "$(lab_httpd_pid "$1")"; }
lab_start_httpd() { lab_start_httpd_bg "$1" && lab_wait_port "rs$1" 80; }

# The PID of real server i's HTTP server, as lab_start_servers started it.
lab_httpd_pid() {
	local pid
	for pid in "${LAB_PIDS[@]}"; do
		[ -r "/proc/$pid/cmdline" ] || continue
		tr '\0' ' ' <"/proc/$pid/cmdline" |
			grep -q "rs_httpd.py --name rs$1 " && echo "$pid"
	done
	return 0
}

lab_start_all_rs() {
	local i
	for i in $(seq 1 "$LAB_NRS"); do lab_start_rs "$i"; done
	for i in $(seq 1 "$LAB_NRS"); do lab_wait_port "rs$i" 80; done
}

# Waits (bounded, 5 s) until something listens on TCP port in a host.
lab_wait_port() {
	local name=$1 port=$2 n
	for n in $(seq 50); do
		lab_exec "$name" ss -Hltn "sport = :$port" | grep -q . && return 0
		sleep 0.1
	done
	echo "lab: nothing listens on $name:$port" >&2
	return 1
}

# uvsd on the director's eth0, logging to $LAB_DIR/uvsd.log. $UVSD_ARGS
# (a backend, a worker count) applies to every test that starts uvsd.
lab_start_uvsd() {
	local v=-v
	# a load test sets LAB_UVSD_QUIET: a log line per new flow would be
	# most of what uvsd does
	[ -n "${LAB_UVSD_QUIET:-}" ] && v=
	: >"$LAB_DIR/uvsd.log"
	# shellcheck disable=SC2086
	lab_run_uvsd -i eth0 $v ${UVSD_ARGS:-} "$@"
}

# lab_run_uvsd ARGS...: uvsd in the director with the lab's socket and
# exactly these arguments (its links among them), its log appended to
# uvsd.log; waits until the control socket is there. 0, or 1 with the
# log on stderr.
lab_run_uvsd() {
	local n
	ip netns exec "$(lab_ns d)" "$B/uvsd" --socket "$LAB_SOCK" "$@" \
		>>"$LAB_DIR/uvsd.log" 2>&1 &
	LAB_UVSD_PID=$!
	LAB_PIDS+=("$LAB_UVSD_PID")
	for n in $(seq 50); do
		[ -S "$LAB_SOCK" ] && return 0
		kill -0 "$LAB_UVSD_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "lab: uvsd did not start:" >&2
	cat "$LAB_DIR/uvsd.log" >&2
	return 1
}

# uvsadm against the lab's uvsd. $LAB_UVSADM replaces the program:
# tests/e2e/checks_fail.sh runs tests with a broken one.
uvsadm() {
	lab_exec d env UVS_SOCKET="$LAB_SOCK" "${LAB_UVSADM:-$B/uvsadm}" "$@"
}

# The value of one uvsd counter (uvsadm --counters prints "name value").
lab_counter() { uvsadm --counters | awk -v k="$1" '$1 == k { print $2 }'; }

# Waits (bounded, 5 s) until uvsd knows every real server's MAC.
lab_wait_resolved() {
	local n
	for n in $(seq 50); do
		[ "$(lab_counter dests_unresolved)" = 0 ] && return 0
		sleep 0.1
	done
	echo "lab: uvsd never learned every real server's MAC" >&2
	return 1
}

# The usual start of a test: root check, cleanup trap, N real servers
# serving, uvsd running. Exits the test when any of it fails.
lab_cluster() {
	t_need_root
	trap lab_down EXIT
	lab_up "${1:-3}"
	lab_start_all_rs || exit 1
	lab_start_uvsd || exit 1
}

# The classic recipe: one TCP service on VIP:80 over every real server.
lab_service() {
	local sched=${1:-rr} i
	uvsadm -A -t "$VIP:80" -s "$sched"
	for i in $(seq 1 "$LAB_NRS"); do
		uvsadm -a -t "$VIP:80" -r "$(rs_ip "$i"):80" -g
	done
	lab_wait_resolved
}

# Waits (bounded, 15 s) until uvsadm -L -n --checks shows real server
# $1 (an address; port 80) in health state $2: UP, DOWN, INHIBITED, ...
lab_wait_check() {
	local n
	for n in $(seq 75); do
		uvsadm -L -n --checks | grep -E "^  -> $1:80 +[a-z]+ +$2 " -q &&
			return 0
		sleep 0.2
	done
	echo "lab: $1 never reached $2" >&2
	return 1
}

lab_mac() { lab_exec "$1" cat /sys/class/net/eth0/address; }

# --- arping, either flavour ----------------------------------------------
# Debian has two arpings: iputils' (package iputils-arping, what `make deps`
# installs when there is none) and Thomas Habets' (package arping). They
# take different options (iputils: -I IFACE, -b to keep broadcasting after
# the first reply, -w makes -c count replies, -f stops at the first one;
# Habets: -i IFACE, always broadcasts, -w is a plain timeout, no -f) and
# print replies differently (iputils: "Unicast reply from IP [AA:BB:..]",
# MACs in upper case; Habets: "42 bytes from aa:bb:.. (IP): index=0 ...").
# No test runs arping itself: lab_arp_replies runs either one the same way
# and prints the same lines.

# The flavour of the arping on PATH: "iputils" or "habets"; fails for none.
arping_flavour() {
	if arping -V 2>&1 | grep -q iputils; then
		echo iputils
	elif arping --help 2>&1 | grep -q Habets; then
		echo habets
	else
		return 1
	fi
}

# arping_parse FLAVOUR COUNT: arping's output (stdout and stderr) on stdin
# in, each reply's sender MAC out, lower case, one a line, in the order
# they came. Unless the output ends with the flavour's summary of COUNT
# requests sent, it prints "arping failed: ..." instead and returns 1: a
# run that never happened must not read as "nobody answered".
arping_parse() {
	local flavour=$1 count=$2 out sent macs
	out=$(cat)
	case $flavour in
	iputils)
		sent=$(sed -n 's/^Sent \([0-9]*\) probes.*/\1/p' <<<"$out")
		macs=$(sed -nE 's/^(Unicast|Broadcast) reply from [0-9.]+ \[([0-9A-Fa-f:]{17})\].*/\2/p' <<<"$out")
		;;
	habets)
		sent=$(sed -n 's/^\([0-9]*\) packets transmitted,.*/\1/p' <<<"$out")
		macs=$(sed -nE 's/^[0-9]+ bytes from ([0-9A-Fa-f:]{17}) \(.*/\1/p' <<<"$out")
		;;
	esac
	if [ -z "$sent" ] || [ "$sent" != "$count" ]; then
		echo "arping failed: $flavour arping sent ${sent:-no} requests of $count: $(head -3 <<<"$out" | tr '\n' ' ')"
		return 1
	fi
	[ -z "$macs" ] || tr 'A-F' 'a-f' <<<"$macs"
}

# lab_arp_replies NS TARGET [COUNT]: COUNT (3) ARP requests for TARGET,
# broadcast from NS's eth0 one a second, then a second for late replies;
# prints the MAC of every reply, one a line (a host answering each
# request shows COUNT times). On failure, a line that is no MAC and 1.
lab_arp_replies() {
	local ns=$1 target=$2 count=${3:-3} flavour
	if ! flavour=$(arping_flavour); then
		echo "arping failed: no arping on PATH (iputils-arping or arping; make deps installs one)"
		return 1
	fi
	case $flavour in
	iputils) set -- arping -b -I eth0 -c "$count" "$target" ;;
	habets) set -- arping -i eth0 -c "$count" "$target" ;;
	esac
	timeout $((count + 5)) ip netns exec "$ns" "$@" 2>&1 |
		arping_parse "$flavour" "$count"
	# the parser's status, not the pipe's (arping exits 1 on no reply)
	return "${PIPESTATUS[1]}"
}

# lab_arp_announce NS ADDR [COUNT]: COUNT (2) unsolicited ARP requests
# from NS's eth0 saying ADDR is at its MAC, so the segment's caches learn
# it (iputils: -U -s ADDR -I eth0; Habets: -U -S ADDR -i eth0). Fails,
# saying why on stderr, when arping did not send them.
lab_arp_announce() {
	local ns=$1 addr=$2 count=${3:-2} flavour out
	if ! flavour=$(arping_flavour); then
		echo "arping failed: no arping on PATH" >&2
		return 1
	fi
	case $flavour in
	iputils) set -- arping -U -c "$count" -I eth0 -s "$addr" "$addr" ;;
	habets) set -- arping -U -c "$count" -i eth0 -S "$addr" "$addr" ;;
	esac
	out=$(timeout $((count + 5)) ip netns exec "$ns" "$@" 2>&1 |
		arping_parse "$flavour" "$count") || {
		echo "$out" >&2
		return 1
	}
}

# lab_arping_from NS TARGET [COUNT]: the MACs that answered, sorted, each
# once. On failure, lab_arp_replies's line and 1.
lab_arping_from() {
	local out
	out=$(lab_arp_replies "$@") || {
		echo "$out"
		return 1
	}
	[ -z "$out" ] || sort -u <<<"$out"
}

# lab_arping TARGET [COUNT]: the same, from the client.
lab_arping() { lab_arping_from "$(lab_ns c)" "$@"; }

lab_down() {
	local pid ns
	for pid in "${LAB_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${LAB_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	LAB_PIDS=()
	lab_sanitizer_check
	for ns in $(ip netns list | awk '{print $1}' | grep "^$LAB_P-"); do
		ip netns del "$ns"
	done
	rm -rf "$LAB_DIR"
}

# lab_sanitizer_check: on a sanitizer build, a report in any log of the
# lab (uvsd's above all) is a failed check, whatever the test looked at:
# UBSan goes on after a report and LeakSanitizer reports at exit, after
# the test's own checks. uvsd has exited by now (lab_down waited for it).
LAB_SAN_RE='ERROR: (Address|Leak)Sanitizer|runtime error:|WARNING: ThreadSanitizer'
lab_sanitizer_check() {
	local hits
	[ -d "$LAB_DIR" ] || return 0
	hits=$(grep -rlIE "$LAB_SAN_RE" "$LAB_DIR" 2>/dev/null)
	[ -n "$hits" ] || return 0
	t_fail "a sanitizer report in the lab's logs: $(basename -a $hits | tr '\n' ' ')"
	grep -hIE -A12 "$LAB_SAN_RE" $hits | head -40 | sed 's/^/# /'
}

# Test reporting: "ok - x" / "not ok - x"; t_done exits non-zero on failure.
# A check must be able to fail: a missing or empty input, no command, or a
# command that did not run is a failure, never a pass.
T_FAILED=0
t_ok() { echo "ok - $*"; }
t_fail() { echo "not ok - $*"; T_FAILED=$((T_FAILED + 1)); }
# t_check DESC CMD...: passes when CMD succeeds.
t_check() {
	local desc=$1
	shift
	if [ $# -gt 0 ] && "$@"; then t_ok "$desc"; else t_fail "$desc"; fi
}
# t_skip DESC WHY: a check this host cannot run; tests/run.sh counts it as
# skipped (TAP's "# SKIP"), not passed.
t_skip() { echo "ok - $1 # SKIP $2"; }
# all CMD... --and CMD...: true when every command is. t_check runs one
# command, so a shell "&&" after it would run outside the check, uncounted.
# An empty command (a doubled or trailing --and) is false.
all() {
	local cmd=()
	while [ $# -gt 0 ]; do
		if [ "$1" = --and ]; then
			[ ${#cmd[@]} -gt 0 ] && "${cmd[@]}" || return 1
			cmd=()
		else
			cmd+=("$1")
		fi
		shift
	done
	[ ${#cmd[@]} -gt 0 ] && "${cmd[@]}"
}
# not CMD...: true when CMD fails (for all; "!" is shell syntax). Only for
# a CMD whose failure means one thing: to say a listing lacks a line, use
# out_lacks, which fails when the listing itself does.
not() { [ $# -gt 0 ] && ! "$@"; }
# t_absent DESC REGEX FILE...: passes when every FILE is there and not
# empty, and no line of them matches.
t_absent() {
	local desc=$1 re=$2 f rc
	shift 2
	[ $# -gt 0 ] || { t_fail "$desc (no file given)"; return; }
	for f in "$@"; do
		[ -s "$f" ] || { t_fail "$desc ($f is missing or empty)"; return; }
	done
	grep -qE -- "$re" "$@"
	rc=$?
	if [ "$rc" = 1 ]; then t_ok "$desc"; else t_fail "$desc"; fi
}
# out_lacks REGEX CMD...: true when CMD succeeds and no line it prints
# matches (an empty output is fine: the command said so).
out_lacks() {
	local re=$1 out
	shift
	out=$("$@") || return 1
	! grep -qE -- "$re" <<<"$out"
}
# prints_nothing CMD...: true when CMD succeeds and prints nothing.
prints_nothing() {
	local out
	out=$("$@") || return 1
	[ -z "$out" ]
}
# same FILE1 FILE2: true when both can be read, are not empty and hold the
# same bytes (either may be a <(command)).
same() {
	local a b
	a=$(cat -- "$1" && echo .) && b=$(cat -- "$2" && echo .) || return 1
	[ "$a" != . ] && [ "$a" = "$b" ]
}
t_need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: $(basename "$0") needs root (network namespaces)"
		exit 77
	fi
}
t_done() { [ "$T_FAILED" = 0 ]; }
