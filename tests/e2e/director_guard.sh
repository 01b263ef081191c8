#!/bin/bash
# The seed's director: the VIP also on the director's own eth0 (eth0:1)
# and ip_forward=1. uvsd's kernel guard (nftables netdev ingress table
# uvsd-<ifindex>, owned by uvsd: three rules and a set per family,
# "services" for IPv4) drops VIP service traffic and ARP requests for the
# VIP before the kernel sees them; uvsd's packet socket still sees
# everything. With the guard: 30 curls spread 10/10/10, one ARP
# answer per request, all of them uvsd's, no reset from the kernel. The
# negative control, uvsd --no-guard in the same lab, shows what the guard
# stops: the kernel answers ARP too and resets the connections. The table
# lives exactly as long as uvsd: gone after SIGTERM and after SIGKILL.
# Without nf_tables (here: a table of the guard's name made by hand) uvsd
# falls back to refusing a VIP the kernel holds.
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
trap lab_down EXIT
lab_up 3
lab_start_all_rs || exit 1

lab_exec d ip addr add "$VIP/24" dev eth0 label eth0:1
lab_exec d sysctl -qw net.ipv4.ip_forward=1
dmac=$(lab_mac d)
guard=uvsd-$(lab_exec d cat /sys/class/net/eth0/ifindex)

# Every ARP answer the client gets for the VIP to 3 requests, one MAC per
# line ("arping failed: ..." when arping did not run).
arp_answers() { lab_arp_replies "$(lab_ns c)" "$VIP" 3; }
# Resets from the VIP reaching the client: the kernel's answer, if any.
rst_counter() {
	lab_exec c nft delete table ip guardrst 2>/dev/null
	lab_exec c nft -f - <<-EOT
	table ip guardrst {
		chain in {
			type filter hook input priority 0;
			ip saddr $VIP tcp flags & rst == rst counter
		}
	}
	EOT
}
rsts() { lab_exec c nft list table ip guardrst | sed -n 's/.*counter packets \([0-9]*\).*/\1/p'; }
# 30 curls; the answers in $LAB_DIR/answers, the failures counted.
curls() {
	local n
	FAILS=0
	: >"$LAB_DIR/answers"
	for n in $(seq 30); do
		lab_exec c curl -s -m 3 "http://$VIP/" >>"$LAB_DIR/answers" ||
			FAILS=$((FAILS + 1))
		echo >>"$LAB_DIR/answers"
	done
	sed -i '/^$/d' "$LAB_DIR/answers"
}
has_guard() { lab_exec d nft list tables | grep -qx "table netdev $guard"; }
# nft answered, and without the guard table (not has_guard would pass when
# nft itself failed)
no_guard() { out_lacks "^table netdev $guard\$" lab_exec d nft list tables; }
stop_uvsd() {
	kill "-$1" "$LAB_UVSD_PID"
	wait "$LAB_UVSD_PID" 2>/dev/null
}

# --- negative control: the same director, uvsd --no-guard ------------------
lab_start_uvsd --no-guard || exit 1
lab_service rr || exit 1
t_check "--no-guard: uvsd starts with the VIP on eth0 and ip_forward=1" kill -0 "$LAB_UVSD_PID"
t_check "--no-guard: no guard table" no_guard
arp_answers >"$LAB_DIR/arp.control"
t_check "--no-guard: the kernel answers ARP too: $(wc -l <"$LAB_DIR/arp.control") answers to 3 requests" \
	[ "$(wc -l <"$LAB_DIR/arp.control")" -gt 3 ]
rst_counter
curls
t_check "--no-guard: the kernel resets connections ($(rsts) resets, $FAILS of 30 curls failed)" \
	[ "$(rsts)" -gt 0 -a "$FAILS" -gt 0 ]
stop_uvsd TERM

# --- the guard -------------------------------------------------------------
lab_start_uvsd || exit 1
lab_service rr || exit 1
t_check "uvsd starts with the VIP on eth0 and ip_forward=1" kill -0 "$LAB_UVSD_PID"
t_check "uvsd logs its guard and that ip_forward=1 is fine" \
	grep -q "kernel guard: table netdev $guard .*ip_forward=1 is fine" "$LAB_DIR/uvsd.log"
t_check "table netdev $guard exists while uvsd runs" has_guard
t_check "the director's kernel still holds the VIP on eth0:1" \
	sh -c "ip -n $(lab_ns d) -4 addr show dev eth0 | grep -q 'inet $VIP/24 .*eth0:1'"

lab_exec c ip neigh flush dev eth0
before=$(lab_counter arp_replies)
arp_answers >"$LAB_DIR/arp.guard"
t_check "one ARP answer per request ($(wc -l <"$LAB_DIR/arp.guard") to 3)" \
	[ "$(wc -l <"$LAB_DIR/arp.guard")" = 3 ]
t_check "all from the director's MAC $dmac" [ "$(sort -u "$LAB_DIR/arp.guard")" = "$dmac" ]
t_check "and all sent by uvsd (its arp_replies counter grew by 3 or more)" \
	[ "$(($(lab_counter arp_replies) - before))" -ge 3 ]

rst_counter
curls
t_check "30 of 30 curls answered ($FAILS failed)" [ "$(wc -l <"$LAB_DIR/answers")" = 30 ]
for i in 1 2 3; do
	got=$(grep -cx "rs$i" "$LAB_DIR/answers")
	t_check "rs$i answered 10 (got $got)" [ "$got" = 10 ]
done
t_check "no reset from the VIP reached the client (got $(rsts))" [ "$(rsts)" = 0 ]
lab_exec d nft list table netdev "$guard" >"$LAB_DIR/guard.txt"
sed 's/^/# /' "$LAB_DIR/guard.txt"
t_check "the guard's set holds the service $VIP . tcp . 80" \
	grep -qE "$VIP \. tcp \. (80|http)" "$LAB_DIR/guard.txt"
t_check "the guard's service rule counted the frames it kept from the kernel" \
	grep -qE "ip daddr \. meta l4proto \. th dport @services counter packets [1-9]" "$LAB_DIR/guard.txt"
t_check "the guard's ARP rule counted the requests it kept from the kernel" \
	grep -qE "arp daddr ip .*@services counter packets [1-9]" "$LAB_DIR/guard.txt"

# the guard follows the service table
uvsadm -A -u "$VIP:53" -s rr
t_check "a new service gets its element in the set" \
	sh -c "ip netns exec $(lab_ns d) nft list set netdev $guard services | grep -qE '$VIP \. udp \. (53|domain)'"
uvsadm -D -u "$VIP:53"
t_check "a deleted service loses it" \
	out_lacks 'udp \. (53|domain)' lab_exec d nft list table netdev "$guard"
uvsadm -A -t "$VIP:0" -s rr -p 60 2>/dev/null
t_check "a port-0 service drops every port of its protocol" \
	sh -c "ip netns exec $(lab_ns d) nft list set netdev $guard services | grep -qE '$VIP \. tcp \. 0'"
uvsadm -D -t "$VIP:0" 2>/dev/null

stop_uvsd TERM
t_check "after SIGTERM the guard table is gone" no_guard

lab_start_uvsd || exit 1
t_check "a new uvsd makes it again" has_guard
stop_uvsd KILL
t_check "after SIGKILL the kernel removed it with uvsd's socket" no_guard
rm -f "$LAB_SOCK"	# a killed uvsd leaves its control socket behind

# --- no nf_tables guard: the old refusals come back ------------------------
lab_exec d nft add table netdev "$guard"
lab_exec d sysctl -qw net.ipv4.ip_forward=0
lab_start_uvsd || exit 1
t_check "when the guard cannot be made, uvsd says why" \
	grep -q "no kernel guard (table netdev $guard" "$LAB_DIR/uvsd.log"
out=$(uvsadm -A -t "$VIP:80" -s rr 2>&1)
t_check "and refuses a VIP on a kernel interface" grep -q "kernel interface eth0" <<<"$out"
stop_uvsd TERM
lab_exec d nft delete table netdev "$guard"
t_done
