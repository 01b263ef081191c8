#!/bin/bash
# Health checks the keepalived way: a real server whose HTTP server stops,
# or whose link goes down, gets no new flow within interval x fall (+1 s),
# clients retrying succeed, and it comes back after rise checks; with every
# server down the sorry server answers; a quorum with hysteresis takes the
# service to the sorry server and back; checks leave from the director's
# own address; -S | -R keeps every check.
# run.sh: alone
. "$(dirname "$0")/../lab/lab.sh"
lab_cluster 4		# rs4: the sorry server, holding the VIP as the others
R1=$(rs_ip 1) R2=$(rs_ip 2) R3=$(rs_ip 3) R4=$(rs_ip 4)
CHK="--check http --check-interval 1 --check-timeout 0.5 --fall 2 --rise 2"

# N curls that retry (a connection refused too); one answer (or FAIL) a line
curls() {
	local n=$1 i
	for i in $(seq "$n"); do
		lab_exec c curl -s -m 3 --retry 2 --retry-connrefused \
			"http://$VIP/" || echo FAIL
	done
}
count() { grep -cx "$1" "$2"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
within() { awk -v e="$1" -v m="$2" 'BEGIN { exit !(e <= m) }'; }

# -L (or -L --checks, -S) has a line matching an extended regex
listed() { uvsadm -L -n | grep -qE "$1"; }
checks_say() { uvsadm -L -n --checks | grep -qE "$1"; }
saved() { uvsadm -S -n | grep -qE -- "$1"; }

# (6, set up first) the classic recipe's VIP on the director's eth0:1: the
# checks must still leave from 198.18.0.2 (only with uvsd's kernel guard)
if grep -q 'kernel guard: table' "$LAB_DIR/uvsd.log"; then
	lab_exec d ip addr add "$VIP/24" dev eth0 label eth0:1
	VIP_ON_KERNEL=1
fi

uvsadm -A -t "$VIP:80" -s rr
for r in "$R1" "$R2" "$R3"; do
	# shellcheck disable=SC2086
	uvsadm -a -t "$VIP:80" -r "$r:80" -g $CHK
done
lab_wait_resolved || exit 1
lab_wait_check "$R1" UP && lab_wait_check "$R2" UP && lab_wait_check "$R3" UP
curls 9 >"$LAB_DIR/a0"
t_check "all three serve with checks on (3 each)" \
	[ "$(count rs1 "$LAB_DIR/a0")$(count rs2 "$LAB_DIR/a0")$(count rs3 "$LAB_DIR/a0")" = 333 ]
uvsadm -L -n >"$LAB_DIR/l0"
t_absent "plain -L is ipvsadm's: no health words" 'check|http|UP' "$LAB_DIR/l0"
c0_ok=$(lab_counter checks_ok)
c0_changes=$(lab_counter state_changes)

# (1) rs2's HTTP server stops
t0=$(now)
lab_stop_httpd 2
sleep 3			# interval 1 x fall 2, +1 s
curls 30 >"$LAB_DIR/a1"
t_check "after interval x fall + 1 s: 30 retrying curls all answered" \
	all [ "$(grep -c . "$LAB_DIR/a1")" = 30 ] --and not grep -q FAIL "$LAB_DIR/a1"
t_check "none lands on rs2 (rs1 $(count rs1 "$LAB_DIR/a1"), rs3 $(count rs3 "$LAB_DIR/a1"))" \
	[ "$(count rs1 "$LAB_DIR/a1")" = 15 -a "$(count rs3 "$LAB_DIR/a1")" = 15 ]
down_at=$(grep -m1 "check: rs $R2:80 of TCP $VIP:80 DOWN" "$LAB_DIR/uvsd.log")
t_check "one log line for the transition ($down_at)" \
	[ "$(grep -c "check: rs $R2:80 of TCP $VIP:80 DOWN after 2 failures (connect: Connection refused); weight 0 (inhibit)" "$LAB_DIR/uvsd.log")" = 1 ]
uvsadm -L -n >"$LAB_DIR/l1"
t_check "-L shows rs2 with weight 0, as ipvsadm under keepalived's inhibit" \
	grep -qE "^  -> $R2:80 +Route +0 " "$LAB_DIR/l1"
t_check "-L --checks says INHIBITED, weight 0 of 1" \
	checks_say "^  -> $R2:80 +http +INHIBITED +0/1 "
t_check "counters: dests_down 1, checks failed, state changed" \
	[ "$(lab_counter dests_down)" = 1 -a "$(lab_counter checks_failed)" -ge 2 \
	-a "$(lab_counter state_changes)" -gt "$c0_changes" \
	-a "$(lab_counter checks_ok)" -gt "$c0_ok" ]

# (2) it comes back after rise checks, with its weight
lab_start_httpd 2
t0=$(now)
lab_wait_check "$R2" UP; e=$(elapsed "$t0")
t_check "rs2 UP again after rise 2 checks (${e}s, at most 3)" within "$e" 3.5
curls 30 >"$LAB_DIR/a2"
t_check "rs2 takes its share again (10/10/10)" \
	[ "$(count rs1 "$LAB_DIR/a2")$(count rs2 "$LAB_DIR/a2")$(count rs3 "$LAB_DIR/a2")" = 101010 ]
t_check "-L shows its weight 1 again" listed "^  -> $R2:80 +Route +1 "
t_check "one UP line in the log" \
	[ "$(grep -c "check: rs $R2:80 of TCP $VIP:80 UP after 2 successes" "$LAB_DIR/uvsd.log")" = 1 ]

# (3) rs3's link goes down; it is checked with on-fail remove
# shellcheck disable=SC2086
uvsadm -e -t "$VIP:80" -r "$R3:80" -g $CHK --on-fail remove
t0=$(now)
lab_exec rs3 ip link set eth0 down
sleep 3
curls 30 >"$LAB_DIR/a3"
t_check "link down: 30 retrying curls all answered by rs1 and rs2" \
	[ "$(count rs1 "$LAB_DIR/a3")" = 15 -a "$(count rs2 "$LAB_DIR/a3")" = 15 ]
t_check "the log says why ($(grep -o "check: rs $R3:80 .*" "$LAB_DIR/uvsd.log" | head -1))" \
	grep -qE "check: rs $R3:80 of TCP $VIP:80 DOWN after 2 failures \((timeout after 0.5 s|connect: No route).*; out of scheduling \(remove\)" "$LAB_DIR/uvsd.log"
t_check "-L no longer lists rs3 (keepalived would have deleted it)" \
	out_lacks " $R3:80 " uvsadm -L -n
t_check "-L --checks still shows it, DOWN" checks_say "^  -> $R3:80 +http +DOWN "
t_check "-S still saves it, with its check" \
	saved "^-a -t $VIP:80 -r $R3:80 -g -w 1 --check http .*--on-fail remove$"
lab_exec rs3 ip link set eth0 up
t0=$(now)
lab_wait_check "$R3" UP; e=$(elapsed "$t0")
t_check "link up: rs3 back after rise checks (${e}s)" within "$e" 8
lab_wait_resolved
curls 30 >"$LAB_DIR/a3b"
t_check "rs3 takes its share again" [ "$(count rs3 "$LAB_DIR/a3b")" = 10 ]

# (4) every real server down: the sorry server answers
uvsadm -E -t "$VIP:80" -s rr --sorry-server "$R4"
lab_stop_httpd 1; lab_stop_httpd 2; lab_stop_httpd 3
lab_wait_check "$R1" INHIBITED && lab_wait_check "$R2" INHIBITED && lab_wait_check "$R3" DOWN
curls 10 >"$LAB_DIR/a4"
t_check "all down: the sorry server rs4 answers all 10" [ "$(count rs4 "$LAB_DIR/a4")" = 10 ]
t_check "-L lists the sorry server as a real server, as keepalived adds it" \
	listed "^  -> $R4:80 +Route +1 "
t_check "-L --checks: quorum lost, sorry serving" \
	checks_say "quorum 1 hysteresis 0 lost \(up weight 0\) sorry $R4:80 serving$"
t_check "-S writes --sorry-server on -A, never the sorry server as -a" \
	eval 'saved "^-A -t $VIP:80 -s rr --sorry-server $R4$" && ! saved "-r $R4"'
lab_start_httpd 1
lab_wait_check "$R1" UP
sleep 0.5
curls 6 >"$LAB_DIR/a4b"
t_check "rs1 back: quorum regained, rs1 serves alone, the sorry server stands by" \
	[ "$(count rs1 "$LAB_DIR/a4b")" = 6 ]
t_check "and -L no longer lists the sorry server" out_lacks " $R4:80 " uvsadm -L -n
lab_start_httpd 2; lab_start_httpd 3
lab_wait_check "$R2" UP && lab_wait_check "$R3" UP

# (5) quorum 4 with hysteresis 1 over weights 3, 1, 1: held while the up
# weight is >= 3, lost below, regained only at >= 5
uvsadm -E -t "$VIP:80" -s wrr --sorry-server "$R4" --quorum 4 --hysteresis 1
# shellcheck disable=SC2086
uvsadm -e -t "$VIP:80" -r "$R1:80" -g -w 3 $CHK
lab_stop_httpd 2
lab_wait_check "$R2" INHIBITED
curls 5 >"$LAB_DIR/a5"
t_check "up weight 4 of quorum 4: real servers still serve" \
	[ "$(count rs4 "$LAB_DIR/a5")" = 0 -a "$(grep -c . "$LAB_DIR/a5")" = 5 ]
lab_stop_httpd 1
lab_wait_check "$R1" INHIBITED
sleep 0.5
curls 6 >"$LAB_DIR/a5b"
t_check "up weight 1 < 3: quorum lost, the sorry server answers all 6" \
	[ "$(count rs4 "$LAB_DIR/a5b")" = 6 ]
t_check "the log says so" grep -q "check: TCP $VIP:80 lost quorum: up weight 1 < 3 (quorum 4 - hysteresis 1); sorry server in" "$LAB_DIR/uvsd.log"
lab_start_httpd 1
lab_wait_check "$R1" STANDBY
sleep 0.5
curls 6 >"$LAB_DIR/a5c"
t_check "rs1 back, up weight 4 < 5: hysteresis keeps the sorry server on" \
	[ "$(count rs4 "$LAB_DIR/a5c")" = 6 ]
lab_start_httpd 2
lab_wait_check "$R2" UP
sleep 0.5
curls 10 >"$LAB_DIR/a5d"
t_check "rs2 back, up weight 5: quorum regained, wrr 3:1:1 and no sorry" \
	[ "$(count rs4 "$LAB_DIR/a5d")" = 0 -a "$(count rs1 "$LAB_DIR/a5d")" = 6 ]
t_check "the log says so" grep -q "check: TCP $VIP:80 gained quorum: up weight 5 >= 5 (quorum 4 + hysteresis 1)" "$LAB_DIR/uvsd.log"

# (6) the checks came from the director's own address, never the VIP
t_check "rs1 saw checks from $DIR_IP${VIP_ON_KERNEL:+, the VIP on eth0:1 too}" \
	grep -q "^$DIR_IP GET /$" "$LAB_DIR/rs1.access.log"
t_absent "and none from the VIP" "^$VIP " "$LAB_DIR/rs1.access.log" \
	"$LAB_DIR/rs2.access.log" "$LAB_DIR/rs3.access.log"

# (7) -S | -R keeps every check and the service's health
uvsadm -S -n >"$LAB_DIR/s1"
uvsadm -C
uvsadm -R <"$LAB_DIR/s1"
t_check "-S | -R | -S gives the same rules, checks included" \
	same "$LAB_DIR/s1" <(uvsadm -S -n)
t_done
