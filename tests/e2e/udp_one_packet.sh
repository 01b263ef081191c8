#!/bin/bash
# One-packet scheduling (-o, IPVS's IP_VS_CONN_F_ONE_PACKET): nine
# datagrams from one UDP socket to an rr service with -o are scheduled
# one by one, three to each real server, and leave no flow behind; each
# counts as a connection (-L --stats Conns), as IPVS counts them. The
# negative control is the same service edited without -o: the nine go
# to one server, as one flow.
. "$(dirname "$0")/../lab/lab.sh"
lab_cluster 3
uvsadm -A -u "$VIP:9000" -s rr -o
for i in 1 2 3; do uvsadm -a -u "$VIP:9000" -r "$(rs_ip "$i")" -g; done
lab_wait_resolved || exit 1

# Nine datagrams from one socket (one client port); who echoed each.
nine() {
	lab_exec c timeout 30 python3 - "$VIP" <<'EOT'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.connect((sys.argv[1], 9000))
for n in range(9):
    try:
        s.send(b"dgram%d" % n)
        print(s.recv(512).decode().split()[0])
    except OSError as e:
        print("lost")
EOT
}
flows() { uvsadm -L -c -n | grep -c "^UDP "; }

t_check "-L -n shows the service with ops" grep -q "^UDP  $VIP:9000 rr ops" <(uvsadm -L -n)
t_check "-S saves it with -o" grep -q -- "-A -u $VIP:9000 -s rr -o" <(uvsadm -S -n)
nine >"$LAB_DIR/ops"
for i in 1 2 3; do
	t_check "rs$i echoed 3 of the 9 datagrams ($(grep -c "^rs$i\$" "$LAB_DIR/ops"))" \
		[ "$(grep -c "^rs$i\$" "$LAB_DIR/ops")" = 3 ]
done
t_check "no flow was kept ($(flows) in -L -c)" [ "$(flows)" = 0 ]
t_check "each datagram counted as a connection (ops_sched $(lab_counter ops_sched))" \
	[ "$(lab_counter ops_sched)" = 9 ]
t_check "-L --stats counts 9 connections for the service" \
	awk -v s="UDP  $VIP:9000" '$1 " " $2 == "UDP " substr(s, 6) && $3 == 9 { f = 1 } END { exit !f }' \
	<(uvsadm -L -n --stats)

# Negative control: without -o the socket is one flow, on one server.
uvsadm -E -u "$VIP:9000" -s rr
nine >"$LAB_DIR/flow"
t_check "control, no -o: all 9 went to one server ($(sort -u "$LAB_DIR/flow" | tr '\n' ' '))" \
	[ "$(sort -u "$LAB_DIR/flow" | grep -c '^rs')" = 1 ]
t_check "control, no -o: one flow in -L -c" [ "$(flows)" = 1 ]
t_done
