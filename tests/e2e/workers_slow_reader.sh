#!/bin/bash
# uvsd -j 2 with ~5 000 flows and a control client that reads the flow
# list slowly. The workers copy flows out into their own buffers and the
# control thread writes them, so: the slow reader gets every flow and
# "ok" (before, a 1 s timeout closed the reply while a worker still wrote
# into it: a use-after-free, a cut list that still ended "ok"); traffic
# keeps flowing during the read; the counters read right after are the
# workers' (a stale answer once gave rx_frames=0); a change made while a
# worker is busy reaches every worker. Run on the ASan build, uvsd's log
# must show no sanitizer report.
. "$(dirname "$0")/../lab/lab.sh"
LAB_UVSD_QUIET=1
UVSD_ARGS="-j 2 --fanout flow ${UVSD_ARGS:-}"
lab_cluster 2
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

# the slow reader: 2 KiB every 20 ms (a listing of ~550 KB takes seconds)
lab_exec d timeout 120 python3 "$LAB_ROOT/tests/lab/slow_reader.py" \
	"$LAB_SOCK" conns 2048 0.02 100 >"$LAB_DIR/slow" &
reader=$!
sleep 1
ok=0
for n in $(seq 5); do
	lab_exec c curl -s -m 3 -o /dev/null "http://$VIP/" && ok=$((ok + 1))
done
t_check "5 of 5 requests are served while the slow reader reads ($ok)" [ "$ok" = 5 ]
wait "$reader"
got=$(grep -c '^conn proto=udp' "$LAB_DIR/slow")
t_check "the slow reader got every flow ($got of $flows)" [ "$got" -ge "$flows" ]
t_check "and the reply ends ok" [ "$(tail -1 "$LAB_DIR/slow")" = ok ]

rx=$(lab_counter rx_frames)
t_check "--counters right after shows the workers' frames (rx_frames=$rx)" \
	[ "${rx:-0}" -ge "$N" ]
w0=$(lab_counter worker0_rx_frames) w1=$(lab_counter worker1_rx_frames)
t_check "and both workers had a share, adding up ($w0 + $w1 = $rx)" \
	all [ "$w0" -gt 0 ] --and [ "$w1" -gt 0 ] --and [ "$((w0 + w1))" = "$rx" ]

# changes while the workers are busy with a listing: every worker has them
lab_exec d timeout 60 python3 "$LAB_ROOT/tests/lab/slow_reader.py" \
	"$LAB_SOCK" conns 2048 0.01 50 >/dev/null &
reader=$!
for i in $(seq 1 20); do uvsadm -A -t "$VIP:$((9100 + i))" -s rr; done
for i in $(seq 1 20); do uvsadm -D -t "$VIP:$((9100 + i))"; done
uvsadm -d -t "$VIP:80" -r "$(rs_ip 2):80"
wait "$reader"
for n in $(seq 8); do lab_exec c curl -s -m 3 "http://$VIP/"; echo; done >"$LAB_DIR/after"
t_check "after -d, no worker sends to rs2 ($(sort "$LAB_DIR/after" | uniq -c | tr '\n' ' '))" \
	all grep -q rs1 "$LAB_DIR/after" --and not grep -q rs2 "$LAB_DIR/after"
t_check "uvsd is alive" kill -0 "$LAB_UVSD_PID"
t_absent "no sanitizer report in uvsd's log" 'Sanitizer|runtime error' "$LAB_DIR/uvsd.log"
t_done
