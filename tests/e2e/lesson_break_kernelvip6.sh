#!/bin/bash
# make lesson BREAK=kernelvip6, as a test: the kernelvip mistake over
# IPv6. The director holds [VIP6] on eth0 and uvsd runs with --no-guard:
# its kernel resets the v6 connections; uvsd --check names the VIP on eth0,
# the guard off and the fix; restarted with its guard, uvsd serves every
# request and --check says ok. Needs the lab's v6 addressing.
. "$(dirname "$0")/../lab/lab.sh"
. "$LAB_ROOT/tests/lab/ladder.sh"
. "$LAB_ROOT/tests/lab/breaks.sh"
t_need_root
trap lab_down EXIT
break_run kernelvip6
