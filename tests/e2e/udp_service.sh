#!/bin/bash
# A UDP service: datagrams to VIP:9000 are answered by the real servers'
# UDP echo, spread round robin, one flow per client port.
. "$(dirname "$0")/../lab/lab.sh"
lab_cluster 3
uvsadm -A -u "$VIP:9000" -s rr
for i in 1 2 3; do uvsadm -a -u "$VIP:9000" -r "$(rs_ip "$i")" -g; done
lab_wait_resolved || exit 1

lab_exec c python3 - "$VIP" >"$LAB_DIR/udp" <<'EOT'
import socket, sys
for n in range(6):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.connect((sys.argv[1], 9000))   # a reply from any other source is refused
    try:
        s.send(b"ping%d" % n)
        print(s.recv(512).decode().strip())
    except OSError as e:
        print("lost", e)
    s.close()
EOT
t_check "6 datagrams to the VIP got 6 echoes" [ "$(grep -c ' ping' "$LAB_DIR/udp")" = 6 ]
for i in 1 2 3; do
	t_check "rs$i echoed 2 of them" [ "$(grep -c "^rs$i ping" "$LAB_DIR/udp")" = 2 ]
done
t_check "-L -n lists the UDP service" grep -q "^UDP  $VIP:9000 rr" <(uvsadm -L -n)
t_check "UDP flows count as inactive, as in IPVS" \
	awk '$1 == "->" && $2 ~ /:9000$/ { a += $5; i += $6 } END { exit !(a == 0 && i == 6) }' <(uvsadm -L -n)
t_done
