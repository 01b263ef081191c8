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
if ! declare -F lab_v6_up >/dev/null; then
	t_skip "lesson kernelvip6" "the lab has no lab_v6_up yet"
	exit 0
fi
break_run kernelvip6
