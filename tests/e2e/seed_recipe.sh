#!/bin/bash
# The old CentOS LVS-DR recipe, line by line, with uvs in place of
# ipvsadm and arptables_jf (addresses mapped into 198.18.0.0/15):
#   director:  ifconfig eth0:1 VIP netmask 255.255.255.0 up
#              sysctl -w net.ipv4.ip_forward=1
#              ipvsadm -A -t VIP:80 -s rr ; ipvsadm -a -t VIP:80 -r RIP:80 -g
#              ipvsadm -L ; service ipvsadm save (/etc/sysconfig/ipvsadm)
#   real servers: VIP on an eth0 alias, and
#              arptables -A IN -d VIP -j DROP
#              arptables -A OUT -s VIP -j mangle --mangle-ip-s RIP
#                (uvs-rs up --arp nft --dev eth0 VIP)
# Then 30 curls are spread by rr, and again after -E ... -s wlc. The
# director's kernel holds the VIP and forwards, yet only uvsd answers.
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
trap lab_down EXIT
lab_up 3

# director, the seed's two lines (ifconfig where it exists, as the seed)
if command -v ifconfig >/dev/null; then
	lab_exec d ifconfig eth0:1 "$VIP" netmask 255.255.255.0 up
else
	lab_exec d ip addr add "$VIP/24" dev eth0 label eth0:1
fi
lab_exec d sysctl -qw net.ipv4.ip_forward=1
t_check "the director's kernel holds the VIP on eth0:1" \
	sh -c "ip netns exec $(lab_ns d) ip -4 addr show dev eth0 | grep -q 'inet $VIP/24 .*eth0:1'"

# real servers: VIP on an eth0 alias, the arptables_jf pair as nft arp rules
for i in 1 2 3; do
	lab_exec "rs$i" "$B/uvs-rs" --state "$LAB_DIR/rs$i.state" up --arp nft \
		--dev eth0 "$VIP" >"$LAB_DIR/rs$i.up" 2>&1 ||
		{ t_fail "uvs-rs up --arp nft --dev eth0 on rs$i: $(cat "$LAB_DIR/rs$i.up")"; exit 1; }
	lab_bg "rs$i" "$LAB_DIR/rs$i.httpd.err" python3 \
		"$LAB_ROOT/tests/lab/rs_httpd.py" --name "rs$i" --port 80 \
		--log "$LAB_DIR/rs$i.access.log"
done
for i in 1 2 3; do lab_wait_port "rs$i" 80 || exit 1; done
lab_exec rs1 "$B/uvs-rs" --state "$LAB_DIR/rs1.state" check "$VIP" >"$LAB_DIR/rs1.check" 2>&1
t_check "uvs-rs check on rs1 passes with the VIP on eth0 and nft arp rules" [ $? = 0 ]
cat "$LAB_DIR/rs1.check" | sed 's/^/# /'

lab_start_uvsd || exit 1
uvsadm -A -t "$VIP:80" -s rr
for i in 1 2 3; do uvsadm -a -t "$VIP:80" -r "$(rs_ip "$i"):80" -g; done
lab_wait_resolved || exit 1

spread() {
	local n
	: >"$LAB_DIR/answers"
	for n in $(seq 30); do
		lab_exec c curl -s -m 5 "http://$VIP/" >>"$LAB_DIR/answers"
		echo >>"$LAB_DIR/answers"
	done
	sed -i '/^$/d' "$LAB_DIR/answers"
}
# count resets from the VIP at the client: the kernel's answer, if any
lab_exec c nft -f - <<EOT
table ip seedrst {
	chain in {
		type filter hook input priority 0;
		ip saddr $VIP tcp flags & rst == rst counter
	}
}
EOT
spread
t_check "rr: 30 of 30 curls answered" [ "$(wc -l <"$LAB_DIR/answers")" = 30 ]
for i in 1 2 3; do
	got=$(grep -cx "rs$i" "$LAB_DIR/answers")
	t_check "rr: rs$i answered 10 (got $got)" [ "$got" = 10 ]
done
macs=$(lab_arping "$VIP" 3)
t_check "arping VIP: only the director's MAC answers ($(echo $macs))" \
	[ "$macs" = "$(lab_mac d)" ]
t_check "the client's ARP entry for the VIP is the director's MAC" \
	all [ -n "$(lab_mac d)" ] --and sh -c "ip netns exec $(lab_ns c) ip neigh show $VIP | grep -qi '$(lab_mac d)'"

uvsadm -L >"$LAB_DIR/L"
uvsadm -L -n --stats >"$LAB_DIR/Lstats"
uvsadm -S >"$LAB_DIR/sysconfig-ipvsadm"	# service ipvsadm save
sed 's/^/# /' "$LAB_DIR/L" "$LAB_DIR/Lstats" "$LAB_DIR/sysconfig-ipvsadm"
t_check "-L names the service as ipvsadm does (TCP  $VIP:http rr)" \
	grep -qx "TCP  $VIP:http rr" "$LAB_DIR/L"
t_check "-L -n --stats counts 30 connections" \
	awk -v a="$VIP:80" '$2 == a && $3 == 30 { f = 1 } END { exit !f }' "$LAB_DIR/Lstats"
t_check "service ipvsadm save: -S writes the rr service and its 3 dests" \
	[ "$(grep -c '^-a -t ' "$LAB_DIR/sysconfig-ipvsadm")" = 3 ]

# the same cluster with wlc, as the seed's second variant
uvsadm -E -t "$VIP:80" -s wlc
spread
t_check "wlc: 30 of 30 curls answered" [ "$(wc -l <"$LAB_DIR/answers")" = 30 ]
for i in 1 2 3; do
	got=$(grep -cx "rs$i" "$LAB_DIR/answers")
	t_check "wlc: rs$i took its share (8..12, got $got)" [ "$got" -ge 8 -a "$got" -le 12 ]
done
t_check "-L shows wlc" grep -qx "TCP  $VIP:http wlc" <(uvsadm -L)

# /etc/sysconfig/ipvsadm restored into a fresh uvsd: the seed's restart
kill "$LAB_UVSD_PID"; wait "$LAB_UVSD_PID" 2>/dev/null
lab_start_uvsd --rules "$LAB_DIR/sysconfig-ipvsadm" || exit 1
lab_wait_resolved
t_check "uvsd --rules with the saved file serves again" \
	lab_exec c curl -s -m 5 -o /dev/null "http://$VIP/"
rst=$(lab_exec c nft list table ip seedrst | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
t_check "no TCP reset from the VIP reached the client in 61 connections (got ${rst:-?})" \
	[ "$rst" = 0 ]
t_done
