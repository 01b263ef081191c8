#!/bin/bash
# make lesson BREAK=ndp, as a test: the arp mistake over IPv6. A real
# server holding [VIP6] on eth0 instead of lo answers Neighbor
# Solicitations for it, so two MACs advertise the VIP and the client may
# send past the director; uvs-rs check names eth0 and the fix; after the
# VIP moves to lo (uvs-rs up) only the director answers NS and requests
# spread over all real servers. Needs the lab's v6 addressing.
. "$(dirname "$0")/../lab/lab.sh"
. "$LAB_ROOT/tests/lab/ladder.sh"
. "$LAB_ROOT/tests/lab/breaks.sh"
t_need_root
trap lab_down EXIT
break_run ndp
