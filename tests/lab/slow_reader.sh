# The slow-reader scenario both slow_reader_no_stall.sh (one worker) and
# workers_slow_reader.sh (two) run, sourced after lab.sh and lab_cluster:
# N UDP flows in the table, then a control client that reads their
# listing a little at a time while clients keep asking through the VIP.

# sr_setup N: UDP VIP:9000 and TCP VIP:80 over rs1 and rs2, and N UDP
# flows through the first; sets $flows to the flows -L -c lists.
sr_setup() {
	local i prev
	uvsadm -A -u "$VIP:9000" -s rr
	for i in 1 2; do uvsadm -a -u "$VIP:9000" -r "$(rs_ip "$i")" -g; done
	uvsadm -A -t "$VIP:80" -s rr
	for i in 1 2; do uvsadm -a -t "$VIP:80" -r "$(rs_ip "$i"):80" -g; done
	lab_wait_resolved || exit 1
	lab_exec c timeout 60 python3 "$LAB_ROOT/tests/lab/udp_flows.py" \
		"$VIP" 9000 "$1"
	# the datagrams may still wait in the ring after the sender ends (a
	# sanitizer build drains it slowly): count until the count holds,
	# half a second apart, 10 s at most. Each datagram is a flow of its
	# own (udp_flows.py), but the ring may drop a few on a loaded machine
	prev=-1
	for i in $(seq 20); do
		sleep 0.5
		flows=$(uvsadm -L -c -n | grep -c '^UDP')
		[ "$flows" = "$prev" ] && break
		prev=$flows
	done
	t_check "about $1 UDP flows exist ($flows)" [ "$flows" -ge $(($1 * 98 / 100)) ]
}

# sr_serve_while_reading SECONDS: a reader takes 2 KiB of the listing
# every SECONDS (at 0.05, ~14 s for ~550 KB: more than the socket
# buffers hold, so uvsd's control thread sits in its writes) while five
# requests go through the VIP; all five must be served, and the reader
# must get every flow and a reply that ends "ok".
sr_serve_while_reading() {
	local reader ok=0 n got
	lab_exec d timeout 120 python3 "$LAB_ROOT/tests/lab/slow_reader.py" \
		"$LAB_SOCK" conns 2048 "$1" 100 >"$LAB_DIR/slow" &
	reader=$!
	sleep 1
	for n in $(seq 5); do
		lab_exec c curl -s -m 2 -o /dev/null "http://$VIP/" && ok=$((ok + 1))
	done
	t_check "the reader was still reading after the requests" kill -0 "$reader"
	t_check "5 of 5 requests are served while the slow reader reads ($ok)" [ "$ok" = 5 ]
	wait "$reader"
	got=$(grep -c '^conn proto=udp' "$LAB_DIR/slow")
	t_check "the slow reader got every flow ($got of $flows)" [ "$got" -ge "$flows" ]
	t_check "and the reply ends ok" [ "$(tail -1 "$LAB_DIR/slow")" = ok ]
}
