#!/bin/bash
# -x/-y with uvsd -j 2: the upper threshold counts every worker's flows,
# as IPVS's one table does. 100 UDP flows spread by flow over 2 workers,
# round robin over rs1 (-x 10) and rs2 (no threshold): rs1 ends with
# about 10 flows, not 10 per worker (before, each worker counted its own
# copy and rs1 took 20). A worker marks a dest overloaded when one of its
# own flows reaches the mark, so each other worker may place one more
# at the same instant: 10 + (2 - 1) at most.
. "$(dirname "$0")/../lab/lab.sh"
LAB_UVSD_QUIET=1
UVSD_ARGS="-j 2 --fanout flow ${UVSD_ARGS:-}"
lab_cluster 2
R1=$(rs_ip 1) R2=$(rs_ip 2)
uvsadm -A -u "$VIP:9000" -s rr
uvsadm -a -u "$VIP:9000" -r "$R1" -g -x 10
uvsadm -a -u "$VIP:9000" -r "$R2" -g
lab_wait_resolved || exit 1

conns() { uvsadm -L -n | awk -v r="$1:9000" '$1 == "->" && $2 == r { print $5 + $6 }'; }
lab_exec c timeout 60 python3 "$LAB_ROOT/tests/lab/udp_flows.py" "$VIP" 9000 100
sleep 0.5
c1=$(conns "$R1") c2=$(conns "$R2")
w0=$(lab_counter worker0_rx_frames) w1=$(lab_counter worker1_rx_frames)
t_check "both workers placed flows ($w0, $w1)" all [ "$w0" -gt 0 ] --and [ "$w1" -gt 0 ]
t_check "rs1 (-x 10) holds 10 or 11 flows over both workers ($c1)" \
	all [ "$c1" -ge 10 ] --and [ "$c1" -le 11 ]
t_check "rs2 took the rest ($c2)" [ "$((c1 + c2))" -ge 90 ]
t_check "-L shows rs1's upper threshold" \
	grep -q "$R1" <(uvsadm -L -n --thresholds)
# the ASan and TSan builds write their reports to uvsd's log
t_absent "no sanitizer report in uvsd's log" 'Sanitizer|runtime error' "$LAB_DIR/uvsd.log"
t_done
