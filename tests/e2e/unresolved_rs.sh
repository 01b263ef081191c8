#!/bin/bash
# A real server nobody answers ARP for (198.18.0.200, on the director's
# link) is added beside rs1: `uvsadm -a` still exits 0, as ipvsadm does,
# but uvsd says once in its log that the address does not answer,
# `-L --checks` shows it NO-ARP with how long and how many requests,
# `--json` shows it unanswered with no MAC, and traffic all goes to rs1.
# rs1, which answers, is shown answered (negative control). uvsd asks the
# kernel again with a growing wait, not once a second: the request count
# stays small.
. "$(dirname "$0")/../lab/lab.sh"
GHOST=198.18.0.200
lab_cluster 1
R1=$(rs_ip 1)

uvsadm -A -t "$VIP:80" -s rr
uvsadm -a -t "$VIP:80" -r "$R1:80" -g
uvsadm -a -t "$VIP:80" -r "$GHOST:80" -g
t_check "uvsadm -a of a silent real server exits 0, as ipvsadm's does" [ $? = 0 ]
sleep 9
uvsadm -L -n --checks >"$LAB_DIR/checks"
sed 's/^/# /' "$LAB_DIR/checks"
t_check "-L --checks shows $GHOST NO-ARP with the time and requests" \
	grep -qE "$GHOST:80 .*NO-ARP .*no ARP answer for [0-9]+s \([0-9]+ requests\)" "$LAB_DIR/checks"
t_check "-L --checks shows $R1 UP (it answers)" grep -qE "$R1:80 +none +UP " "$LAB_DIR/checks"
uvsadm -L -n --json >"$LAB_DIR/json"
t_check "--json: $GHOST unanswered, no MAC" \
	python3 -c "
import json, sys
d = json.load(open('$LAB_DIR/json'))['services'][0]['dests']
g = [x for x in d if x['address'] == '$GHOST'][0]['arp']
r = [x for x in d if x['address'] == '$R1'][0]['arp']
sys.exit(not (g['answered'] is False and g['mac'] is None and g['requests'] >= 2
    and r['answered'] is True and r['mac'] == '$(lab_mac rs1)'))"
req=$(python3 -c "
import json
d = json.load(open('$LAB_DIR/json'))['services'][0]['dests']
print([x for x in d if x['address'] == '$GHOST'][0]['arp']['requests'])")
t_check "uvsd backs off: $req requests to the kernel in about 9 s (at most 6)" [ "$req" -le 6 ]
n=$(grep -c "real server $GHOST .*does not answer ARP" "$LAB_DIR/uvsd.log")
t_check "uvsd logged the silent real server once ($n)" [ "$n" = 1 ]
t_absent "and did not log $R1, which answers" "real server $R1 " "$LAB_DIR/uvsd.log"
ok=0
for i in $(seq 6); do
	[ "$(lab_exec c curl -s -m 3 "http://$VIP/")" = rs1 ] && ok=$((ok + 1))
done
t_check "6 curls all answered by rs1 ($ok)" [ "$ok" = 6 ]
# the ghost comes to life: the director learns its MAC and says so
lab_exec c ip addr add "$GHOST/24" dev eth0
lab_arp_announce "$(lab_ns c)" "$GHOST" || t_fail "the client announces $GHOST (arping -U)"
for i in $(seq 40); do
	grep -q "real server $GHOST .*answers ARP now" "$LAB_DIR/uvsd.log" && break
	sleep 0.5
done
t_check "once it answers, uvsd logs it in use again" \
	grep -q "real server $GHOST .*answers ARP now" "$LAB_DIR/uvsd.log"
t_check "and -L --checks no longer shows NO-ARP" out_lacks NO-ARP uvsadm -L -n --checks
t_done
