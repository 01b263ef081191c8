#!/bin/bash
# IPv6 on the real-server side (uvs-rs) and the director's host side.
#
# What Linux does for a v6 VIP on lo, proved on the wire:
# - a Neighbor Solicitation for the VIP, multicast to its solicited-node
#   group or unicast to the real server's MAC, gets no Advertisement
#   (ndisc_recv_ns looks the target up on the link it came in by only);
# - the real server's own NS, when it talks from the VIP to a neighbour,
#   leaves from its link-local address, never from the VIP
#   (ndisc_solicit keeps a packet's source only when it is on that link).
# Negative controls in the same lab: the VIP on rs2's eth0 is answered,
# and rs2's NS while talking from it carries it as source, so each check
# can fail.
#
# The director's host side for a v6 service (sent as raw control
# requests, so uvsd's control path is tested apart from uvsadm's v6
# syntax, which v6_uvsadm.sh and v6_dr.sh test): each v6 real server's MAC is
# learned from the kernel's v6 neighbour table, a silent one is reported
# (and learned once it answers), and the kernel guard holds the v6 VIP:
# the director's kernel neither answers NS for it nor takes its traffic,
# which --no-guard (the control) shows it would.
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
trap lab_down EXIT
lab_up 2
lab_v6_up
lab_start_rs6 1
lab_wait_port rs1 80 || exit 1
rs1mac=$(lab_mac rs1)
rs2mac=$(lab_mac rs2)

# ns_from HOST TARGET [DST-MAC]: MACs answering 3 NS from the client.
ns_from() {
	local out
	out=$(lab_exec "$1" timeout 10 python3 "$LAB_ROOT/tests/lab/ns_send.py" \
		--iface eth0 --src "$CLIENT_IP6" --target "$2" \
		${3:+--dst-mac "$3"}) || return 1
	grep -qx "sent 3" <<<"$out" || return 1
	grep -v '^sent ' <<<"$out" | sort -u
	return 0
}

t_check "uvs-rs up put $VIP6 on lo as /128 nodad" \
	grep -q "inet6 $VIP6/128 scope global nodad" \
	<(lab_exec rs1 ip -6 addr show dev lo)
t_check "uvs-rs check says it is ok" \
	lab_exec rs1 "$B/uvs-rs" --state "$LAB_DIR/rs1.state" check "$VIP6"

# the lab's v6 real server: HTTP on [::] for both families
t_check "rs1's HTTP server answers over IPv6 at [$(rs_ip6 1)]" \
	grep -qx rs1 <(lab_exec c curl -s -m 5 "http://[$(rs_ip6 1)]/")
t_check "... and logs the client's v6 address" \
	grep -q "^$CLIENT_IP6 GET /" "$LAB_DIR/rs1.access.log"
t_check "... and still answers IPv4, logged as a.b.c.d" \
	all grep -qx rs1 <(lab_exec c curl -s -m 5 "http://$(rs_ip 1)/") \
	--and grep -q "^$CLIENT_IP GET /" "$LAB_DIR/rs1.access.log"

# the real server's own address answers: the sender works
got=$(ns_from c "$(rs_ip6 1)")
t_check "NS for rs1's own address is answered by rs1 ($rs1mac)" \
	[ "$got" = "$rs1mac" ]
got=$(ns_from c "$VIP6") || got=failed
t_check "NS for $VIP6 to its solicited-node group: no answer" [ -z "$got" ]
got=$(ns_from c "$VIP6" "$rs1mac") || got=failed
t_check "NS for $VIP6 unicast to rs1's MAC: no answer" [ -z "$got" ]

# rs1 talks from the VIP to the client, whose MAC it has to solicit
cap=$LAB_DIR/rs1.ns.txt
capture_ns() {
	local host=$1 src=$2 pid
	lab_exec "$host" ip -6 neigh flush dev eth0
	lab_exec "$host" timeout 8 tcpdump -n -l -i eth0 \
		'icmp6 and ip6[40] == 135' >"$3" 2>/dev/null &
	pid=$!
	sleep 1
	lab_exec "$host" ping -6 -c 2 -W 1 -I "$src" "$CLIENT_IP6" >/dev/null
	sleep 0.5
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}
capture_ns rs1 "$VIP6" "$cap"
sed 's/^/# rs1: /' "$cap"
t_check "rs1 solicited the client's MAC while talking from $VIP6" \
	grep -q "who has $CLIENT_IP6" "$cap"
t_absent "none of rs1's NS carries $VIP6 as source" "^.*IP6 $VIP6 >" "$cap"
t_check "rs1's NS come from its link-local address" \
	grep -qE "IP6 fe80::[0-9a-f:]+ > .*who has $CLIENT_IP6" "$cap"

# negative control: the VIP on rs2's eth0, as a careless setup would have
lab_exec rs2 ip -6 addr add "$VIP6/128" dev eth0 nodad
got=$(ns_from c "$VIP6") || got=failed
t_check "control: with $VIP6 on rs2's eth0, rs2 answers NS for it" \
	[ "$got" = "$rs2mac" ]
capture_ns rs2 "$VIP6" "$LAB_DIR/rs2.ns.txt"
sed 's/^/# rs2 (control): /' "$LAB_DIR/rs2.ns.txt"
t_check "control: rs2 then solicits from $VIP6" \
	grep -q "IP6 $VIP6 > .*who has $CLIENT_IP6" "$LAB_DIR/rs2.ns.txt"

# up --arp nft: rules that hold even where the kernel alone would not
# (the VIP on eth0 as well, the control's state)
lab_exec rs2 "$B/uvs-rs" --state "$LAB_DIR/rs2.state" up --arp nft "$VIP6" >/dev/null
t_check "uvs-rs up --arp nft loads table ip6 uvs-rs" \
	grep -q "nd-neighbor-solicit ip6 saddr $VIP6 counter" \
	<(lab_exec rs2 nft list table ip6 uvs-rs)
t_check "uvs-rs check finds both rules" \
	grep -q "nft drops them too for 1" \
	<(lab_exec rs2 "$B/uvs-rs" --state "$LAB_DIR/rs2.state" check "$VIP6")
got=$(ns_from c "$VIP6") || got=failed
t_check "with the rules, rs2 no longer answers NS for $VIP6 on eth0" [ -z "$got" ]
capture_ns rs2 "$VIP6" "$LAB_DIR/rs2.nft.txt"
sed "s/^/# rs2 (nft): /" "$LAB_DIR/rs2.nft.txt"
# the capture may hold nothing at all: the output rule's counter shows
# the kernel did try to solicit from the VIP
t_check "and sends no NS from $VIP6: its output rule dropped them" \
	all [ -e "$LAB_DIR/rs2.nft.txt" ] \
	--and not grep -q "IP6 $VIP6 >" "$LAB_DIR/rs2.nft.txt" \
	--and grep -qE "saddr $VIP6 counter packets [1-9]" \
	<(lab_exec rs2 nft list chain ip6 uvs-rs output)
lab_exec rs2 nft flush chain ip6 uvs-rs output
t_check "uvs-rs check fails when half the rules are gone" \
	not lab_exec rs2 "$B/uvs-rs" --state "$LAB_DIR/rs2.state" check "$VIP6"
lab_exec rs2 ip -6 addr del "$VIP6/128" dev eth0
t_check "uvs-rs down removes the VIP and table ip6 uvs-rs" \
	all lab_exec rs2 "$B/uvs-rs" --state "$LAB_DIR/rs2.state" down "$VIP6" \
	--and out_lacks "uvs-rs" lab_exec rs2 nft list tables

# check finds what is wrong, down undoes up
t_check "uvs-rs check fails for a v6 VIP that is not up" \
	not lab_exec rs2 "$B/uvs-rs" --state "$LAB_DIR/rs2.state" check "$VIP6"
lab_exec rs2 ip -6 addr add "$VIP6/64" dev lo
t_check "uvs-rs check fails for $VIP6/64 on lo" \
	not lab_exec rs2 "$B/uvs-rs" --state "$LAB_DIR/rs2.state" check "$VIP6"
lab_exec rs2 ip -6 addr del "$VIP6/64" dev lo
t_check "uvs-rs down takes $VIP6 off lo" \
	lab_exec rs1 "$B/uvs-rs" --state "$LAB_DIR/rs1.state" down "$VIP6"
t_check "... and it is gone" out_lacks "$VIP6" lab_exec rs1 ip -6 addr show dev lo

# bad input: refused before anything changes, with the reason
for bad in "$VIP6/128" fe80::10 ff02::1 ::1 2001:db8::zz; do
	out=$(lab_exec rs1 "$B/uvs-rs" --state "$LAB_DIR/rs1.state" up "$bad" 2>&1)
	rc=$?
	t_check "uvs-rs up $bad is refused (exit 2, says why)" \
		all [ "$rc" = 2 ] --and grep -qE "prefix|link-local|multicast|unicast|not an IPv6" <<<"$out"
done
t_check "... and left lo as it was" out_lacks "2001:db8" lab_exec rs1 ip -6 addr show dev lo

# --- uvsd: a v6 service ------------------------------------------------------
lab_start_rs6 1
lab_start_rs6 2
lab_wait_port rs2 80 || exit 1
ctl() { lab_exec d python3 "$LAB_ROOT/tests/lab/ctl_send.py" "$LAB_SOCK" "$*" >/dev/null; }
svc6="proto=tcp vip=$VIP6 vport=80"
silent=2001:db8::99
# v6 service: its dests, one of them silent; the director's view of them
v6_service() {
	ctl add-service $svc6 sched=rr &&
	ctl add-dest $svc6 rip="$(rs_ip6 1)" rport=80 fwd=route weight=1 &&
	ctl add-dest $svc6 rip="$(rs_ip6 2)" rport=80 fwd=route weight=1 &&
	ctl add-dest $svc6 rip=$silent rport=80 fwd=route weight=1
}
dest_hw() {
	lab_exec d python3 "$LAB_ROOT/tests/lab/ctl_send.py" "$LAB_SOCK" list |
		sed -n "s/^dest rip=$1 .* hw=\([^ ]*\) .*/\1/p"
}
wait_hw() {
	local n
	for n in $(seq 50); do
		[ "$(dest_hw "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
# NS for VIP6 from the client, answered by the director's kernel?
kernel_ns() {
	lab_exec d nstat -az Icmp6OutNeighborAdvertisements |
		awk '/Icmp6OutNeighborAdvertisements/ { print $2 }'
}

# control: without the guard, the director's kernel holding VIP6 (as
# keepalived would put it there) answers NS for it
lab_exec d ip -6 addr add "$VIP6/128" dev eth0 nodad
lab_start_uvsd --no-guard || exit 1
v6_service || t_fail "uvsd --no-guard takes a v6 service"
before=$(kernel_ns)
ns_from c "$VIP6" >/dev/null
t_check "control: --no-guard, the director's kernel answers NS for $VIP6" \
	[ "$(kernel_ns)" -gt "$before" ]
kill "$LAB_UVSD_PID"; wait "$LAB_UVSD_PID" 2>/dev/null
lab_exec d ip -6 addr del "$VIP6/128" dev eth0

lab_start_uvsd || exit 1
t_check "uvsd takes a v6 service and its dests" v6_service
t_check "rs1's MAC is learned from the kernel's v6 neighbours" \
	wait_hw "$(rs_ip6 1)" "$(lab_mac rs1)"
t_check "rs2's MAC too" wait_hw "$(rs_ip6 2)" "$(lab_mac rs2)"
t_check "the silent $silent has none" [ "$(dest_hw $silent)" = none ]
for n in $(seq 60); do
	grep -q "real server $silent (1 dest) does not answer Neighbor Discovery" \
		"$LAB_DIR/uvsd.log" && break
	sleep 0.1
done
t_check "uvsd logs that $silent does not answer Neighbor Discovery" \
	grep -q "real server $silent (1 dest) does not answer Neighbor Discovery" \
	"$LAB_DIR/uvsd.log"
lab_exec rs2 ip -6 addr add "$silent/64" dev eth0 nodad
t_check "once $silent answers, its MAC is learned (uvsd asks again)" \
	wait_hw $silent "$(lab_mac rs2)"
t_check "... and uvsd logs it in use again" \
	grep -q "real server $silent (1 dest) answers Neighbor Discovery now" \
	"$LAB_DIR/uvsd.log"
guard=uvsd-$(lab_exec d cat /sys/class/net/eth0/ifindex)
lab_exec d nft list table netdev "$guard" >"$LAB_DIR/guard6.txt"
sed -n '/services6/,/}/s/^/# /p' "$LAB_DIR/guard6.txt"
t_check "the guard's services6 set holds $VIP6 . tcp . 80" \
	grep -q "$VIP6 . tcp . 80" "$LAB_DIR/guard6.txt"
t_check "the guard has its NS rule" \
	grep -q "icmpv6 type nd-neighbor-solicit .*@services6 counter" "$LAB_DIR/guard6.txt"
# the director's kernel holds VIP6 now: the guard keeps its NS answers in
lab_exec d ip -6 addr add "$VIP6/128" dev eth0 nodad
# Every NA for VIP6 the client heard, one a line: uvsd answers each of
# the 3 NS; had the kernel answered too there would be 6. (The kernel's
# NA counter would also count NAs for its own addresses meanwhile.)
nas=$(lab_exec c timeout 10 python3 "$LAB_ROOT/tests/lab/ns_send.py" \
	--iface eth0 --src "$CLIENT_IP6" --target "$VIP6" | grep -vc '^sent ')
t_check "with the guard, the director's kernel sends no NA for $VIP6 ($nas NAs for 3 NS)" \
	all [ -n "$nas" ] --and [ "$nas" -ge 1 ] --and [ "$nas" -le 3 ]
t_check "the guard's NS rule counted them" \
	grep -qE "nd-neighbor-solicit .*counter packets [1-9]" \
	<(lab_exec d nft list table netdev "$guard")
lab_exec d ip -6 addr del "$VIP6/128" dev eth0
ctl del-service $svc6
t_check "a deleted v6 service leaves the set" \
	out_lacks "$VIP6" lab_exec d nft list set netdev "$guard" services6
t_done
