#!/bin/bash
# make lesson BREAK=kernelvip, as a test: the VIP on the director's own
# interface with uvsd --no-guard lets the director's kernel reset the
# client's connections; uvsd --check names the VIP on eth0, the guard that
# is off and the fix; uvsd with its guard serves every request with the VIP
# still on eth0, and --check then says so.
. "$(dirname "$0")/../lab/lab.sh"
. "$LAB_ROOT/tests/lab/ladder.sh"
. "$LAB_ROOT/tests/lab/breaks.sh"
t_need_root
trap lab_down EXIT
break_run kernelvip
