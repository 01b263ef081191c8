#!/bin/bash
# uvsadm -L -c lists a million flows (the default --conn-max) from
# uvsd -j 2: the workers copy their flows out in chunks, uvsd writes them
# as they come and uvsadm prints them line by line. Before, the reply was
# built whole and refused past 16 MiB ("Message too long" at ~200 000
# flows). uvsd's memory does not grow with the listing.
. "$(dirname "$0")/../lab/lab.sh"
LAB_UVSD_QUIET=1
UVSD_ARGS="-j 2 ${UVSD_ARGS:-}"
N=${LIST_FLOWS:-1000000}
lab_cluster 1
uvsadm -A -u "$VIP:9999" -s rr
uvsadm -a -u "$VIP:9999" -r "$(rs_ip 1)" -g
lab_wait_resolved || exit 1

sent=$(lab_exec c timeout 200 python3 "$LAB_ROOT/tests/lab/flood_flows.py" \
	eth0 "$(lab_mac d)" "$VIP" 9999 "$N" 150)
sleep 1
conns=$(lab_counter conns)
echo "# $sent frames sent, $conns flows in uvsd"
t_check "uvsd holds most of the $N flows ($conns)" [ "${conns:-0}" -ge $((N * 9 / 10)) ]

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$LAB_UVSD_PID/status"; }
r0=$(rss)
s=$(date +%s%N)
uvsadm -L -c -n >"$LAB_DIR/list"; rc=$?
e=$(date +%s%N)
r1=$(rss)
listed=$(grep -c '^UDP' "$LAB_DIR/list")
echo "# listed $listed flows in $(( (e - s) / 1000000 )) ms; uvsd RSS ${r0} -> ${r1} kB"
t_check "uvsadm -L -c exits 0 (rc $rc)" [ "$rc" = 0 ]
t_check "it lists every flow uvsd holds ($listed of $conns)" [ "$listed" = "$conns" ]
t_check "under IPVS's header" [ "$(head -1 "$LAB_DIR/list")" = "IPVS connection entries" ]
t_check "uvsd grew by less than 16 MB listing them (${r0} -> ${r1} kB)" \
	[ $((r1 - r0)) -lt 16384 ]
t_check "uvsd is alive" kill -0 "$LAB_UVSD_PID"
t_absent "no sanitizer report in uvsd's log" 'Sanitizer|runtime error' "$LAB_DIR/uvsd.log"
t_done
