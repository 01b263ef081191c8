#!/bin/bash
# kill -HUP uvsd reloads --keepalived-conf as one transaction, under
# traffic: keep-alive connections opened before the reload get their next
# answer from the same real server after it, the checks of unchanged
# servers keep their counts (no restart of their state machine), a new
# real server is added and a dropped one deleted; a file with an error
# changes nothing and names its line.
# run.sh: alone
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
trap lab_down EXIT
lab_up 3
lab_start_all_rs || exit 1
R1=$(rs_ip 1) R2=$(rs_ip 2) R3=$(rs_ip 3)
KC=$LAB_DIR/keepalived.conf

# kc RS...: a virtual_server with a TCP_CHECK on each given real server
kc() {
	local r
	echo "virtual_server $VIP 80 {"
	echo "    delay_loop 1"
	echo "    lb_algo rr"
	echo "    lb_kind DR"
	for r in "$@"; do
		echo "    real_server $r 80 {"
		echo "        TCP_CHECK {"
		echo "            connect_timeout 1"
		echo "        }"
		echo "    }"
	done
	echo "}"
}
# checks_ok RIP: how many checks of RIP:80 passed (-L --checks' ok column)
checks_ok() {
	uvsadm -L -n --checks | awk -v r="$1:80" '$1 == "->" && $2 == r { print $7 }'
}
listed() { uvsadm -L -n | grep -q " $1:80 "; }
reload() { kill -HUP "$LAB_UVSD_PID"; }
# waits (bounded, 5 s) for a line in uvsd's log
wait_log() {
	local n
	for n in $(seq 50); do grep -q -- "$1" "$LAB_DIR/uvsd.log" && return 0; sleep 0.1; done
	return 1
}

kc "$R1" "$R2" >"$KC"
lab_start_uvsd --keepalived-conf "$KC" || exit 1
lab_wait_resolved || exit 1
for n in $(seq 50); do
	[ "$(checks_ok "$R1")" -ge 2 ] 2>/dev/null && break
	sleep 0.1
done
uvsadm -L -n --checks >"$LAB_DIR/checks.before"
OK_BEFORE=$(checks_ok "$R1")
t_check "both servers checked and UP before the reload (rs1 ok=$OK_BEFORE)" \
	all [ "$(grep -cE ' tcp +UP ' "$LAB_DIR/checks.before")" = 2 ] --and [ "${OK_BEFORE:-0}" -ge 2 ]

# traffic: keep-alive connections that ask again after the reload
for i in $(seq 6); do
	lab_bg c "$LAB_DIR/ka$i" python3 "$LAB_ROOT/tests/lab/ka_client.py" "$VIP" 4
done
sleep 1
# the new file adds rs3; rs1 and rs2 stay as they were
kc "$R1" "$R2" "$R3" >"$KC"
OK_BEFORE=$(checks_ok "$R1")
reload
wait_log "reload: services 0 added, 1 kept, 0 deleted; real servers 1 added, 2 kept, 0 deleted"
OK_RIGHT_AFTER=$(checks_ok "$R1")
t_check "rs1's check counts on through the reload ($OK_BEFORE -> $OK_RIGHT_AFTER; a re-added server starts at 0)" \
	[ "${OK_RIGHT_AFTER:-0}" -ge "$OK_BEFORE" ]
t_check "the reload adds rs3 and keeps rs1, rs2 (log line)" \
	grep -q "reload: services 0 added, 1 kept, 0 deleted; real servers 1 added, 2 kept, 0 deleted" "$LAB_DIR/uvsd.log"
# while the keep-alive clients wait: a bounded burst of new connections
fails=0
for n in $(seq 30); do
	lab_exec c curl -s -m 2 -o /dev/null "http://$VIP/" || fails=$((fails + 1))
done
t_check "30 new connections during and after the reload all answered ($fails failed)" [ "$fails" = 0 ]
for n in $(seq 60); do
	[ "$(cat "$LAB_DIR"/ka* 2>/dev/null | grep -c '^after ')" = 6 ] && break
	sleep 0.1
done
same=0
for i in $(seq 6); do
	b=$(awk '$1 == "before" { print $2 }' "$LAB_DIR/ka$i")
	a=$(awk '$1 == "after" { print $2 }' "$LAB_DIR/ka$i")
	[ -n "$b" ] && [ "$b" = "$a" ] && same=$((same + 1))
done
t_check "6 keep-alive connections opened before the reload answered after it by the same server ($same)" [ "$same" = 6 ]
OK_AFTER=$(checks_ok "$R1")
t_check "rs1's check kept its state: ok count went on ($OK_BEFORE -> $OK_AFTER)" \
	[ "${OK_AFTER:-0}" -gt "$OK_BEFORE" ]
t_check "rs3 is a real server now" listed "$R3"

# a dropped server is deleted
kc "$R1" "$R3" >"$KC"
reload
wait_log "real servers 0 added, 2 kept, 1 deleted"
t_check "a reload without rs2 deletes it, rs1 and rs3 stay" \
	all grep -q "real servers 0 added, 2 kept, 1 deleted" "$LAB_DIR/uvsd.log" --and \
	not listed "$R2" --and listed "$R1" --and listed "$R3"

# a file with an error: refused whole, the table as it was
uvsadm -S -n >"$LAB_DIR/saved.before"
{ kc "$R2"; echo "virtual_server $VIP 81 {"; echo "    lb_kind NAT"; echo "}"; } >"$KC"
reload
wait_log "reload refused, nothing changed"
t_check "a bad file is refused with FILE:LINE ($(grep 'reload refused' "$LAB_DIR/uvsd.log" | tail -1))" \
	grep -q "reload refused, nothing changed: $KC:12: 'lb_kind NAT' is not supported" "$LAB_DIR/uvsd.log"
uvsadm -S -n >"$LAB_DIR/saved.after"
t_check "and the table is unchanged" same "$LAB_DIR/saved.before" "$LAB_DIR/saved.after"
# a file uvsd's own checks refuse (a scheduler it lacks) changes nothing either
{ kc "$R2" | sed 's/lb_algo rr/lb_algo nosuch/'; } >"$KC"
reload
wait_log "Scheduler not found"
uvsadm -S -n >"$LAB_DIR/saved.after2"
t_check "a scheduler uvsd lacks: refused at the virtual_server's line, table unchanged" \
	all grep -q "reload refused, nothing changed: $KC:1: Scheduler not found" "$LAB_DIR/uvsd.log" --and \
	same "$LAB_DIR/saved.before" "$LAB_DIR/saved.after2"
t_done
