#!/bin/bash
# make lesson BREAK=offload6, as a test: the offload mistake over IPv6.
# uvsd --no-vnet forwards v6 segments whose TCP checksum the client's veth
# left to the hardware: every connection hangs and the real servers count
# TcpInCsumErrors; uvs-rs check VIP6 notes them and names --no-vnet; after
# uvsd restarts without it every request is answered. Needs the lab's v6
# addressing.
. "$(dirname "$0")/../lab/lab.sh"
. "$LAB_ROOT/tests/lab/ladder.sh"
. "$LAB_ROOT/tests/lab/breaks.sh"
t_need_root
trap lab_down EXIT
break_run offload6
