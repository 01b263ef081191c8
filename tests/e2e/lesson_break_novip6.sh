#!/bin/bash
# make lesson BREAK=novip6, as a test: the novip mistake over IPv6. A real
# server without [VIP6] on lo leaves its share of v6 connections hanging
# (its kernel drops frames for an address it does not have, Neighbor
# Discovery or not); uvs-rs check names the missing VIP and the fix; after
# uvs-rs up every request is answered. Needs the lab's v6 addressing
# (lab_v6_up).
. "$(dirname "$0")/../lab/lab.sh"
. "$LAB_ROOT/tests/lab/ladder.sh"
. "$LAB_ROOT/tests/lab/breaks.sh"
t_need_root
trap lab_down EXIT
break_run novip6
