#!/bin/bash
# Two-armed DR, the kernel IPVS selftest's DR case: clients reach the VIP
# through the director on one link (veth10), the real server sits on the
# other (veth12). uvsd -i veth10 -i veth12 sends each frame out of the
# link the kernel's route to the real server names, with that link's MAC
# as source. Controls: with only the client's link uvsd cannot reach the
# real server, and its dest stays unresolved; a dest with no port given
# takes the service's. Two workers (-j 2) serve both links too. The
# real server may appear after `uvsadm -a`, the
# director's route to it may appear late, and transfers far apart (the
# director's neighbour entries made to expire in between) still pass. A
# smaller MTU on the real server's arm gets ICMP frag-needed, as in IPVS.
. "$(dirname "$0")/../lab/lab.sh"
. "$LAB_ROOT/tests/lab/topo.sh"
t_need_root
trap lab_down EXIT
LAB_P=${LAB_P}t

svc() {
	uvsadm -A -t "$TOPO_VIP:$TOPO_PORT" -s rr
	uvsadm -a -t "$TOPO_VIP:$TOPO_PORT" -r "${1:-$TOPO_RIP:$TOPO_PORT}" -g
}

# 0. Bad -i lists are refused with one line, before anything opens.
topo_up
bad_i() {
	local want=$1 out rc; shift
	out=$(lab_exec d "$B/uvsd" --socket "$LAB_DIR/bad.sock" "$@" 2>&1); rc=$?
	t_check "uvsd $* -> exit $rc: $out" \
		eval '[ "$rc" != 0 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q "$want" <<<"$out"'
}
bad_i "veth10 given twice" -i veth10 -i veth10
bad_i "veth10 given twice" -i veth10,veth12,veth10
bad_i "is not an interface name" -i veth10,
bad_i "interface nosuch0" -i veth10 -i nosuch0
bad_i "at most 8 interfaces" -i a1,a2,a3,a4,a5,a6,a7,a8,a9

# 1. Control: one arm. The route to the real server names veth12, which
# uvsd was not given: the dest never resolves and nothing gets through.
topo_rs_serve || exit 1
topo_start_uvsd -i veth10 || exit 1
svc
sleep 2
t_check "one-armed control: the dest on the other arm stays unresolved" \
	[ "$(lab_counter dests_unresolved)" = 1 ]
t_check "one-armed control: the transfer fails" not topo_transfer 32 3
topo_stop_uvsd

# 1b. Two arms and two workers: each worker has its own socket on each
# link (the sockets of a link in one fanout group), and the frames still
# leave by the real server's arm.
topo_start_uvsd -i veth10 -i veth12 -j 2 || exit 1
svc
t_check "-j 2, two arms: the dest resolves on veth12" topo_wait_resolved
t_check "-j 2, two arms: a 1 MB transfer arrives byte-exact" \
	topo_transfer 1000000
t_check "-j 2, two arms: the start line names both links and two workers" \
	grep -q "director on veth10, veth12 (2 ring workers" "$LAB_DIR/uvsd.log"
topo_stop_uvsd

# 2. Two arms, real server set up before `uvsadm -a`.
topo_start_uvsd -i veth10 -i veth12 || exit 1
svc
t_check "two arms: the dest resolves on veth12" topo_wait_resolved
lab_exec rs timeout 5 tcpdump -l -n -e -c 1 -i veth21 "tcp dst port $TOPO_PORT" \
	>"$LAB_DIR/veth21.txt" 2>/dev/null &
sleep 1
t_check "two arms: a 32-byte transfer arrives byte-exact" topo_transfer 32
wait $! 2>/dev/null
t_check "two arms: a 1 MB transfer arrives byte-exact" topo_transfer 1000000
mac12=$(lab_exec d cat /sys/class/net/veth12/address)
t_check "uvsd logged the flow sent with veth12's MAC ($mac12)" \
	grep -q "src MAC $mac12 on ifindex" "$LAB_DIR/uvsd.log"
t_check "on the real server's arm the frame came from veth12's MAC: $(head -c 90 "$LAB_DIR/veth21.txt")" \
	grep -q "^[0-9:.]* $mac12 > " "$LAB_DIR/veth21.txt"
t_check "the real server saw the client's address" \
	grep -q "^$TOPO_CIP POST /upload" "$LAB_DIR/rs.access.log"
t_check "the start line names both links" \
	grep -q "director on veth10, veth12" "$LAB_DIR/uvsd.log"

# 2b. The links in the other order, and the client on the director's LAN
# (no router: it ARPs for the VIP). The answer comes from the second
# link with that link's MAC, and the transfer passes.
topo_stop_uvsd
topo_start_uvsd -i veth12,veth10 || exit 1
svc
topo_wait_resolved
lab_exec c ip route del "$TOPO_VIP"
lab_exec c ip route add "$TOPO_VIP" dev br0
mac10=$(lab_exec d cat /sys/class/net/veth10/address)
lab_exec c ip neigh flush dev br0
t_check "same LAN, second link: a transfer passes" topo_transfer 32
got=$(lab_exec c ip neigh show "$TOPO_VIP" dev br0 | awk '{print $3}')
t_check "same LAN, second link: the VIP is-at veth10's MAC ($got)" \
	[ "$got" = "$mac10" ]
lab_exec c ip route del "$TOPO_VIP"
lab_exec c ip route add "$TOPO_VIP" via "$TOPO_GIP" dev br0

# 3. A dest given without a port takes the service's.
uvsadm -C
svc "$TOPO_RIP"
t_check "a dest without a port: resolved" topo_wait_resolved
t_check "a dest without a port: the transfer passes" topo_transfer 32

# 4. Transfers far apart: the director's neighbour entries expire in
# between (the lab lowers its timers so seconds stand in for minutes).
lab_exec d sysctl -qw net.ipv4.neigh.veth12.base_reachable_time_ms=1000
lab_exec d sysctl -qw net.ipv4.neigh.veth12.gc_stale_time=1
lab_exec d sysctl -qw net.ipv4.neigh.veth12.delay_first_probe_time=1
lab_exec d ip neigh flush dev veth12
sleep 12
t_check "a transfer 12 s later, the neighbour entry flushed and re-learned" \
	topo_transfer 32
sleep 12
t_check "and another 12 s after that" topo_transfer 32

# 4b. The real server's arm has a smaller MTU (1400): a datagram with DF
# that fits the client's link but not that one gets ICMP frag-needed
# back from the VIP, as IPVS's DR transmit sends it, and the client's
# kernel learns the path MTU.
lab_exec d ip link set veth12 mtu 1400
lab_exec rs ip link set veth21 mtu 1400
sleep 1
uvsadm -A -u "$TOPO_VIP:9000" -s rr
uvsadm -a -u "$TOPO_VIP:9000" -r "$TOPO_RIP" -g
topo_wait_resolved
lab_exec c timeout 5 python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, 10, 2)	# IP_MTU_DISCOVER: IP_PMTUDISC_DO
s.sendto(b"x" * 1422, (sys.argv[1], 9000))	# 1450 bytes of IPv4, DF
# the kernel learns the path MTU from the ICMP only while a socket of
# the flow is open
time.sleep(2)' "$TOPO_VIP"
lab_exec c ip route get "$TOPO_VIP" >"$LAB_DIR/pmtu.txt"
t_check "DR, smaller MTU on the real server's arm: ICMP frag-needed sent ($(lab_counter drop_dr_too_big))" \
	[ "$(lab_counter drop_dr_too_big)" -ge 1 ]
t_check "and the client learned it: $(tr -s ' \n' ' ' <"$LAB_DIR/pmtu.txt")" \
	grep -q "mtu 1400" "$LAB_DIR/pmtu.txt"
t_check "TCP still passes through the smaller arm" topo_transfer 1000000
topo_stop_uvsd
lab_down
trap - EXIT

# 5. The real server set up after `uvsadm -a`, and the director's own
# route to it appearing only then (veth12 down at first): the routing
# change is followed, the dest resolves on veth12.
LAB_P=${LAB_P}l
LAB_DIR=$(mktemp -d "/tmp/$LAB_P.XXXXXX")
LAB_SOCK=$LAB_DIR/uvsd.sock
trap lab_down EXIT
TOPO_RS_LATE=1 topo_up
lab_exec d ip link set veth12 down
topo_start_uvsd -i veth10 -i veth12 || exit 1
svc
sleep 1
t_check "real server not there yet: the dest is unresolved" \
	[ "$(lab_counter dests_unresolved)" = 1 ]
lab_exec d ip link set veth12 up
topo_rs_arm
topo_rs_serve || exit 1
t_check "real server set up after -a: the dest resolves" topo_wait_resolved 10
t_check "real server set up after -a: the transfer passes" topo_transfer 32
t_absent "no sanitizer report in uvsd's log" 'Sanitizer|runtime error' \
	"$LAB_DIR/uvsd.log"
t_done
