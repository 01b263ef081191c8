#!/bin/bash
# Every scheduler name IPVS accepts works with uvsadm, shows in -L -n as
# ipvsadm shows it, and carries real connections; an unknown name is
# refused in one line and changes nothing.
. "$(dirname "$0")/../lab/lab.sh"
lab_cluster 3
lab_service rr || exit 1

for s in rr wrr lc wlc sed nq sh dh mh lblc lblcr fo ovf twos; do
	uvsadm -E -t "$VIP:80" -s "$s" 2>"$LAB_DIR/err"
	shown=$(uvsadm -L -n | grep "^TCP  $VIP:80 ")
	ok=0
	for n in 1 2 3; do
		grep -qx 'rs[0-9]' <<<"$(lab_exec c curl -s -m 5 "http://$VIP/")" && ok=$((ok + 1))
	done
	t_check "-s $s: accepted, listed as '$shown', 3 of 3 connections answered ($ok)" \
		[ ! -s "$LAB_DIR/err" -a "$shown" = "TCP  $VIP:80 $s" -a "$ok" = 3 ]
done

uvsadm -E -t "$VIP:80" -s sh -b sh-port,sh-fallback
t_check "-b sh-fallback,sh-port shows as ipvsadm prints it" \
	grep -qx "TCP  $VIP:80 sh (sh-fallback,sh-port)" <(uvsadm -L -n)
out=$(uvsadm -E -t "$VIP:80" -s nosuch 2>&1); rc=$?
t_check "an unknown scheduler is refused ($rc: $out)" [ "$rc" != 0 -a "$(wc -l <<<"$out")" = 1 ]
t_check "and the service keeps its scheduler" grep -q "^TCP  $VIP:80 sh " <(uvsadm -L -n)
t_done
