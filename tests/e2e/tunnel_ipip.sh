#!/bin/bash
# Tunnel mode (-i, IP-in-IP), the kernel IPVS selftest's tunnel case:
# uvsd wraps the client's packet in IPv4 to the real server, which has
# no ipip module here, so uvs-rs up --tun ipip unwraps it in user space.
# Controls: without the decapsulator nothing gets through; the director
# with only the client's link cannot reach the real server.
. "$(dirname "$0")/../lab/lab.sh"
. "$LAB_ROOT/tests/lab/topo.sh"
t_need_root
trap topo_down EXIT
TOPO_OVERHEAD=20 topo_tunnel_case ipip "ip proto 4" -- --tun ipip
topo_down
trap - EXIT

# uvsd -j 2 (workers: each wraps in its own thread), one link: the real
# server tunnelled to on its address on the client's LAN (sip).
LAB_P=${LAB_P}j
LAB_DIR=$(mktemp -d "/tmp/$LAB_P.XXXXXX")
LAB_SOCK=$LAB_DIR/uvsd.sock
trap topo_down EXIT
topo_up
topo_tunnel_sysctls
topo_start_uvsd -i veth10 -j 2 --fanout flow || exit 1
uvsadm -A -t "$TOPO_VIP:$TOPO_PORT" -s rr
uvsadm -a -t "$TOPO_VIP:$TOPO_PORT" -r "$TOPO_SIP" -i
topo_wait_resolved
topo_rs_serve --tun ipip || exit 1
t_check "-j 2: a 20 MB transfer through the tunnel arrives byte-exact" \
	topo_transfer 20000000 60
for n in 1 2 3 4 5 6; do topo_transfer 32 || t_fail "-j 2: transfer $n"; done
# A datagram without DF that fits the client's link but not the tunnel:
# IPVS lets the kernel fragment the outer packet; so does uvsd.
uvsadm -A -u "$TOPO_VIP:9000" -s rr
uvsadm -a -u "$TOPO_VIP:9000" -r "$TOPO_SIP" -i
topo_wait_resolved
lab_bg rs "$LAB_DIR/rs.udp.err" python3 "$LAB_ROOT/tests/lab/udp_echo.py" \
	--name rs --bind "$TOPO_VIP" --port 9000
sleep 0.5
lab_exec rs timeout 8 tcpdump -l -n -c 2 -i veth20 \
	"ip proto 4 and ip[6:2] & 0x3fff != 0" >"$LAB_DIR/frags.txt" \
	2>"$LAB_DIR/frags.err" &
for n in $(seq 30); do grep -q listening "$LAB_DIR/frags.err" && break; sleep 0.1; done
got=$(lab_exec c timeout 5 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, 10, 5)	# IP_MTU_DISCOVER: IP_PMTUDISC_OMIT,
# no DF, the link MTU, whatever the tunnel taught this host before
s.settimeout(3)
s.sendto(b"x" * 1462, (sys.argv[1], 9000))	# 1490 bytes of IPv4
print(len(s.recv(4096)))' "$TOPO_VIP")
wait $! 2>/dev/null
t_check "no DF, 1490 bytes, tunnel MTU 1480: the echo came back (${got:-no} bytes)" \
	[ "${got:-0}" -ge 1462 ]
t_check "the outer packet went in fragments: $(tr -s ' \n' ' ' <"$LAB_DIR/frags.txt" | head -c 200)" \
	[ "$(grep -c "$TOPO_GIP > $TOPO_SIP" "$LAB_DIR/frags.txt")" = 2 ]
t_check "-j 2: both workers wrapped packets ($(uvsadm --counters | grep -E 'worker._rx' | tr '\n' ' '))" \
	[ "$(lab_counter tun_packets)" -gt 0 -a \
	"$(lab_counter worker0_rx_frames)" -gt 0 -a \
	"$(lab_counter worker1_rx_frames)" -gt 0 ]
t_done
