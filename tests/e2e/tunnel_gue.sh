#!/bin/bash
# Tunnel mode with GUE (--tun-type gue --tun-port 6080), as ipvsadm and
# IPVS do it: the client's packet in a GUE header in UDP to the real
# server's port 6080, without and with the outer UDP checksum, and GRE.
# The real server unwraps in user space (uvs-rs up --tun gue|gre).
. "$(dirname "$0")/../lab/lab.sh"
. "$LAB_ROOT/tests/lab/topo.sh"
t_need_root
trap topo_down EXIT
TOPO_SAVED_TUN=" --tun-type gue --tun-port 6080 --tun-nocsum" \
TOPO_OVERHEAD=32 topo_tunnel_case gue "udp dst port 6080" \
	--tun-type gue --tun-port 6080 -- --tun gue --tun-port 6080
topo_down
trap - EXIT

LAB_P=${LAB_P}c
LAB_DIR=$(mktemp -d "/tmp/$LAB_P.XXXXXX")
LAB_SOCK=$LAB_DIR/uvsd.sock
trap topo_down EXIT
TOPO_SAVED_TUN=" --tun-type gue --tun-port 6080 --tun-csum" \
TOPO_OVERHEAD=32 topo_tunnel_case gue-csum "udp dst port 6080" \
	--tun-type gue --tun-port 6080 --tun-csum -- --tun gue --tun-port 6080
t_check "gue-csum: tcpdump finds the outer UDP checksum right" \
	grep -q "udp sum ok" "$LAB_DIR/tun.txt"
topo_down
trap - EXIT

LAB_P=${LAB_P}g
LAB_DIR=$(mktemp -d "/tmp/$LAB_P.XXXXXX")
LAB_SOCK=$LAB_DIR/uvsd.sock
trap topo_down EXIT
TOPO_SAVED_TUN=" --tun-type gre --tun-csum" \
TOPO_OVERHEAD=28 topo_tunnel_case gre-csum "ip proto 47" \
	--tun-type gre --tun-csum -- --tun gre
t_done
