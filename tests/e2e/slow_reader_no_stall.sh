#!/bin/bash
# uvsd as started by default (no -j) with ~5 000 flows and a control
# client that reads the flow list slowly. Only worker threads forward,
# without -j too, so the control thread blocked on the slow reader holds
# up no frame: requests keep being served while the listing is read.
# (When the main thread forwarded, it sat in the reply's writes for
# seconds: 2 of the 5 requests below were served, the rest timed out.)
. "$(dirname "$0")/../lab/lab.sh"
LAB_UVSD_QUIET=1
lab_cluster 2
t_check "uvsd runs one worker without -j" \
	grep -q '(1 [a-z0-9-]* worker, fanout by client)' "$LAB_DIR/uvsd.log"
uvsadm -A -u "$VIP:9000" -s rr
for i in 1 2; do uvsadm -a -u "$VIP:9000" -r "$(rs_ip "$i")" -g; done
uvsadm -A -t "$VIP:80" -s rr
for i in 1 2; do uvsadm -a -t "$VIP:80" -r "$(rs_ip "$i"):80" -g; done
lab_wait_resolved || exit 1

N=5000
lab_exec c timeout 60 python3 "$LAB_ROOT/tests/lab/udp_flows.py" "$VIP" 9000 "$N"
sleep 0.5
flows=$(uvsadm -L -c -n | grep -c '^UDP')
t_check "about $N UDP flows exist ($flows)" [ "$flows" -ge $((N * 9 / 10)) ]

# the slow reader: 2 KiB every 50 ms (a listing of ~550 KB takes ~14 s,
# more than the socket buffers hold: the control thread sits in its writes)
lab_exec d timeout 120 python3 "$LAB_ROOT/tests/lab/slow_reader.py" \
	"$LAB_SOCK" conns 2048 0.05 100 >"$LAB_DIR/slow" &
reader=$!
sleep 1
ok=0
for n in $(seq 5); do
	lab_exec c curl -s -m 2 -o /dev/null "http://$VIP/" && ok=$((ok + 1))
done
t_check "the reader was still reading after the requests" kill -0 "$reader"
t_check "5 of 5 requests are served while the slow reader reads ($ok)" [ "$ok" = 5 ]
wait "$reader"
got=$(grep -c '^conn proto=udp' "$LAB_DIR/slow")
t_check "the slow reader got every flow ($got of $flows)" [ "$got" -ge "$flows" ]
t_check "and the reply ends ok" [ "$(tail -1 "$LAB_DIR/slow")" = ok ]
rx=$(lab_counter rx_frames) w0=$(lab_counter worker0_rx_frames)
t_check "--counters: the one worker took every frame ($w0 of $rx)" \
	all [ "${rx:-0}" -ge "$N" ] --and [ "$w0" = "$rx" ]
t_check "uvsd is alive" kill -0 "$LAB_UVSD_PID"
t_absent "no sanitizer report in uvsd's log" 'Sanitizer|runtime error' "$LAB_DIR/uvsd.log"
t_done
