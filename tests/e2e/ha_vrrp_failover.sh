#!/bin/bash
# An HA pair under Debian's keepalived (VRRP only, advert_int 1): both
# directors run uvsd --follow-vip with the same table; only the one whose
# kernel holds the VIP (keepalived's master) answers ARP and forwards.
# Failover twice: SIGKILL of the master's keepalived and uvsd together,
# then (after the first director took the VIP back) its link taken down.
# Each time: seconds from the kill to the first answered request, and
# the new master's gratuitous ARP captured on the client's wire.
# Negative control: the same table without --follow-vip answers ARP on
# the backup too (two MACs for one VIP), so the silence check can fail.
# run.sh: timeout 180
# run.sh: alone
. "$(dirname "$0")/../lab/lab.sh"
. "$(dirname "$0")/../lab/ha.sh"
t_need_root
trap lab_down EXIT
command -v keepalived >/dev/null || { t_fail "keepalived is installed (make deps)"; exit 1; }
ha_up 2 || exit 1
# the shipped example, its uvsadm where this build has it (keepalived -t
# fails a track script it cannot find)
sed "s#/usr/sbin/uvsadm#$B/uvsadm#" \
	"$LAB_ROOT/packaging/examples/keepalived-vrrp.conf" >"$LAB_DIR/example.conf"
t_check "keepalived accepts the shipped example (keepalived -t)" \
	keepalived -t -P -f "$LAB_DIR/example.conf"
ha_pair rr || { t_fail "the pair came up"; cat "$LAB_DIR"/*.log >&2; exit 1; }
dmac=$(lab_mac d)
d2mac=$(lab_mac d2)
t_absent "both keepalived run the chk_uvsd script without complaint" \
	"Disabling track script|SECURITY VIOLATION|chk_uvsd.*(failed|fault)" \
	"$LAB_DIR/d.keepalived.log" "$LAB_DIR/d2.keepalived.log"
t_check "keepalived says chk_uvsd succeeded (uvsd answers)" \
	grep -q "VRRP_Script(chk_uvsd) succeeded" "$LAB_DIR/d.keepalived.log"

t_check "d is VRRP master: its kernel holds $VIP" ha_holds_vip d
t_check "d2 is backup: its kernel does not" not ha_holds_vip d2
lists_service() { ha_uvsadm "$1" -L -n | grep -q "^TCP  $VIP:80 rr"; }
t_check "the backup's uvsd has its table ready (-L -n lists the service)" \
	lists_service d2
got=$(lab_arping "$VIP" 3)
t_check "arping $VIP: only the master's MAC answers ($got)" [ "$got" = "$dmac" ]
t_check "the backup counted the ARP requests it left unanswered" \
	[ "$(ha_counter d2 arp_standby)" -ge 3 ]
ok=0
for i in $(seq 20); do
	lab_exec c curl -s -m 3 "http://$VIP/" | grep -q '^rs' && ok=$((ok + 1))
done
t_check "20 of 20 requests answered through the master ($ok)" [ "$ok" = 20 ]
t_check "the master forwarded them ($(ha_counter d fwd_frames) frames)" \
	[ "$(ha_counter d fwd_frames)" -ge 60 ]
t_check "the backup forwarded nothing" [ "$(ha_counter d2 fwd_frames)" = 0 ]

# failover 1: the master's keepalived and uvsd die at once
ha_cap_start "$LAB_DIR/kill.pcap" || t_fail "tcpdump on the client started"
t0=$(date +%s.%N)
ha_kill_keepalived d
kill -KILL "$HA_UVSD_PID_d"
secs=$(ha_first_answer "$t0" 20)
ha_cap_stop
echo "# failover after SIGKILL: first answer ${secs:-never} s after the kill"
t_check "after SIGKILL of the master, a request is answered within 6 s (${secs:-never} s; VRRP's master-down interval is 3 x advert_int + skew)" \
	awk -v s="${secs:-99}" 'BEGIN { exit !(s < 6) }'
t_check "d2 took the VIP" ha_holds_vip d2
t_check "d2 forwards now ($(ha_counter d2 fwd_frames) frames)" \
	[ "$(ha_counter d2 fwd_frames)" -gt 0 ]
garps=$(ha_garps "$LAB_DIR/kill.pcap" "$d2mac" | wc -l)
t_check "the client's wire carried d2's gratuitous ARP for $VIP ($garps frames)" \
	[ "$garps" -ge 1 ]
ha_garps "$LAB_DIR/kill.pcap" "$d2mac" | head -2 | sed 's/^/# /'
got=$(lab_arping "$VIP" 2)
t_check "arping $VIP is answered by d2's MAC ($(echo $got))" grep -qx "$d2mac" <<<"$got"
# keepalived killed by SIGKILL left the VIP on d's eth0, and its uvsd's
# guard died with uvsd: d's kernel answers ARP for the VIP too (a kernel
# IPVS director's does the same). keepalived's next start, or the
# ExecStopPost README shows, removes the address; then d2 alone answers.
lab_exec d ip addr del "$VIP/32" dev eth0
got=$(lab_arping "$VIP" 2)
t_check "with the dead master's leftover VIP removed, only d2 answers ($got)" \
	[ "$got" = "$d2mac" ]

# d comes back: keepalived's priority 150 preempts, d2 falls silent again
ha_start_uvsd d || exit 1
ha_start_keepalived d 150
t_check "d restarted takes the VIP back (preempt)" ha_wait_master d 150
for k in $(seq 50); do ha_holds_vip d2 || break; sleep 0.1; done
t_check "d2 gave it up" not ha_holds_vip d2
for k in $(seq 50); do
	[ "$(ha_counter d dests_unresolved)" = 0 ] && break
	sleep 0.1
done
sleep 1	# keepalived's own gratuitous ARPs settle the client's cache
secs=$(ha_first_answer "$(date +%s.%N)" 10)
t_check "requests go through d again (${secs:-never} s)" [ -n "$secs" ]
got=$(lab_arping "$VIP" 2)
t_check "arping $VIP answered by d's MAC only again ($got)" [ "$got" = "$dmac" ]
before=$(ha_counter d2 fwd_frames)
lab_exec c curl -s -m 3 "http://$VIP/" >/dev/null
t_check "d2, backup again, forwards nothing more" [ "$(ha_counter d2 fwd_frames)" = "$before" ]

# failover 2: the master's link goes down
ha_cap_start "$LAB_DIR/link.pcap" || t_fail "tcpdump on the client started"
t0=$(date +%s.%N)
ip -n "$(lab_ns d)" link set eth0 down
secs=$(ha_first_answer "$t0" 20)
ha_cap_stop
echo "# failover after link down: first answer ${secs:-never} s later"
t_check "after the master's link went down, a request is answered within 6 s (${secs:-never} s)" \
	awk -v s="${secs:-99}" 'BEGIN { exit !(s < 6) }'
garps=$(ha_garps "$LAB_DIR/link.pcap" "$d2mac" | wc -l)
t_check "d2's gratuitous ARP on the wire after link down ($garps frames)" \
	[ "$garps" -ge 1 ]
ip -n "$(lab_ns d)" link set eth0 up

# negative control: a uvsd that does not follow VRRP answers on the backup
kill "$(eval echo "\$HA_KA_PID_d2")"
kill "$HA_UVSD_PID_d2"
wait "$HA_UVSD_PID_d2" 2>/dev/null
lab_exec d2 ip addr del "$VIP/32" dev eth0 2>/dev/null
ha_wait_master d 100 >/dev/null
ip netns exec "$(lab_ns d2)" "$B/uvsd" -i eth0 --socket "$(ha_sock d2)" \
	--rules "$LAB_DIR/rules" >>"$LAB_DIR/d2.plain.log" 2>&1 &
LAB_PIDS+=($!)
for k in $(seq 50); do [ -S "$(ha_sock d2)" ] && break; sleep 0.1; done
sleep 0.5
got=$(lab_arping "$VIP" 2 | tr '\n' ' ')
t_check "control: without --follow-vip the backup answers ARP too ($got)" \
	grep -q "$d2mac" <<<"$got"
t_done
