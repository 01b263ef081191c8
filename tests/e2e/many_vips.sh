#!/bin/bash
# 1 000 VIPs (198.19.100.100 on, the 6th is 198.19.100.105, the last
# 198.19.104.75) with 10 real servers each, 10 000 in all, loaded with one
# `uvsadm -R`. Three real servers answer; the other 7 of each VIP come from
# a pool of 97 addresses nobody answers for. The pool is small on purpose:
# the kernel's ARP table is one for all namespaces of the host
# (gc_thresh3, 1024 by default), and 10 000 distinct unanswered neighbours
# would overflow it for every other test on the machine.
# Checks: the whole file loads; -L lists it all; the guard is one nftables
# set per family, the IPv4 one holding every VIP:port, and a chain whose
# length does not depend on the VIP count; the capture filter is as long with 1 000 VIPs as with 1;
# curls to a sample of VIPs (the 1st, the 6th, the last, some between) are
# all answered by a real server; a neighbour of the last VIP that is no VIP
# gets no answer (negative control).
. "$(dirname "$0")/../lab/lab.sh"
NVIPS=1000
PER_VIP=10
POOL=97
lab_cluster 3

# VIP i (0-based) is 198.19.100.100 + i as a 32-bit number; the pool's
# addresses are 198.18.0.150 on, on the director's /24, so it ARPs for them.
# VIP i, pool address k and the rules file, in awk: 11 000 lines of shell
# arithmetic would take a minute
vips() {
	awk -v n="$NVIPS" 'BEGIN { b = 198 * 2^24 + 19 * 2^16 + 100 * 256 + 100
		for (i = 0; i < n; i++) { v = b + i
			printf "%d.%d.%d.%d\n", int(v / 2^24), int(v / 2^16) % 256,
			    int(v / 256) % 256, v % 256 } }'
}
vips >"$LAB_DIR/vips"
vip_of() { sed -n "$(($1 + 1))p" "$LAB_DIR/vips"; }
awk -v per="$PER_VIP" -v pool="$POOL" -v rs="$(rs_ip 1) $(rs_ip 2) $(rs_ip 3)" '
	BEGIN { split(rs, r, " ") }
	{ print "-A -t " $1 ":80 -s rr"
	  for (k = 1; k <= 3; k++) print "-a -t " $1 ":80 -r " r[k] ":80 -g"
	  for (k = 0; k < per - 3; k++)
		print "-a -t " $1 ":80 -r 198.18.0." 150 + ((NR - 1) * 7 + k) % pool ":80 -g" }
' "$LAB_DIR/vips" >"$LAB_DIR/rules"
# every VIP on each real server's lo (uvs-rs up set arp_ignore already)
for r in 1 2 3; do
	sed 's|.*|addr add &/32 dev lo|' "$LAB_DIR/vips" | lab_exec "rs$r" ip -batch -
done
# the client reaches the VIPs on its link: it ARPs for them, uvsd answers
lab_exec c ip route add 198.19.96.0/20 dev eth0

# the capture filter's length while one VIP is served
uvsadm -A -t "$(vip_of 0):80" -s rr
bpf_len() {
	lab_exec d ss -0 -b -p 2>/dev/null |
		awk -v p="pid=$LAB_UVSD_PID," 'index($0, p) { f = 1 }
		f && /bpf filter/ { gsub(/[():]/, "", $3); print $3; exit }'
}
len1=$(bpf_len)
uvsadm -C

start=$(date +%s.%N)
uvsadm -R <"$LAB_DIR/rules" 2>"$LAB_DIR/restore.err"
rc=$?
secs=$(echo "$(date +%s.%N) - $start" | bc)
t_check "-R of $((NVIPS * (PER_VIP + 1))) lines exits 0 in ${secs}s (got $rc: $(head -c 200 "$LAB_DIR/restore.err"))" \
	[ "$rc" = 0 ]
uvsadm -L -n >"$LAB_DIR/list"
t_check "-L -n lists $NVIPS services ($(grep -c '^TCP' "$LAB_DIR/list"))" \
	[ "$(grep -c '^TCP' "$LAB_DIR/list")" = "$NVIPS" ]
ndests=$(grep -c '^  -> [0-9]' "$LAB_DIR/list")
t_check "-L -n lists $((NVIPS * PER_VIP)) real servers ($ndests)" \
	[ "$ndests" = $((NVIPS * PER_VIP)) ]
lenN=$(bpf_len)
t_check "the capture filter has as many instructions with $NVIPS VIPs as with 1 ($len1, $lenN)" \
	all [ -n "$len1" ] --and [ "$len1" = "$lenN" ]

# the guard: one set per family (services holds every VIP:port here,
# services6 none), a chain of a few rules: three per family
lab_exec d nft list ruleset >"$LAB_DIR/ruleset"
nsets=$(grep -c '^\s*set ' "$LAB_DIR/ruleset")
nrules=$(awk '/chain ingress/ { f = 1; next } f && /^\s*}/ { f = 0 } f && /(drop|accept)$/' "$LAB_DIR/ruleset" | wc -l)
t_check "nft list ruleset shows a set per family ($nsets) and a chain of at most 6 rules ($nrules)" \
	all [ "$nsets" = 2 ] --and [ "$nrules" -le 6 ]
t_check "the set holds the 6th and the last VIP" \
	all grep -qE "$(vip_of 5) \. (6|tcp) \. (80|http)" "$LAB_DIR/ruleset" \
	--and grep -qE "$(vip_of $((NVIPS - 1))) \. (6|tcp) \. (80|http)" "$LAB_DIR/ruleset"
nelem=$(grep -oE '198\.19\.[0-9]+\.[0-9]+ \. (6|tcp) \. (80|http)' "$LAB_DIR/ruleset" | sort -u | wc -l)
t_check "the set holds $NVIPS VIP:port elements ($nelem)" [ "$nelem" = "$NVIPS" ]

# traffic to a sample of VIPs: every one answered by a real server
sample="0 1 4 5 6 99 250 499 500 777 998 $((NVIPS - 1))"
ok=0 n=0
for i in $sample; do
	n=$((n + 1))
	a=$(lab_exec c curl -s -m 3 "http://$(vip_of "$i")/")
	case $a in rs[123]) ok=$((ok + 1)) ;; *) echo "# VIP $(vip_of "$i"): '$a'" ;; esac
done
t_check "curls to $n sampled VIPs (1st, 6th $(vip_of 5), last $(vip_of $((NVIPS - 1))), ...) all answered ($ok)" \
	[ "$ok" = "$n" ]
# and again, so every VIP's rr moves on over its three live servers
for k in 1 2 3; do
	for i in 5 $((NVIPS - 1)); do
		lab_exec c curl -s -m 3 "http://$(vip_of "$i")/" >>"$LAB_DIR/spread"
		echo >>"$LAB_DIR/spread"
	done
done
t_check "6 more curls to the 6th and the last VIP spread over rs1..rs3 ($(sort "$LAB_DIR/spread" | uniq -c | tr '\n' ' '))" \
	[ "$(sort -u "$LAB_DIR/spread" | grep -c '^rs')" = 3 ]

# negative control: the address after the last VIP is nobody's
t_check "no answer from 198.19.104.76 (after the last VIP), which is no VIP" \
	not lab_exec c curl -s -m 2 "http://198.19.104.76/"
t_check "uvsd is still running" kill -0 "$LAB_UVSD_PID"
t_done
