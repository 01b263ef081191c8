#!/bin/bash
# Scale-out on ECMP (issue 15, part 3e): a real server removed on every
# director moves only about 1/n of the flows with mh. Three directors,
# four real servers; 300 flows, each from its own client port, are
# opened, answered and reset (no TIME_WAIT keeps the port); rs4 is
# removed from every director's table; the same 300 flows (same
# 5-tuples, so the same director) are opened again. mh moves the ones
# rs4 held, about a quarter, and next to nothing else (Maglev's table is
# nearly, not exactly, minimal). Control: sh (-b sh-port) deals its
# table out to the servers in turn, so one server fewer moves about
# three quarters.
# run.sh: alone
. "$(dirname "$0")/../lab/lab.sh"
. "$(dirname "$0")/../lab/ecmp.sh"
ecmp_test_start

N=300
ecmp_up 3 4 || exit 1

# pairs NAME: "PORT BEFORE AFTER" for each flow of the two rounds
pairs() {
	join <(awk '$1 == "conn" { print $3, $4 }' "$LAB_DIR/$1.1.conns" | sort) \
		<(awk '$1 == "conn" { print $3, $4 }' "$LAB_DIR/$1.2.conns" | sort)
}
# run SCHED BASE: the two rounds with rs4 removed between them; sets
# MOVED (flows whose server changed), ON4 (flows rs4 had), OTHER (moved
# though their server stayed), OK1 and OK2 (answered in each round)
run() {
	local sched=$1 base=$2 i
	for i in 1 2 3; do ecmp_director "$i" "$sched" || return 1; done
	ecmp_wait_nexthops 3 || return 1
	ecmp_once "$sched.1" "$N" "$base" || return 1
	for i in 1 2 3; do
		ecmp_adm "$i" -d -t "$ECMP_VIP:80" -r "$(rs_ip 4):80" || return 1
	done
	ecmp_once "$sched.2" "$N" "$base" || return 1
	OK1=$(ecmp_answered "$sched.1" conn)
	OK2=$(ecmp_answered "$sched.2" conn)
	MOVED=$(pairs "$sched" | awk '$2 != $3 { k++ } END { print k + 0 }')
	ON4=$(pairs "$sched" | awk '$2 == "rs4" { k++ } END { print k + 0 }')
	OTHER=$(pairs "$sched" | awk '$2 != "rs4" && $2 != $3 { k++ } END { print k + 0 }')
	echo "# $sched: rs4 held $ON4 of $N flows; with rs4 removed $MOVED moved" \
		"($(awk -v m="$MOVED" -v n="$N" 'BEGIN { printf "%.1f", 100 * m / n }')%)," \
		"$OTHER of them from a server that stayed"
	pairs "$sched" | awk '{ print $2 " -> " $3 }' | sort | uniq -c |
		sed "s/^/#   $sched /"
}

run mh 10000 || exit 1
t_check "mh: every flow was answered in both rounds ($OK1, $OK2)" \
	[ "$OK1" = "$N" -a "$OK2" = "$N" ]
t_check "mh: rs4 had a share of the flows before ($ON4)" [ "$ON4" -ge 30 ]
t_check "mh: no flow went to rs4 once it was removed" \
	[ "$(awk '$1 == "conn" && $4 == "rs4"' "$LAB_DIR/mh.2.conns" | wc -l)" = 0 ]
# about 1/n: the flows rs4 held, and at most 5% of the others
t_check "mh: only about 1/4 of the flows moved ($MOVED of $N: $ON4 from rs4, $OTHER others)" \
	[ "$MOVED" -le $((ON4 + N / 20)) -a "$MOVED" -ge "$ON4" ]
mh_moved=$MOVED
ecmp_stop_all || exit 1
# rs4 goes back for the control's first round
run sh 11000 || exit 1
t_check "sh: every flow was answered in both rounds ($OK1, $OK2)" \
	[ "$OK1" = "$N" -a "$OK2" = "$N" ]
t_check "control, sh: about 3/4 of the flows moved ($MOVED of $N)" \
	[ "$MOVED" -ge $((N / 2)) ]

echo "# side by side, one real server of four removed on every director:"
printf '#   %-5s %9s\n' sched "moved/$N" mh "$mh_moved" sh "$MOVED"
t_done
