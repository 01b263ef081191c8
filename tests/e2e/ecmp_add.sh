#!/bin/bash
# Scale-out on ECMP (issue 15, part 3c and 3d): a fourth director added
# (its uvsd loads the same rules, its BGP speaker announces the VIP) takes
# a share of the flows already open: the router's hash-threshold ECMP
# gives it about a quarter and shuffles some between the others too.
# With mh (-b mh-port) and --sloppy-tcp each director that meets a flow
# in mid-stream sends it to the real server that holds it: 300 held
# keep-alive connections, a request before and after, none broken.
# Control, side by side: with wlc a large share of the moved ones break.
# run.sh: alone
. "$(dirname "$0")/../lab/lab.sh"
. "$(dirname "$0")/../lab/ecmp.sh"
ecmp_test_start

N=300
ecmp_up 3 3 || exit 1
ecmp_dir_host 4 || exit 1

ecmp_churn mh mh "$N" 10000 4 ecmp_director 4 mh || exit 1
to_d4=$(ecmp_moves mh | awk '$1 ~ />d4$/ { s += $2 } END { print s + 0 }')
t_check "mh: all $N connections were open and answered before ($(ecmp_answered mh before))" \
	[ "$(ecmp_answered mh before)" = "$N" ]
# a quarter is 75; 30 is more than five standard deviations below
t_check "mh: the new director d4 took a share of the open connections ($to_d4)" \
	[ "$to_d4" -ge 30 ]
t_check "mh: no held connection broke ($(ecmp_broken mh) of $(ecmp_moved mh) moved)" \
	[ "$(ecmp_broken mh)" = 0 -a "$(ecmp_answered mh after)" = "$N" ]
t_check "mh: d4 dropped nothing it was handed mid-stream ($(ecmp_counter 4 drop_tcp_nosyn) tcp_nosyn)" \
	[ "$(ecmp_counter 4 drop_tcp_nosyn)" = 0 ]
ecmp_stop_all || exit 1

ecmp_churn wlc wlc "$N" 11000 4 ecmp_director 4 wlc || exit 1
wlc_moved=$(ecmp_moved wlc) wlc_broken=$(ecmp_broken wlc)
t_check "wlc: all $N connections were open and answered before ($(ecmp_answered wlc before))" \
	[ "$(ecmp_answered wlc before)" = "$N" ]
t_check "control, wlc: a large share of the moved connections broke ($wlc_broken of $wlc_moved)" \
	[ "$wlc_moved" -gt 0 -a "$((wlc_broken * 3))" -ge "$wlc_moved" ]

ecmp_side_by_side "a fourth director added" "$N" mh wlc
t_done
