#!/bin/bash
# The connection table's rules, on the wire: a SYN on a closing flow is
# rescheduled at once (port reuse); a SYN flood against a small table
# recycles its own half-open entries while an established keep-alive
# connection keeps working; --set/--timeout and -L -c speak ipvsadm.
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
trap lab_down EXIT
lab_up 3
lab_start_all_rs || exit 1
lab_start_uvsd --conn-max 64 || exit 1
lab_service rr || exit 1

t_check "-L --timeout shows IPVS's defaults" \
	[ "$(uvsadm -L --timeout)" = "Timeout (tcp tcpfin udp): 900 120 300" ]
uvsadm --set 1000 60 0
t_check "--set 1000 60 0 changes tcp and tcpfin, keeps udp" \
	[ "$(uvsadm -L --timeout)" = "Timeout (tcp tcpfin udp): 1000 60 300" ]

# port reuse: the same client port twice; the closing flow gives way.
# http_get.py closes only after the server did, so the client's port is
# free again at once, and the director's flow is left in FIN_WAIT
first=$(lab_exec c python3 "$LAB_ROOT/tests/lab/http_get.py" "$VIP" 40000)
uvsadm -L -c -n >"$LAB_DIR/conns"
t_check "-L -c lists the closed flow in FIN_WAIT with ipvsadm's columns" \
	grep -qE "^TCP 0[01]:[0-9]{2}  FIN_WAIT +$CLIENT_IP:40000 +$VIP:80 +198\.18\.0\.1[1-3]:80$" "$LAB_DIR/conns"
t_check "-L -c starts with ipvsadm's two title lines" \
	[ "$(head -2 "$LAB_DIR/conns")" = "$(printf 'IPVS connection entries\npro expire state       source             virtual            destination')" ]
second=$(lab_exec c python3 "$LAB_ROOT/tests/lab/http_get.py" "$VIP" 40000)
t_check "a new SYN from the same port is answered ($first, then $second)" [ -n "$second" ]
t_check "it was scheduled as a new flow (rr moved on)" \
	[ -n "$first" -a -n "$second" -a "$second" != "$first" ]
t_check "uvsd counted one reused port" [ "$(lab_counter conns_reused)" = 1 ]

# an established keep-alive connection, then a flood
lab_bg c "$LAB_DIR/ka" python3 "$LAB_ROOT/tests/lab/ka_client.py" "$VIP" 4
ka=${LAB_PIDS[-1]}
sleep 1
lab_exec c python3 "$LAB_ROOT/tests/lab/synflood.py" "$VIP" 80 5000 10 >"$LAB_DIR/flood"
wait $ka
t_check "the flood sent 5000 SYNs" grep -q "sent 5000" "$LAB_DIR/flood"
t_check "the keep-alive connection worked before the flood" grep -q "^before rs" "$LAB_DIR/ka"
t_check "and still works after it, on the same server" \
	all [ "$(awk '{print $2}' "$LAB_DIR/ka" | sort -u | wc -l)" = 1 ] --and grep -q "^after rs" "$LAB_DIR/ka"
t_check "the table stayed within its 64 entries ($(lab_counter conns))" [ "$(lab_counter conns)" -le 64 ]
t_check "flood SYNs took half-open entries ($(lab_counter conns_reclaimed) reclaimed)" [ "$(lab_counter conns_reclaimed)" -gt 4000 ]
got=$(lab_exec c curl -s -m 5 "http://$VIP/")
t_check "a new client connection after the flood works ($got)" grep -qx 'rs[0-9]' <<<"$got"
t_check "uvsd is still running" kill -0 "$LAB_UVSD_PID"
t_done
