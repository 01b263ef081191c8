#!/bin/bash
# uvsd --follow-vip with a v6 VIP (and a v4 one beside it, as control):
# uvsd serves a VIP only while the director's kernel holds it, as
# keepalived's vrrp_instance puts it on the master's interface. While
# [VIP6] is not on a kernel interface, NS for it go unanswered and curl -6
# fails; `ip -6 addr add VIP6/128 dev eth0 nodad` (what keepalived's
# master does) makes uvsd announce it with an unsolicited NA, answer NS
# with the director's MAC and forward; deleting it makes uvsd silent
# again and drops frames to it even from a client that still has the
# director's MAC cached. The v4 VIP follows its own address alone: held
# or not whatever the v6 one does (and the reverse).
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
trap lab_down EXIT
lab_up 2
lab_v6_up
lab_start_all_rs6 || exit 1
for i in 1 2; do
	lab_exec "rs$i" "$B/uvs-rs" --state "$LAB_DIR/rs$i.state4" up "$VIP" >/dev/null
done
lab_start_uvsd --follow-vip || exit 1
dmac=$(lab_mac d)
probe() { lab_exec c python3 "$LAB_ROOT/tests/lab/ndp_probe.py" "$@"; }
# nas COUNT: how many NAs for [VIP6] COUNT solicitations got
nas() {
	probe --src "$CLIENT_IP6" "$VIP6" "$1" >"$LAB_DIR/na"
	grep -c "^na " "$LAB_DIR/na"
}
# curls FAMILY URL N: how many of N requests a real server answered
curls() {
	local fam=$1 url=$2 n=$3 k ok=0
	for k in $(seq "$n"); do
		lab_exec c curl "$fam" -s -m 2 "$url" | grep -q '^rs' &&
			ok=$((ok + 1))
	done
	echo "$ok"
}
# wait_log TEXT: bounded (5 s) wait for a line of uvsd's log
wait_log() {
	local n
	for n in $(seq 50); do
		grep -qF "$1" "$LAB_DIR/uvsd.log" && return 0
		sleep 0.1
	done
	return 1
}
held6() { lab_exec d ip -6 addr "$1" "$VIP6/128" dev eth0 ${2:-}; }
held4() { lab_exec d ip addr "$1" "$VIP/32" dev eth0; }
url6="http://[$VIP6]/"
url4="http://$VIP/"

lab_service6 rr || exit 1
lab_service rr || exit 1
uvsadm -L -n | sed 's/^/# /'

# 1. nothing held: silent for both families
got=$(nas 2)
t_check "[$VIP6] not held: 2 NS got no NA ($got)" [ "$got" = 0 ]
t_check "uvsd counted them as standby (arp_standby $(lab_counter arp_standby))" \
	[ "$(lab_counter arp_standby)" -ge 2 ]
t_check "[$VIP6] not held: curl -6 fails (0 of 2: $(curls -6 "$url6" 2))" \
	[ "$(curls -6 "$url6" 2)" = 0 ]
got=$(lab_arping "$VIP" 2)
t_check "$VIP not held: ARP unanswered (${got:-none})" [ -z "$got" ]

# 2. the director's kernel takes VIP6 (keepalived's master)
lab_bg c "$LAB_DIR/unsol.txt" timeout 6 tcpdump -l -n -e -vv -i eth0 \
	'icmp6 and ip6[40] == 136'
sleep 1
held6 add nodad
t_check "uvsd logs that it serves [$VIP6] now" \
	wait_log "VIP $VIP6 is on a kernel interface (VRRP master): answering NS and forwarding"
sleep 1
t_check "uvsd announced [$VIP6] with an unsolicited NA to ff02::1 (override)" \
	grep -qE "^[0-9:. ]*$dmac > 33:33:00:00:00:01.*$VIP6 > ff02::1: .*neighbor advertisement.*tgt is $VIP6, Flags \[override\]" "$LAB_DIR/unsol.txt"
before=$(lab_counter ndp_replies)
got=$(nas 3)
cat "$LAB_DIR/na" | sed 's/^/# /'
t_check "[$VIP6] held: 3 NS got 3 NAs from the director's MAC ($got)" \
	all [ "$got" = 3 ] --and [ "$(grep -c "^na $dmac tlla=$dmac flags=SO " "$LAB_DIR/na")" = 3 ]
t_check "and uvsd sent them (ndp_replies $before -> $(lab_counter ndp_replies))" \
	[ "$(lab_counter ndp_replies)" -ge $((before + 3)) ]
got=$(curls -6 "$url6" 6)
t_check "[$VIP6] held: 6 of 6 curl -6 answered through uvsd ($got)" [ "$got" = 6 ]
got=$(lab_arping "$VIP" 2)
t_check "control: the v4 VIP, still not held, stays silent (${got:-none})" [ -z "$got" ]

# 3. the kernel takes the v4 VIP too: both served
held4 add
t_check "uvsd logs that it serves $VIP now" \
	wait_log "VIP $VIP is on a kernel interface (VRRP master): answering ARP and forwarding"
got=$(lab_arping "$VIP" 2)
t_check "$VIP held: ARP answered by the director's MAC ($got)" [ "$got" = "$dmac" ]
t_check "$VIP held: 4 of 4 curl -4 answered ($(curls -4 "$url4" 4))" \
	[ "$(curls -4 "$url4" 4)" = 4 ]

# 4. VIP6 leaves the kernel (keepalived's backup): silent again
held6 del
t_check "uvsd logs that it gave up [$VIP6]" \
	wait_log "VIP $VIP6 left the kernel's interfaces (VRRP backup): silent"
got=$(nas 2)
t_check "[$VIP6] given up: 2 NS got no NA ($got)" [ "$got" = 0 ]
t_check "the client still has the director's MAC for [$VIP6] cached" \
	lab_exec c sh -c "ip -6 neigh show $VIP6 | grep -q '$dmac'"
before=$(lab_counter drop_vip_standby)
got=$(curls -6 "$url6" 2)
after=$(lab_counter drop_vip_standby)
t_check "[$VIP6] given up: curl -6 fails though the MAC is cached (0 of 2: $got)" [ "$got" = 0 ]
t_check "uvsd dropped those frames as vip_standby (${before:-?} -> ${after:-?})" \
	[ "${after:-0}" -gt "${before:-0}" ]
got=$(lab_arping "$VIP" 2)
t_check "control: the v4 VIP is still served (ARP: $got)" [ "$got" = "$dmac" ]
t_check "control: curl -4 still works (4 of 4: $(curls -4 "$url4" 4))" \
	[ "$(curls -4 "$url4" 4)" = 4 ]

# 5. VIP6 back, v4 gone: each family still on its own
held6 add nodad
held4 del
t_check "uvsd logs that it gave up $VIP" \
	wait_log "VIP $VIP left the kernel's interfaces (VRRP backup): silent"
got=$(nas 2)
t_check "[$VIP6] held again: NS answered again (2 of 2: $got)" [ "$got" = 2 ]
got=$(lab_arping "$VIP" 2)
t_check "$VIP given up: ARP unanswered (${got:-none})" [ -z "$got" ]
t_done
