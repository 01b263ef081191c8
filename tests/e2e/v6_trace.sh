#!/bin/bash
# uvsd --trace over IPv6: v6 frames go to the pcap as they are, Ethernet
# first, so tcpdump reads them: for one curl -6 to [VIP6], the client's
# Neighbor Solicitation and uvsd's Advertisement are there, and each frame
# to the director's MAC leaves as the same IPv6 packet, byte for byte,
# with the chosen real server's MAC. uvsd -v logs the one new flow with
# every address bracketed with its port. Needs the lab's v6 addressing
# (lab_v6_up).
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
trap lab_down EXIT
if ! command -v tcpdump >/dev/null; then
	t_fail "tcpdump is installed (make deps)"
	exit 1
fi
lab_up 3
lab_v6_up
lab_start_all_rs6 || exit 1
PCAP=$LAB_DIR/uvsd6.pcap
LADDER="python3 $LAB_ROOT/tests/lab/ladder.py"
lab_start_uvsd --trace "$PCAP" || exit 1
lab_service6 rr || exit 1
lab_exec c ip -6 neigh flush dev eth0
body=$(lab_exec c curl -6 -s -m 5 "http://[$VIP6]/")
sleep 0.3
t_check "one curl -6 through [$VIP6] is answered ($body)" grep -q '^rs[0-9]$' <<<"$body"
dmac=$(lab_mac d) cmac=$(lab_mac c)
rsmac=$(lab_mac "$body" 2>/dev/null)
rsip=$(rs_ip6 "${body#rs}")
kill -TERM "$LAB_UVSD_PID"
wait "$LAB_UVSD_PID"
$LADDER frames "$PCAP" >"$LAB_DIR/frames"
awk -F'\t' '{ print "# " $1 "  " $3 " > " $4 "  " $5 "  " $7 }' "$LAB_DIR/frames" | head -20

# columns: index time src dst ethertype ip-bytes summary
t_check "tcpdump reads IPv6 frames from the trace ($(awk -F'\t' '$5 == "IPv6"' "$LAB_DIR/frames" | wc -l))" \
	awk -F'\t' '$5 == "IPv6" { n++ } END { exit !(n >= 8) }' "$LAB_DIR/frames"
t_check "every frame starts with a real Ethernet header (no vnet header)" \
	awk -F'\t' '$5 != "IPv4" && $5 != "IPv6" && $5 != "ARP" { bad = 1 } END { exit bad || NR == 0 }' \
	"$LAB_DIR/frames"
t_check "the client's NS for [$VIP6] is followed by uvsd's NA from its MAC" \
	awk -F'\t' -v vip="$VIP6" -v d="$dmac" -v c="$cmac" '
		q && $3 == d && $4 == c && index($7, "neighbor advertisement, tgt is " vip) { ok = 1 }
		{ q = ($3 == c && index($7, "neighbor solicitation, who has " vip)) }
		END { exit !ok }' "$LAB_DIR/frames"

# received v6 TCP frames (to the director's MAC) and the frame right after each
awk -F'\t' -v d="$dmac" -v c="$cmac" '
	$5 != "IPv6" || index($7, "ICMP6") { next }
	$3 == c && $4 == d { rx = $6; nrx++; next }
	$3 == d && rx != "" { print (rx == $6 ? "same" : "diff"), $4; rx = "" }
' "$LAB_DIR/frames" >"$LAB_DIR/pairs"
nrx=$(awk -F'\t' -v d="$dmac" -v c="$cmac" '$5 == "IPv6" && !index($7, "ICMP6") && $3 == c && $4 == d' "$LAB_DIR/frames" | wc -l)
t_check "the client's SYN, request and ACKs all arrived to the director's MAC ($nrx)" \
	[ "$nrx" -ge 4 ]
t_check "each was sent on right after it came in ($(wc -l <"$LAB_DIR/pairs") of $nrx)" \
	[ "$nrx" -gt 0 -a "$(wc -l <"$LAB_DIR/pairs")" = "$nrx" ]
t_check "as the same IPv6 packet, byte for byte" \
	[ "$(sort -u "$LAB_DIR/pairs" | cut -d' ' -f1)" = same ]
t_check "to the MAC of the real server that answered ($body, $rsmac)" \
	[ -n "$rsmac" -a "$(sort -u "$LAB_DIR/pairs" | cut -d' ' -f2)" = "$rsmac" ]

grep "new TCP" "$LAB_DIR/uvsd.log" | sed 's/^/# /'
t_check "uvsd -v logged the one new flow, addresses bracketed with ports" \
	all [ "$(grep -c "new TCP" "$LAB_DIR/uvsd.log")" = 1 ] --and \
	grep -qE "new TCP \[$CLIENT_IP6\]:[0-9]+ -> \[$VIP6\]:80: real server \[$rsip\]:80 \(rr" \
	"$LAB_DIR/uvsd.log"
t_absent "no sanitizer report in uvsd's log" 'Sanitizer|runtime error' \
	"$LAB_DIR/uvsd.log"
t_done
