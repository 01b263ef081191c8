#!/bin/bash
# make lesson BREAK=arp, as a test: a real server holds the VIP without
# ARP suppression, so arping gets two MACs and clients may bypass the
# director; uvs-rs check names arp_ignore and the fix; after uvs-rs up
# only the director answers and requests spread over all real servers.
. "$(dirname "$0")/../lab/lab.sh"
. "$LAB_ROOT/tests/lab/ladder.sh"
. "$LAB_ROOT/tests/lab/breaks.sh"
t_need_root
trap lab_down EXIT
break_run arp
