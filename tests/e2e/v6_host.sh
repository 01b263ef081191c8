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
t_absent "and sends no NS from $VIP6" "IP6 $VIP6 >" "$LAB_DIR/rs2.nft.txt"
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
t_done
