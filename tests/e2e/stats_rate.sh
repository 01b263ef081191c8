#!/bin/bash
# Stats as IPVS keeps them: -L --stats counts connections, packets and
# bytes in (out* stay 0 in DR), --rate shows the estimator's averages
# while traffic flows, --exact prints whole numbers, -Z zeroes both.
# run.sh: alone
. "$(dirname "$0")/../lab/lab.sh"
lab_cluster 3
lab_service rr || exit 1

# 30 connections spread over about 4 s, so two estimator samples see them
for n in $(seq 30); do
	lab_exec c curl -s -m 5 -o /dev/null "http://$VIP/"
	sleep 0.12
done
uvsadm -L -n --rate >"$LAB_DIR/rate"
uvsadm -L -n --stats --exact >"$LAB_DIR/stats"
cat "$LAB_DIR/stats" "$LAB_DIR/rate"

svc_row() { awk -v k="TCP" -v a="$VIP:80" '$1 == k && $2 == a' "$1"; }
read -r _ _ conns inpkts outpkts inbytes outbytes <<<"$(svc_row "$LAB_DIR/stats")"
t_check "--stats: the service counted 30 connections (got $conns)" [ "$conns" = 30 ]
# each curl: SYN, ACK, request, ACK of the reply, FIN, last ACK: >= 4
t_check "--stats: at least 4 packets in per connection (got $inpkts)" \
	[ "$inpkts" -ge 120 ]
t_check "--stats: bytes in at least 40 per packet (got $inbytes)" \
	[ "$inbytes" -ge $((inpkts * 40)) ]
t_check "--stats: OutPkts and OutBytes stay 0 in DR" [ "$outpkts$outbytes" = 00 ]
dsum=$(awk '$1 == "->" && $2 ~ /:80$/ { s += $3 } END { print s + 0 }' "$LAB_DIR/stats")
t_check "--stats: the dests' connections add up to the service's ($dsum)" [ "$dsum" = 30 ]
t_check "--stats title is ipvsadm's" grep -qx \
	'Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes' "$LAB_DIR/stats"

read -r _ _ cps inpps outpps inbps outbps <<<"$(svc_row "$LAB_DIR/rate")"
t_check "--rate: CPS is above 0 while connections arrive (got $cps)" [ "$cps" -ge 1 ]
t_check "--rate: InPPS above CPS (got $inpps)" [ "$inpps" -gt "$cps" ]
t_check "--rate: InBPS above InPPS (got $inbps)" [ "$inbps" -gt "$inpps" ]
t_check "--rate: OutPPS and OutBPS stay 0 in DR" [ "$outpps$outbps" = 00 ]
t_check "--rate title is ipvsadm's" grep -qx \
	'Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS' "$LAB_DIR/rate"

uvsadm -L --json >"$LAB_DIR/json"
t_check "--json is valid JSON with the service's 30 connections and 3 dests" \
	python3 -c 'import json,sys; t = json.load(open(sys.argv[1])); s = t["services"][0]; sys.exit(not (s["stats"]["conns"] == 30 and len(s["dests"]) == 3 and s["rate"]["cps"] >= 1 and sum(d["stats"]["conns"] for d in s["dests"]) == 30))' "$LAB_DIR/json"
uvsadm -L --json --stats 2>"$LAB_DIR/jerr"; rc=$?
t_check "--json with --stats is refused with exit 2 (got $rc)" [ "$rc" = 2 ]

uvsadm -Z
uvsadm -L -n --stats --exact >"$LAB_DIR/zeroed"
uvsadm -L -n --rate >"$LAB_DIR/zrate"
read -r _ _ conns inpkts _ <<<"$(svc_row "$LAB_DIR/zeroed")"
read -r _ _ cps inpps _ <<<"$(svc_row "$LAB_DIR/zrate")"
t_check "-Z zeroes the counters (conns $conns, inpkts $inpkts)" [ "$conns$inpkts" = 00 ]
t_check "-Z zeroes the rates (cps $cps, inpps $inpps)" [ "$cps$inpps" = 00 ]
t_check "-Z keeps the dests' active connections table (-L -n still lists 3)" \
	[ "$(uvsadm -L -n | grep -c -- '->.*Route')" = 3 ]
t_done
