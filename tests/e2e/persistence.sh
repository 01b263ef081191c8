#!/bin/bash
# Persistence (-p, -M): a client keeps its real server across connections
# while its template lives; with -M 255.255.255.0 a whole /24 shares one.
. "$(dirname "$0")/../lab/lab.sh"
lab_cluster 3
lab_exec c ip addr add 198.18.0.101/24 dev eth0
uvsadm -A -t "$VIP:80" -s rr -p 60
for i in 1 2 3; do uvsadm -a -t "$VIP:80" -r "$(rs_ip "$i"):80" -g; done
lab_wait_resolved || exit 1

t_check "-L -n shows the service as persistent 60" grep -qx "TCP  $VIP:80 rr persistent 60" <(uvsadm -L -n)
for n in $(seq 6); do lab_exec c curl -s -m 5 "http://$VIP/"; done >"$LAB_DIR/a"
t_check "6 connections from $CLIENT_IP all went to one server" [ "$(sort -u "$LAB_DIR/a" | wc -l)" = 1 -a "$(wc -l <"$LAB_DIR/a")" = 6 ]
for n in $(seq 3); do lab_exec c curl -s -m 5 --interface 198.18.0.101 "http://$VIP/"; done >"$LAB_DIR/b"
t_check "another client sticks to its own server" [ "$(sort -u "$LAB_DIR/b" | wc -l)" = 1 ]
first_a=$(head -1 "$LAB_DIR/a") first_b=$(head -1 "$LAB_DIR/b")
t_check "which rr chose differently ($first_a, $first_b)" \
	[ -n "$first_a" -a -n "$first_b" -a "$first_a" != "$first_b" ]
uvsadm -L -c -n >"$LAB_DIR/conns"
t_check "-L -c shows the client's template (port 0, state NONE)" \
	grep -qE "^TCP 0[01]:[0-9]{2}  NONE +$CLIENT_IP:0 +$VIP:80 +198\.18\.0\.1[1-3]:0$" "$LAB_DIR/conns"

# -M 255.255.255.0: both clients are one /24 and share a template
uvsadm -E -t "$VIP:80" -s rr -p 60 -M 255.255.255.0
t_check "-L -n shows the mask" grep -qx "TCP  $VIP:80 rr persistent 60 mask 255.255.255.0" <(uvsadm -L -n)
for n in $(seq 3); do
	lab_exec c curl -s -m 5 "http://$VIP/"
	lab_exec c curl -s -m 5 --interface 198.18.0.101 "http://$VIP/"
done >"$LAB_DIR/m"
t_check "with -M /24 both clients share one server" [ "$(sort -u "$LAB_DIR/m" | wc -l)" = 1 ]

# removing the server a template names sends its clients elsewhere
srv=$(head -1 "$LAB_DIR/m")
uvsadm -d -t "$VIP:80" -r "$(rs_ip "${srv#rs}"):80"
got=$(lab_exec c curl -s -m 5 "http://$VIP/")
t_check "after -d of $srv the client is rescheduled ($got)" [ -n "$got" -a "$got" != "$srv" ]
t_done
