#!/bin/bash
# uvsadm -d removes a real server: no new connection goes to it, the
# others share the load, and -L -n no longer lists it.
. "$(dirname "$0")/../lab/lab.sh"
lab_cluster 3
lab_service rr || exit 1

for n in $(seq 6); do lab_exec c curl -s -m 5 "http://$VIP/"; done >"$LAB_DIR/before"
t_check "before: rs3 takes its share" [ "$(grep -cx rs3 "$LAB_DIR/before")" = 2 ]
uvsadm -d -t "$VIP:80" -r "$(rs_ip 3):80"
uvsadm -L -n >"$LAB_DIR/list" || t_fail "after -d, uvsadm -L -n exits 0"
t_check "after -d, -L -n lists rs1 and rs2" \
	all grep -q " $(rs_ip 1):80 " "$LAB_DIR/list" --and grep -q " $(rs_ip 2):80 " "$LAB_DIR/list"
t_absent "after -d, -L -n does not list rs3" "$(rs_ip 3):80" "$LAB_DIR/list"
for n in $(seq 12); do lab_exec c curl -s -m 5 "http://$VIP/"; done >"$LAB_DIR/after"
t_check "after -d: all 12 connections answered" [ "$(wc -l <"$LAB_DIR/after")" = 12 ]
t_check "after -d: rs3 gets none of the 12" \
	[ "$(grep -cx 'rs[12]' "$LAB_DIR/after")" = 12 -a "$(grep -cx rs3 "$LAB_DIR/after")" = 0 ]
t_check "after -d: rs1 and rs2 get 6 each" [ "$(grep -cx rs1 "$LAB_DIR/after")" = 6 -a "$(grep -cx rs2 "$LAB_DIR/after")" = 6 ]
t_done
