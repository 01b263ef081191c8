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
# run.sh: alone
. "$(dirname "$0")/../lab/lab.sh"
. "$(dirname "$0")/../lab/slow_reader.sh"
LAB_UVSD_QUIET=1
UVSD_ARGS="-j 2 --fanout flow ${UVSD_ARGS:-}"
lab_cluster 2
N=5000
sr_setup "$N"
sr_serve_while_reading 0.02

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
