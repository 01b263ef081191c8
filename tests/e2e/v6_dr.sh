#!/bin/bash
# IPv6 Direct Routing end to end, the skeleton's checks over v6: rr
# spreads 30 curl -6 connections 10/10/10 over [VIP6]:80; a keep-alive
# connection sticks; only the director answers Neighbor Solicitations for
# the VIP (negative control: a real server holding VIP6 on eth0 answers
# too); a new VIP is announced with an unsolicited NA; real servers see
# the client's own v6 address; 20 MB each way byte-exact with offloads
# on; UDP over v6; and a dual-stack director serving a v4 and a v6 VIP
# at once. The lab's v6 addresses and uvs-rs for v6 come from lab.sh
# (lab_v6_up, lab_start_all_rs6); services are added with uvsadm's v6
# syntax.
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
trap lab_down EXIT
lab_up 3
lab_v6_up
lab_start_all_rs6 || exit 1
lab_start_uvsd || exit 1
dmac=$(lab_mac d)
rs1mac=$(lab_mac rs1)
probe() { lab_exec c python3 "$LAB_ROOT/tests/lab/ndp_probe.py" "$@"; }
# service6 PROTO PORT: [VIP6]:PORT rr over every real server (port PORT)
# with uvsadm; 2 when uvsd refuses the service, 1 when it never learns
# the real servers' MACs.
service6() {
	local proto=$1 port=$2 flag=-t i
	[ "$proto" = udp ] && flag=-u
	uvsadm -A "$flag" "[$VIP6]:$port" -s rr || return 2
	for i in $(seq 1 "$LAB_NRS"); do
		uvsadm -a "$flag" "[$VIP6]:$port" -r "[$(rs_ip6 "$i")]:$port" -g || return 2
	done
	lab_wait_resolved
}

# 1. the unsolicited NA when the VIP is added, heard by the client
lab_bg c "$LAB_DIR/unsol.txt" timeout 8 tcpdump -l -n -e -vv -i eth0 \
	'icmp6 and ip6[40] == 136'
sleep 1
service6 tcp 80
case $? in
2)	t_fail "uvsd takes [$VIP6]:80 and its real servers"
	exit 1 ;;
1)	t_fail "uvsd learned the v6 real servers' MACs"
	exit 1 ;;
esac
sleep 1
t_check "uvsd announced [$VIP6] with an NA to ff02::1, override set, not solicited" \
	grep -qE "^[0-9:. ]*$dmac > 33:33:00:00:00:01.*$VIP6 > ff02::1: .*neighbor advertisement.*tgt is $VIP6, Flags \[override\]" "$LAB_DIR/unsol.txt"

# 2. -L -n, as ipvsadm prints a v6 service
uvsadm -L -n >"$LAB_DIR/list"
t_check "-L -n shows TCP  [$VIP6]:80 rr" grep -qx "TCP  \[$VIP6\]:80 rr" "$LAB_DIR/list"
cat "$LAB_DIR/list"

# 3. rr spreads
for n in $(seq 30); do
	lab_exec c curl -6 -s -m 5 "http://[$VIP6]/"
done >"$LAB_DIR/answers"
for i in 1 2 3; do
	got=$(grep -cx "rs$i" "$LAB_DIR/answers")
	t_check "rs$i answered 10 of 30 v6 connections (got $got)" [ "$got" = 10 ]
done
for i in 1 2 3; do
	t_check "-L -n lists [$(rs_ip6 "$i")]:80 as Route with 10 connections" \
		awk -v a="[$(rs_ip6 "$i")]:80" '$2 == a && $3 == "Route" && $5 + $6 == 10 { f = 1 } END { exit !f }' <(uvsadm -L -n)
done
# 4. the real servers saw the client's own address
t_check "rs1's access log shows the client's v6 address $CLIENT_IP6" \
	grep -q "^$CLIENT_IP6 GET /" "$LAB_DIR/rs1.access.log"

# 5. keep-alive sticks
lab_exec c curl -6 -s -m 5 "http://[$VIP6]/" "http://[$VIP6]/" \
	"http://[$VIP6]/" "http://[$VIP6]/" "http://[$VIP6]/" >"$LAB_DIR/ka"
t_check "5 requests on one v6 connection were answered by one server" \
	all [ "$(wc -l <"$LAB_DIR/ka")" = 5 ] --and [ "$(sort -u "$LAB_DIR/ka" | wc -l)" = 1 ]

# 6. NS/NA: only the director answers, with every field right
lab_bg c "$LAB_DIR/ndp.txt" timeout 8 tcpdump -l -n -e -vv -i eth0 \
	"icmp6 and (ip6[40] == 135 or ip6[40] == 136)"
sleep 1
probe --src "$CLIENT_IP6" "$VIP6" 3 >"$LAB_DIR/na"
cat "$LAB_DIR/na"
t_check "3 NS for [$VIP6] got 3 NAs, all from the director's MAC" \
	all [ "$(grep -c "^na $dmac tlla=$dmac flags=SO dst=$CLIENT_IP6 hlim=255 csum=ok$" "$LAB_DIR/na")" = 3 ] \
	--and [ "$(grep -c '^na ' "$LAB_DIR/na")" = 3 ]
probe "$VIP6" 1 >"$LAB_DIR/na_dad"
t_check "a DAD probe (from ::) is answered to ff02::1, not solicited" \
	grep -q "^na $dmac tlla=$dmac flags=O dst=ff02::1 hlim=255 csum=ok$" "$LAB_DIR/na_dad"
probe --src "$CLIENT_IP6" --unicast "$dmac" "$VIP6" 1 >"$LAB_DIR/na_uni"
t_check "a unicast NS (NUD) is answered too" \
	grep -q "^na $dmac tlla=$dmac flags=SO dst=$CLIENT_IP6" "$LAB_DIR/na_uni"
probe --src "$CLIENT_IP6" 2001:db8::50 2 >"$LAB_DIR/na_none"
t_check "no NA for an address that is no VIP" \
	all grep -q "^sent 2$" "$LAB_DIR/na_none" --and not grep -q "^na " "$LAB_DIR/na_none"
t_check "uvsd counted the NAs it sent" [ "$(lab_counter ndp_replies)" -ge 5 ]
sleep 2
echo "# the NS/NA exchange, as the client captured it:"
grep -E "neighbor (solicitation|advertisement)" "$LAB_DIR/ndp.txt" | head -4

# 7. 20 MB each way
size=20000000
python3 "$LAB_ROOT/tests/lab/rs_httpd.py" --gen-blob "$size" >"$LAB_DIR/blob"
want=$(sha256sum <"$LAB_DIR/blob" | awk '{print $1}')
got=$(lab_exec c curl -6 -s -m 30 --data-binary @"$LAB_DIR/blob" "http://[$VIP6]/upload")
t_check "20 MB upload over v6 arrives byte-exact ($got)" [ "$got" = "$want $size" ]
got=$(lab_exec c curl -6 -s -m 30 "http://[$VIP6]/blob?size=$size" | sha256sum | awk '{print $1}')
t_check "20 MB download over v6 arrives byte-exact" [ "$got" = "$want" ]
t_check "no frame was refused on send" [ "$(lab_counter drop_send_error)" = 0 ]

# 8. UDP over v6
service6 udp 9000 || exit 1
lab_exec c python3 - "$VIP6" >"$LAB_DIR/udp" <<'EOT'
import socket, sys
for n in range(6):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.connect((sys.argv[1], 9000))
    try:
        s.send(b"ping%d" % n)
        print(s.recv(512).decode().strip())
    except OSError as e:
        print("lost", e)
    s.close()
EOT
t_check "6 datagrams to [$VIP6]:9000 got 6 echoes" [ "$(grep -c ' ping' "$LAB_DIR/udp")" = 6 ]
for i in 1 2 3; do
	t_check "rs$i echoed 2 of them" [ "$(grep -c "^rs$i ping" "$LAB_DIR/udp")" = 2 ]
done

# 9. dual stack: a v4 VIP beside the v6 one, both served at once
for i in 1 2 3; do
	lab_exec "rs$i" "$B/uvs-rs" --state "$LAB_DIR/rs$i.state4" up "$VIP" >/dev/null
done
lab_service rr || exit 1
for n in $(seq 6); do
	lab_exec c curl -4 -s -m 5 "http://$VIP/"
	lab_exec c curl -6 -s -m 5 "http://[$VIP6]/"
done >"$LAB_DIR/dual"
t_check "a dual-stack director served 6 v4 and 6 v6 connections" \
	[ "$(grep -c '^rs[123]$' "$LAB_DIR/dual")" = 12 ]
got=$(lab_arping "$VIP" 2)
t_check "and still answers ARP for the v4 VIP with its MAC" [ "$got" = "$dmac" ]

# 10. negative control: rs1 holding VIP6 on eth0 answers NS too
lab_exec rs1 ip -6 addr add "$VIP6/128" dev eth0 nodad
probe --src "$CLIENT_IP6" "$VIP6" 2 >"$LAB_DIR/na_ctl"
t_check "with VIP6 on rs1's eth0, rs1 answers NS for it too" \
	grep -q "^na $rs1mac " "$LAB_DIR/na_ctl"
t_done
