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
t_check "-j 2: both workers wrapped packets ($(uvsadm --counters | grep -E 'worker._rx' | tr '\n' ' '))" \
	[ "$(lab_counter tun_packets)" -gt 0 -a \
	"$(lab_counter worker0_rx_frames)" -gt 0 -a \
	"$(lab_counter worker1_rx_frames)" -gt 0 ]
t_done
