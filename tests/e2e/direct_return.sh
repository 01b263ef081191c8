#!/bin/bash
# Direct return: the real servers see the client's own address, replies
# never cross the director, and uvsd forwarded exactly the client's
# frames to the VIP (counted independently by nftables on the client).
. "$(dirname "$0")/../lab/lab.sh"
lab_cluster 3
lab_service rr || exit 1

lab_exec c nft -f - <<EOT || t_fail "nftables counter on the client"
table ip uvstest {
	chain out { type filter hook output priority 0; ip daddr $VIP counter; }
}
EOT
lab_exec d nft -f - <<EOT || t_fail "nftables counter on the director"
table netdev uvstest {
	chain in { type filter hook ingress device eth0 priority 0; ip saddr $VIP counter; }
}
EOT
for n in $(seq 9); do lab_exec c curl -s -m 5 "http://$VIP/" >/dev/null; done
sleep 0.2

sent=$(lab_exec c nft list table ip uvstest | grep -o 'packets [0-9]*' | awk '{print $2}')
fwd=$(lab_counter fwd_frames)
back=$(lab_exec d nft list table netdev uvstest | grep -o 'packets [0-9]*' | awk '{print $2}')
for i in 1 2 3; do
	t_check "rs$i's access log shows the client's own address $CLIENT_IP" \
		grep -q "^$CLIENT_IP GET /" "$LAB_DIR/rs$i.access.log"
done
t_absent "no real server saw the director's address as client" \
	"^$DIR_IP " "$LAB_DIR"/rs*.access.log
t_check "uvsd forwarded every client->VIP packet and nothing else ($fwd of $sent)" \
	[ -n "$sent" -a "$sent" -gt 0 -a "$fwd" = "$sent" ]
t_check "no frame from the VIP (a reply) reached the director ($back)" [ "$back" = 0 ]
t_done
