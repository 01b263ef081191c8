#!/bin/bash
# uvsd -j 2: two ring workers joined by PACKET_FANOUT. Frames of both
# clients are shared out between the workers; a persistent client keeps
# its real server whichever connection it opens; counters and flows read
# through uvsadm are the workers' sums; and control changes made while
# wrk keeps 16 connections busy (a server added, a weight edited, a
# service added, the server removed again, the scheduler changed) lose
# no established connection and no request.
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
trap lab_down EXIT
lab_up 3
lab_start_all_rs || exit 1
lab_start_uvsd -j 2 || exit 1
C2=198.18.0.101
lab_exec c ip addr add "$C2/24" dev eth0
t_check "uvsd says it runs two ring workers" \
	grep -q '(2 ring workers, fanout by client)' "$LAB_DIR/uvsd.log"

uvsadm -A -t "$VIP:80" -s rr
uvsadm -a -t "$VIP:80" -r "$(rs_ip 1):80" -g
uvsadm -a -t "$VIP:80" -r "$(rs_ip 2):80" -g
uvsadm -A -u "$VIP:9000" -s rr -p 60
for i in 1 2 3; do uvsadm -a -u "$VIP:9000" -r "$(rs_ip "$i")" -g; done
lab_wait_resolved || exit 1

# persistence: each client sticks to one server across flows (4 source
# ports each), although the two clients' frames go to different workers
for src in "$CLIENT_IP" "$C2"; do
	lab_exec c python3 - "$VIP" "$src" >"$LAB_DIR/p-$src" <<'EOT'
import socket, sys
for n in range(4):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((sys.argv[2], 0))
    s.settimeout(3)
    s.connect((sys.argv[1], 9000))
    s.send(b"ping")
    try:
        print(s.recv(100).decode().split()[0])
    except OSError:
        print("timeout")
EOT
	t_check "-p with -j 2: 4 flows from $src, one server ($(sort -u "$LAB_DIR/p-$src" | tr '\n' ' '))" \
		[ "$(grep -c '^rs' "$LAB_DIR/p-$src")" = 4 -a "$(sort -u "$LAB_DIR/p-$src" | wc -l)" = 1 ]
done
w0=$(lab_counter worker0_rx_frames) w1=$(lab_counter worker1_rx_frames)
t_check "both workers took frames (worker0 $w0, worker1 $w1)" \
	[ "${w0:-0}" -gt 0 -a "${w1:-0}" -gt 0 ]
t_check "rx_frames is the workers' sum ($(lab_counter rx_frames))" \
	[ "$(lab_counter rx_frames)" = $((w0 + w1)) ]
t_check "-L -c lists the flows of both clients, from both workers" \
	sh -c "ip netns exec $(lab_ns d) env UVS_SOCKET=$LAB_SOCK $B/uvsadm -L -c -n | grep -q '$CLIENT_IP:' && ip netns exec $(lab_ns d) env UVS_SOCKET=$LAB_SOCK $B/uvsadm -L -c -n | grep -q '$C2:'"
conns=$(uvsadm -L -n --stats | awk -v a="$VIP:9000" '$2 == a { print $3 }')
t_check "-L --stats counts the 8 flows both workers made ($conns)" [ "$conns" = 8 ]

# control changes under load, from both client addresses' worth of wrk
lab_exec c wrk -t2 -c16 -d8s --timeout 4s "http://$VIP/" >"$LAB_DIR/wrk" 2>&1 &
wrk_pid=$!
sleep 1.5
uvsadm -a -t "$VIP:80" -r "$(rs_ip 3):80" -g
sleep 1
uvsadm -e -t "$VIP:80" -r "$(rs_ip 1):80" -g -w 3
sleep 1
uvsadm -A -u "$VIP:53" -s rr
uvsadm -a -u "$VIP:53" -r "$(rs_ip 1):53" -g
sleep 1
uvsadm -d -t "$VIP:80" -r "$(rs_ip 3):80"
sleep 1
uvsadm -E -t "$VIP:80" -s wlc
wait "$wrk_pid"
sed 's/^/# /' "$LAB_DIR/wrk"
reqs=$(awk '/requests in/ { print $1 }' "$LAB_DIR/wrk")
t_check "wrk completed requests through the changes (${reqs:-none})" [ "${reqs:-0}" -gt 100 ]
t_absent "no socket errors (connect, read, write, timeout)" 'Socket errors' "$LAB_DIR/wrk"
t_absent "no non-2xx answers" 'Non-2xx' "$LAB_DIR/wrk"
t_check "the changes all took: wlc, rs1 weight 3, rs3 gone, UDP service there" \
	sh -c "ip netns exec $(lab_ns d) env UVS_SOCKET=$LAB_SOCK $B/uvsadm -S -n | tr '\n' '|' | grep -q -- '-A -t $VIP:80 -s wlc|-a -t $VIP:80 -r $(rs_ip 1):80 -g -w 3|-a -t $VIP:80 -r $(rs_ip 2):80 -g -w 1|'"
t_check "a new connection after the changes is answered" \
	lab_exec c curl -s -m 5 -o /dev/null "http://$VIP/"
t_check "uvsd is still running" kill -0 "$LAB_UVSD_PID"
# the ASan and TSan builds write their reports to uvsd's log
t_absent "no sanitizer report in uvsd's log" 'Sanitizer|runtime error' "$LAB_DIR/uvsd.log"
t_done
