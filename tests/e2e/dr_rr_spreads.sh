#!/bin/bash
# rr over three real servers: 30 new TCP connections give exactly 10 each,
# and uvsadm -L -n shows the table in ipvsadm's format with the counts.
. "$(dirname "$0")/../lab/lab.sh"
lab_cluster 3
lab_service rr || exit 1

for n in $(seq 30); do
	lab_exec c curl -s -m 5 "http://$VIP/"
done >"$LAB_DIR/answers"
for i in 1 2 3; do
	got=$(grep -cx "rs$i" "$LAB_DIR/answers")
	t_check "rs$i answered 10 of 30 connections (got $got)" [ "$got" = 10 ]
done
t_check "all 30 connections answered" [ "$(wc -l <"$LAB_DIR/answers")" = 30 ]

uvsadm -L -n >"$LAB_DIR/list"
cat >"$LAB_DIR/want" <<EOT
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  198.18.0.10:80 rr
EOT
sed -n '2,4p' "$LAB_DIR/list" >"$LAB_DIR/got"
t_check "-L -n title and service line match ipvsadm's" cmp -s "$LAB_DIR/want" "$LAB_DIR/got"
t_check "-L -n header names version 1.2.1" grep -q '^IP Virtual Server version 1.2.1 (size=[0-9]*)$' "$LAB_DIR/list"
for i in 1 2 3; do
	t_check "-L -n lists rs$i as Route, weight 1, 10 connections in total" \
		awk -v a="$(rs_ip "$i"):80" '$2 == a && $3 == "Route" && $4 == 1 && $5 + $6 == 10 { f = 1 } END { exit !f }' "$LAB_DIR/list"
done
t_done
