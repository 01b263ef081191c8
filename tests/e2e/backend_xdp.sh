#!/bin/bash
# uvsd --backend xdp: an XDP program on the director's veth sends VIP
# traffic and ARP for the VIP to AF_XDP sockets, and uvsd forwards from
# there. What it must do: attach natively on veth, answer ARP, spread
# curl over the real servers and count it in -L --stats, carry 20 MB
# byte-exact each way with the lab's offloads on (partial checksums
# finished in software: tx_sw_csum), keep every VIP frame from the
# director's kernel (an nftables ingress counter, which runs after XDP,
# stays at 0; after uvsd stops the same traffic reaches it), accept a
# VIP on the director's own interface without the nft guard, pass 802.1Q
# tagged frames to the kernel rather than serve them untagged, and fall
# back to the ring with one line when it cannot attach. With a 9000-byte
# MTU veth refuses native XDP: generic mode then, where GSO frames too
# long for the AF_XDP sockets pass to the packet socket and the nft
# guard stays; 20 MB must still cross byte-exact. Negative
# control: with --no-vnet the partial checksums go out unfinished and
# the upload does not arrive.
. "$(dirname "$0")/../lab/lab.sh"
UVSD_ARGS="--backend xdp"
lab_cluster 3
lab_service rr || exit 1

dmac=$(lab_mac d)
t_check "start line: one xdp worker, native mode" \
	grep -q "(1 xdp worker, fanout by client; native mode" "$LAB_DIR/uvsd.log"
t_check "the program is on the director's eth0" \
	sh -c "ip -n '$(lab_ns d)' link show eth0 | grep -q 'prog/xdp.*uvs_xdp'"
t_check "no nftables guard table" out_lacks "uvsd-" lab_exec d nft list tables

# an ingress counter for VIP traffic: netdev ingress runs after XDP
lab_exec d nft -f - <<EOF
table netdev xdpseen {
	chain in {
		type filter hook ingress device eth0 priority 0;
		ip daddr $VIP counter
	}
}
EOF
seen() {
	lab_exec d nft list chain netdev xdpseen in |
		sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
}

# a VLAN 100 host (a packet socket writing tagged frames: the bridge
# keeps the tag beside the frame, as veth does): the native program asks
# for the tag and passes the frame to the kernel; nothing leaks untagged
uvsadm -A -u "$VIP:9000" -s rr
uvsadm -a -u "$VIP:9000" -r "$(rs_ip 1)" -g
lab_wait_resolved
ip netns exec "$(lab_ns rs1)" timeout 4 tcpdump -i eth0 -nn -l \
	"host 198.18.100.100 or (vlan and host 198.18.100.100)" \
	>"$LAB_DIR/cap.vlan" 2>/dev/null &
tcpd=$!
sleep 1
lab_exec c python3 "$LAB_ROOT/tests/lab/vlansend.py" --tci 0x6064 \
	--src 198.18.100.100 --vip "$VIP" --dmac "$dmac" --count 6 udp >/dev/null
sent=$?
wait "$tcpd"
t_check "tagged frames to the VIP are not served untagged (sent: $sent, seen: $(head -2 "$LAB_DIR/cap.vlan"))" \
	all [ "$sent" = 0 ] --and [ "$(grep -c 198.18.0.10 "$LAB_DIR/cap.vlan")" = 0 ]
uvsadm -D -u "$VIP:9000"
# the kernel got those: the count below starts from here
base=$(seen)

arp=$(lab_arping "$VIP" 2)
t_check "ARP for the VIP is answered by the director ($arp)" \
	[ "$arp" = "$dmac" ]

names=""
for i in $(seq 1 6); do
	names="$names $(lab_exec c curl -s -m 3 "http://$VIP/")"
done
per=$(tr ' ' '\n' <<<"$names" | grep . | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')
t_check "curl through the VIP: each real server answered twice ($per)" \
	[ "$per" = "rs1=2 rs2=2 rs3=2 " ]
stats=$(uvsadm -L -n --stats)
conns=$(awk '$1 == "TCP" { print $3 }' <<<"$stats")
inpkts=$(awk '$1 == "TCP" { print $4 }' <<<"$stats")
t_check "-L --stats counts 6 connections ($conns) and their packets ($inpkts)" \
	all [ "$conns" = 6 ] --and [ "${inpkts:-0}" -ge 30 ]

size=20000000
python3 "$LAB_ROOT/tests/lab/rs_httpd.py" --gen-blob "$size" >"$LAB_DIR/blob"
want=$(sha256sum <"$LAB_DIR/blob" | awk '{print $1}')
got=$(lab_exec c curl -s -m 30 --data-binary @"$LAB_DIR/blob" "http://$VIP/upload")
t_check "20 MB upload arrives byte-exact" [ "$got" = "$want $size" ]
got=$(lab_exec c curl -s -m 30 "http://$VIP/blob?size=$size" | sha256sum | awk '{print $1}')
t_check "20 MB download arrives byte-exact" [ "$got" = "$want" ]
csum=$(lab_counter tx_sw_csum)
# most runs: nearly every segment (some 13 900); one run of many saw 42
t_check "partial checksums were finished in software ($csum)" \
	[ "${csum:-0}" -gt 0 ]
t_check "no frame was refused on send" [ "$(lab_counter drop_send_error)" = 0 ]
t_check "no frame was lost by the sockets" [ "$(lab_counter rx_kernel_drops)" = 0 ]
s=$(seen)
t_check "the director's kernel saw no untagged VIP frame (${s:-none} - $base)" \
	[ "$s" = "$base" ]

# a VIP on the director's own interface: no guard needed, none refused
lab_exec d ip addr add 198.18.0.20/32 dev eth0
out=$(uvsadm -A -t 198.18.0.20:80 -s rr 2>&1 &&
	uvsadm -a -t 198.18.0.20:80 -r "$(rs_ip 1)":80 -g 2>&1)
t_check "a VIP on the director's eth0 is accepted ($out)" [ -z "$out" ]
lab_exec rs1 "$B/uvs-rs" --state "$LAB_DIR/rs1b.state" up 198.18.0.20 >/dev/null
got=$(lab_exec c curl -s -m 3 "http://198.18.0.20/")
t_check "and served by the real server, not the director ($got)" \
	[ "$got" = rs1 ]
out=$(lab_exec d "$B/uvsd" --check -i eth0 --socket "$LAB_SOCK" 2>&1)
rc=$?
t_check "uvsd --check: the XDP program keeps the kernel off it ($rc: $out)" \
	all [ "$rc" = 0 ] --and [ "$(grep -c "VIP 198.18.0.20 is on kernel interface eth0; uvsd's XDP program (uvs_xdp on eth0) keeps the kernel off it" <<<"$out")" = 1 ]

kill "$LAB_UVSD_PID"
wait "$LAB_UVSD_PID" 2>/dev/null
t_check "the program is gone when uvsd stops" \
	not sh -c "ip -n '$(lab_ns d)' link show eth0 | grep -q prog/xdp"
lab_exec c curl -s -m 2 "http://$VIP/" >/dev/null
s=$(seen)
t_check "control: without uvsd the kernel sees VIP frames (${s:-none} - $base)" \
	[ "${s:-0}" -gt "$base" ]
lab_exec d nft delete table netdev xdpseen

# -j 1 is what runs without -j: accepted, the same one xdp worker
lab_start_uvsd -j 1 || exit 1
lab_service rr || exit 1
got=$(lab_exec c curl -s -m 3 "http://$VIP/")
t_check "-j 1: one xdp worker in native mode serves curl ($got)" \
	all grep -q "(1 xdp worker, fanout by client; native mode" "$LAB_DIR/uvsd.log" \
	--and [ -n "$(grep -x 'rs[123]' <<<"$got")" ]
kill "$LAB_UVSD_PID"
wait "$LAB_UVSD_PID" 2>/dev/null

# --no-vnet: the frames' partial checksums leave unfinished
lab_start_uvsd --no-vnet || exit 1
lab_service rr || exit 1
got=$(lab_exec c curl -s -m 5 --data-binary @"$LAB_DIR/blob" "http://$VIP/upload")
t_check "control: with --no-vnet the upload does not arrive" \
	[ "$got" != "$want $size" ]
kill "$LAB_UVSD_PID"
wait "$LAB_UVSD_PID" 2>/dev/null

# someone else's XDP program on the link: one line, then the ring
clang -O2 -target bpf -I"/usr/include/$(gcc -print-multiarch)" -c -o "$LAB_DIR/pass.o" -x c - <<'EOF'
#include <linux/bpf.h>
__attribute__((section("xdp"), used)) int other(struct xdp_md *c) { return XDP_PASS; }
char l[] __attribute__((section("license"), used)) = "GPL";
EOF
lab_exec d ip link set dev eth0 xdpgeneric obj "$LAB_DIR/pass.o" sec xdp
lab_start_uvsd || exit 1
lab_service rr || exit 1
t_check "a foreign XDP program: one line says why" \
	grep -q "backend xdp on eth0: .*another XDP program is attached; using the ring backend" "$LAB_DIR/uvsd.log"
t_check "and the ring serves, guarded" \
	all grep -q "director on eth0 (1 ring worker," "$LAB_DIR/uvsd.log" --and \
	sh -c "ip netns exec '$(lab_ns d)' nft list tables | grep -q uvsd-"
got=$(lab_exec c curl -s -m 3 "http://$VIP/")
t_check "and curl still works ($got)" [ -n "$(grep -x 'rs[123]' <<<"$got")" ]
kill "$LAB_UVSD_PID"
wait "$LAB_UVSD_PID" 2>/dev/null
lab_exec d ip link set dev eth0 xdpgeneric off

# generic mode: veth has no native XDP above a page-sized MTU
ip -n "$(lab_ns br)" link set p-d mtu 9000
lab_exec d ip link set eth0 mtu 9000
lab_start_uvsd || exit 1
lab_service rr || exit 1
t_check "a 9000-byte MTU: generic mode, guarded, its limit said" \
	all grep -q "xdp worker, fanout by client; generic mode" "$LAB_DIR/uvsd.log" --and \
	grep -q "generic mode: an 802.1Q tag .* served untagged" "$LAB_DIR/uvsd.log" --and \
	sh -c "ip netns exec '$(lab_ns d)' nft list tables | grep -q uvsd-"
got=$(lab_exec c curl -s -m 30 --data-binary @"$LAB_DIR/blob" "http://$VIP/upload")
t_check "generic mode: 20 MB upload (GSO frames) arrives byte-exact" \
	[ "$got" = "$want $size" ]
got=$(lab_exec c curl -s -m 30 "http://$VIP/blob?size=$size" | sha256sum | awk '{print $1}')
t_check "generic mode: 20 MB download arrives byte-exact" [ "$got" = "$want" ]
kill "$LAB_UVSD_PID"
wait "$LAB_UVSD_PID" 2>/dev/null

out=$(lab_exec d "$B/uvsd" -i eth0 --backend xdp -j 2 --socket "$LAB_DIR/x.sock" 2>&1)
rc=$?
why=$(grep -c "backend xdp serves one -i interface with one worker: without -j N > 1" <<<"$out")
t_check "--backend xdp with -j 2 is refused with one line ($rc: $out)" \
	all [ "$rc" = 2 ] --and [ "$(wc -l <<<"$out")" = 1 ] --and [ "$why" = 1 ]
out=$(lab_exec d "$B/uvsd" -i eth0 --backend xdp --vlan 100 --socket "$LAB_DIR/x.sock" 2>&1)
rc=$?
why=$(grep -c "backend xdp serves untagged frames only" <<<"$out")
t_check "--backend xdp with --vlan is refused with one line ($rc: $out)" \
	all [ "$rc" = 2 ] --and [ "$(wc -l <<<"$out")" = 1 ] --and [ "$why" = 1 ]
t_done
