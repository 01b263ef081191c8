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
t_done
