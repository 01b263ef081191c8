#!/bin/bash
# uvs-rs up --arp nft: the old recipe's arptables_jf pair as an nftables
# arp table keeps real servers quiet for the VIP without any sysctl:
# rs1 and rs2 hold the VIP on lo, rs3 on eth0 (where arp_ignore could not
# help). Only the director's MAC answers ARP for the VIP, 30 connections
# through uvsd spread 10/10/10, and the real servers' own ARP requests
# (made while answering from the VIP) never name the VIP as sender. A
# negative control on rs1 (output rule gone) shows the capture would see
# it. check names the method, down leaves no table behind.
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
trap lab_down EXIT
lab_up 3

rs() { local i=$1; shift; lab_exec "rs$i" "$B/uvs-rs" --state "$LAB_DIR/rs$i.state" "$@"; }
sysctls() {
	local f k
	for f in all eth0; do
		for k in arp_ignore arp_announce; do
			printf '%s ' "$(lab_exec "$1" cat "/proc/sys/net/ipv4/conf/$f/$k")"
		done
	done
}

# ARP on the client's wire, to $1 (pcap); stopped by cap_stop, bounded.
cap_start() {
	local n
	# --immediate-mode: libpcap's block ring would hold the last frames
	# back until its timer, past the moment cap_stop ends the capture
	ip netns exec "$(lab_ns c)" timeout 60 tcpdump --immediate-mode -U -nn \
		-i eth0 -w "$1" \
		arp 2>"$1.err" &
	CAP_PID=$!
	LAB_PIDS+=("$CAP_PID")
	for n in $(seq 50); do
		grep -q "listening on" "$1.err" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
cap_stop() { sleep 0.5; kill "$CAP_PID" 2>/dev/null; wait "$CAP_PID" 2>/dev/null; }
cap_read() { tcpdump -nn -e -r "$1" 2>/dev/null; }
curls() {
	local n
	for n in $(seq "$1"); do
		lab_exec c curl -s -m 5 "http://$VIP/"
		echo
	done | sed '/^$/d'
}

before=$(sysctls rs1)
t_check "rs1: up --arp nft puts the VIP on lo" rs 1 up --arp nft "$VIP"
t_check "rs2: up --arp nft puts the VIP on lo" rs 2 up --arp nft "$VIP"
t_check "rs3: up --arp nft --dev eth0 puts the VIP on eth0" rs 3 up --arp nft --dev eth0 "$VIP"
t_check "the VIP is on rs1's lo as /32" \
	sh -c "ip -n $(lab_ns rs1) -4 -o addr show dev lo | grep -q ' $VIP/32 '"
t_check "the VIP is on rs3's eth0 as /32" \
	sh -c "ip -n $(lab_ns rs3) -4 -o addr show dev eth0 | grep -q ' $VIP/32 '"
t_check "no ARP sysctl changed (arp_ignore/arp_announce all and eth0: $before)" \
	[ "$before" = "0 0 0 0 " -a "$(sysctls rs3)" = "$before" ]
t_check "rs1 has table arp uvs-rs with an input drop and an output rewrite" \
	sh -c "ip netns exec $(lab_ns rs1) nft list table arp uvs-rs | grep -q 'arp daddr ip $VIP .*drop' &&
	       ip netns exec $(lab_ns rs1) nft list table arp uvs-rs | grep -q 'arp saddr ip set $(rs_ip 1)'"

for i in 1 2 3; do
	rs "$i" check "$VIP" >"$LAB_DIR/check$i" 2>&1
	t_check "rs$i: check passes" [ $? = 0 ]
	t_check "rs$i: check says nft protects the VIP" \
		grep -q "^uvs-rs: $VIP on .* is protected by nft (table arp uvs-rs)" "$LAB_DIR/check$i"
	t_check "rs$i: check's ok line names nft" \
		grep -q "^uvs-rs: ok: .*suppressed by nft" "$LAB_DIR/check$i"
done
t_check "rs3: check says the VIP is on eth0" grep -q "^uvs-rs: $VIP is on eth0 as /32" "$LAB_DIR/check3"
t_check "rs1: check says it is on lo" grep -q "^uvs-rs: $VIP on lo is protected" "$LAB_DIR/check1"

for i in 1 2 3; do lab_start_servers "$i"; done
for i in 1 2 3; do lab_wait_port "rs$i" 80 || exit 1; done
lab_start_uvsd || exit 1
lab_service rr || exit 1
dmac=$(lab_mac d)

got=$(lab_arping "$VIP" 3)
t_check "arping $VIP: only the director's MAC answers (got $(echo $got))" [ "$got" = "$dmac" ]

# the real servers forget the client, so each must ARP for it while
# answering from the VIP: the request the arp_announce problem is about
for i in 1 2 3; do lab_exec "rs$i" ip neigh flush dev eth0; done
cap_start "$LAB_DIR/arp.pcap" || { t_fail "tcpdump on the client started"; exit 1; }
curls 30 >"$LAB_DIR/answers"
cap_stop
cap_read "$LAB_DIR/arp.pcap" >"$LAB_DIR/arp.txt"
sed 's/^/# /' "$LAB_DIR/arp.txt"
t_check "30 of 30 curls answered" [ "$(wc -l <"$LAB_DIR/answers")" = 30 ]
for i in 1 2 3; do
	got=$(grep -cx "rs$i" "$LAB_DIR/answers")
	t_check "rs$i answered 10 (got $got)" [ "$got" = 10 ]
	t_check "rs$i asked for the client's MAC with its own address as sender" \
		grep -q "who-has $CLIENT_IP tell $(rs_ip "$i")," "$LAB_DIR/arp.txt"
	t_check "rs$i's output rule rewrote at least one request" \
		sh -c "ip netns exec $(lab_ns "rs$i") nft list chain arp uvs-rs output | grep -q 'counter packets [1-9]'"
done
t_absent "no ARP request on the wire named the VIP as sender" "tell $VIP," "$LAB_DIR/arp.txt"
t_check "the client still holds the director's MAC for the VIP" \
	all [ -n "$dmac" ] --and sh -c "ip netns exec $(lab_ns c) ip neigh show $VIP | grep -qi '$dmac'"

# negative control: without rs1's output rule its request names the VIP
lab_exec rs1 nft flush chain arp uvs-rs output
lab_exec rs1 ip neigh flush dev eth0
cap_start "$LAB_DIR/control.pcap" || { t_fail "tcpdump on the client started"; exit 1; }
curls 3 >/dev/null
cap_stop
cap_read "$LAB_DIR/control.pcap" >"$LAB_DIR/control.txt"
t_check "control: without the output rule rs1's ARP names the VIP as sender" \
	grep -q "who-has $CLIENT_IP tell $VIP," "$LAB_DIR/control.txt"
rs 1 check "$VIP" >"$LAB_DIR/check1" 2>&1
t_check "control: check on rs1 fails and names the missing half" \
	sh -c "! grep -q ': ok: ' '$LAB_DIR/check1' && grep -q 'only half of the rules for $VIP' '$LAB_DIR/check1'"
t_check "a second up on rs1 restores the rule" rs 1 up --arp nft "$VIP"
t_check "and check passes again" sh -c "ip netns exec $(lab_ns rs1) $B/uvs-rs --state $LAB_DIR/rs1.state check $VIP >/dev/null"

for i in 1 2 3; do
	t_check "rs$i: down succeeds" rs "$i" down "$VIP"
	t_check "rs$i: down leaves no nft table" prints_nothing lab_exec "rs$i" nft list tables
	t_check "rs$i: and no state file" [ ! -e "$LAB_DIR/rs$i.state" ]
done
t_check "the VIP is off rs1's lo and rs3's eth0" \
	all out_lacks " $VIP/" ip -n "$(lab_ns rs1)" -4 -o addr --and \
	out_lacks " $VIP/" ip -n "$(lab_ns rs3)" -4 -o addr

# control: on eth0 the sysctl method's values do not keep ARP quiet
lab_exec rs3 sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
lab_exec rs3 ip addr add "$VIP/32" dev eth0
got=$(lab_arping "$VIP" 3)
t_check "control: VIP on rs3's eth0 with arp_ignore=1: rs3 answers ARP for it" \
	grep -qx "$(lab_mac rs3)" <<<"$got"
rs 3 check "$VIP" >"$LAB_DIR/check3" 2>&1
t_check "and check fails, saying eth0 is not protected" \
	sh -c "! grep -q ': ok: ' '$LAB_DIR/check3' && grep -q '$VIP on eth0 is not protected' '$LAB_DIR/check3'"
t_check "and its fix line names --arp nft --dev eth0" \
	grep -q "fix: uvs-rs up --arp nft --dev eth0 $VIP" "$LAB_DIR/check3"
out=$(rs 3 up --dev eth0 "$VIP" 2>&1); rc=$?
t_check "up --dev eth0 without --arp nft is refused (exit $rc: $out)" \
	all [ "$rc" != 0 ] --and grep -q -- "--dev eth0 needs --arp nft" <<<"$out"
t_done
