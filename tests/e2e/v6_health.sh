#!/bin/bash
# Health checks for a v6 service: HTTP checks reach each v6 real server
# over IPv6 from the director's own v6 address (never the VIP); a server
# whose HTTP server stops gets no new flow after interval x fall (+1 s),
# one log line names it bracketed, -L --checks shows it INHIBITED, and it
# comes back after rise checks. Negative control: before the stop all
# three serve, and no check leaves from the VIP. Needs the lab's v6
# addressing (lab_v6_up).
# run.sh: alone
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
trap lab_down EXIT
lab_up 3
lab_v6_up
lab_start_all_rs6 || exit 1
lab_start_uvsd || exit 1
R1=$(rs_ip6 1) R2=$(rs_ip6 2) R3=$(rs_ip6 3)
CHK="--check http --check-interval 1 --check-timeout 0.5 --fall 2 --rise 2"

curls() {
	local n=$1 i
	for i in $(seq "$n"); do
		lab_exec c curl -6 -s -m 3 --retry 2 --retry-connrefused \
			"http://[$VIP6]/" || echo FAIL
	done
}
count() { grep -cx "$1" "$2"; }
# a v6 address as a regex inside its brackets
br() { printf '\\[%s\\]' "$1"; }

uvsadm -A -t "[$VIP6]:80" -s rr || { t_fail "uvsadm takes a v6 service"; exit 1; }
for r in "$R1" "$R2" "$R3"; do
	# shellcheck disable=SC2086
	uvsadm -a -t "[$VIP6]:80" -r "[$r]:80" -g $CHK
done
lab_wait_resolved || exit 1
for r in "$R1" "$R2" "$R3"; do lab_wait_check "$(br "$r")" UP || exit 1; done
uvsadm -L -n --checks | sed 's/^/# /'
curls 9 >"$LAB_DIR/a0"
t_check "all three v6 servers serve with checks on (3 each)" \
	[ "$(count rs1 "$LAB_DIR/a0")$(count rs2 "$LAB_DIR/a0")$(count rs3 "$LAB_DIR/a0")" = 333 ]
t_check "the checks reached rs1 over IPv6 from the director's own $DIR_IP6" \
	grep -q "^$DIR_IP6 GET /$" "$LAB_DIR/rs1.access.log"
t_absent "no check left from the VIP" "^$VIP6 " "$LAB_DIR/rs1.access.log"

# rs2's HTTP server stops
lab_stop_httpd 2
sleep 3			# interval 1 x fall 2, +1 s
curls 30 >"$LAB_DIR/a1"
t_check "after interval x fall + 1 s: 30 retrying v6 curls all answered" \
	all [ "$(grep -c . "$LAB_DIR/a1")" = 30 ] --and not grep -q FAIL "$LAB_DIR/a1"
t_check "none lands on rs2 (rs1 $(count rs1 "$LAB_DIR/a1"), rs3 $(count rs3 "$LAB_DIR/a1"))" \
	[ "$(count rs1 "$LAB_DIR/a1")" = 15 -a "$(count rs3 "$LAB_DIR/a1")" = 15 ]
grep "check: rs \[$R2\]" "$LAB_DIR/uvsd.log" | sed 's/^/# /'
t_check "one log line, addresses bracketed, for the transition" \
	[ "$(grep -c "check: rs \[$R2\]:80 of TCP \[$VIP6\]:80 DOWN after 2 failures" "$LAB_DIR/uvsd.log")" = 1 ]
t_check "-L --checks says [$R2]:80 INHIBITED, weight 0 of 1" \
	grep -qE "^  -> $(br "$R2"):80 +http +INHIBITED +0/1 " <(uvsadm -L -n --checks)

# it comes back after rise checks
LAB_HTTPD_V6=1 lab_start_httpd 2	# on [::] again, as lab_start_rs6 had it
t_check "rs2 UP again after rise checks" lab_wait_check "$(br "$R2")" UP
curls 9 >"$LAB_DIR/a2"
t_check "rs2 serves again (3 of 9)" [ "$(count rs2 "$LAB_DIR/a2")" = 3 ]
