#!/bin/bash
# Scale-out on ECMP (issue 15, part 3b and 3d): a director withdrawn
# (its BGP speaker stopped; its uvsd goes on) loses its flows to the
# others, and the router's hash-threshold ECMP moves some flows between
# the two that stay as well. With mh (-b mh-port) and --sloppy-tcp the
# director that is handed the middle of a flow schedules it anew and
# the hash picks the real server that holds it: 300 held keep-alive
# connections, each making a request before and after, none broken.
# Control, side by side: with wlc the moved connections are scheduled
# by load, most land on another real server, which resets them.
# run.sh: alone
. "$(dirname "$0")/../lab/lab.sh"
. "$(dirname "$0")/../lab/ecmp.sh"
ecmp_test_start

N=300
ecmp_up 3 3 || exit 1

ecmp_churn mh mh "$N" 10000 2 ecmp_withdraw 3 || exit 1
d3=$(awk '$1 == "d3"' "$LAB_DIR/mh.before" | wc -l)
from_d3=$(ecmp_moves mh | awk '$1 ~ /^d3>/ { s += $2 } END { print s + 0 }')
t_check "mh: all $N connections were open and answered before ($(ecmp_answered mh before))" \
	[ "$(ecmp_answered mh before)" = "$N" ]
t_check "mh: every connection d3 carried ($d3) was moved to another director ($from_d3)" \
	[ "$d3" -gt 0 -a "$from_d3" = "$d3" ]
t_check "d3's uvsd still runs: only its BGP speaker stopped" \
	kill -0 "$(ecmp_uvsd_pid 3)"
t_check "mh: no held connection broke ($(ecmp_broken mh) of $(ecmp_moved mh) moved)" \
	[ "$(ecmp_broken mh)" = 0 -a "$(ecmp_answered mh after)" = "$N" ]
ecmp_stop_all || exit 1

ecmp_churn wlc wlc "$N" 11000 2 ecmp_withdraw 3 || exit 1
wlc_moved=$(ecmp_moved wlc) wlc_broken=$(ecmp_broken wlc)
t_check "wlc: all $N connections were open and answered before ($(ecmp_answered wlc before))" \
	[ "$(ecmp_answered wlc before)" = "$N" ]
# a moved flow lands on its old server by chance (1 in 3): a third of
# the moved ones is far below what wlc breaks, far above zero
t_check "control, wlc: a large share of the moved connections broke ($wlc_broken of $wlc_moved)" \
	[ "$wlc_moved" -gt 0 -a "$((wlc_broken * 3))" -ge "$wlc_moved" ]

ecmp_side_by_side "one director of three withdrawn" "$N" mh wlc
t_done
