#!/bin/bash
# make lesson BREAK=announce, as a test: a real server with arp_ignore=1
# but arp_announce=0 ARPs for the client with the VIP as sender, and the
# client's cache moves the VIP to it; uvs-rs check names arp_announce and
# the fix; after uvs-rs up its ARP requests leave the client's cache alone.
. "$(dirname "$0")/../lab/lab.sh"
. "$LAB_ROOT/tests/lab/ladder.sh"
. "$LAB_ROOT/tests/lab/breaks.sh"
t_need_root
trap lab_down EXIT
break_run announce
