#!/bin/bash
# uvsd --trace FILE writes every frame it receives and sends, in order, to a
# pcap that tcpdump reads while uvsd runs: for one curl, each frame to the
# VIP arrives with the director's MAC and leaves as the same IP packet,
# byte for byte, with the chosen real server's MAC; the ARP question and
# uvsd's answer are there too, and no vnet header leaks into the file.
# uvsd -v logs one line for the one new flow, naming the real server, the
# scheduler's reason and the MAC rewrite.
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
if ! command -v tcpdump >/dev/null; then
	t_fail "tcpdump is installed (make deps)"
	exit 1
fi
trap lab_down EXIT
lab_up 3
lab_start_all_rs || exit 1
PCAP=$LAB_DIR/uvsd.pcap
LADDER="python3 $LAB_ROOT/tests/lab/ladder.py"

out=$(lab_exec d "$B/uvsd" -i eth0 --socket "$LAB_SOCK" \
	--trace "$LAB_DIR/no/such/dir/x.pcap" 2>&1); rc=$?
t_check "--trace into a missing directory is refused in one line (exit $rc)" \
	all [ "$rc" != 0 -a "$(wc -l <<<"$out")" = 1 ] --and grep -q "x.pcap" <<<"$out"

lab_start_uvsd --trace "$PCAP" || exit 1
lab_service rr || exit 1
lab_exec c ip neigh flush dev eth0
body=$(lab_exec c curl -s -m 5 "http://$VIP/")
sleep 0.3
t_check "one curl through the VIP is answered ($body)" grep -q '^rs[0-9]$' <<<"$body"

dmac=$(lab_mac d) cmac=$(lab_mac c)
rsmac=$(lab_mac "$body" 2>/dev/null)
rsip=$(rs_ip "${body#rs}")
# while uvsd runs: the file is flushed frame by frame
$LADDER frames "$PCAP" >"$LAB_DIR/frames.live" 2>"$LAB_DIR/frames.err"
t_check "tcpdump reads the trace while uvsd runs ($(wc -l <"$LAB_DIR/frames.live") frames)" \
	[ -s "$LAB_DIR/frames.live" ]

kill -TERM "$LAB_UVSD_PID"
wait "$LAB_UVSD_PID"
$LADDER frames "$PCAP" >"$LAB_DIR/frames"
t_check "after uvsd stops the file is whole and holds the same frames" \
	same "$LAB_DIR/frames" "$LAB_DIR/frames.live"
awk -F'\t' '{ print "# " $1 "  " $3 " > " $4 "  " $7 }' "$LAB_DIR/frames"

# columns: index time src dst ethertype ip-bytes summary
t_check "every frame starts with a real Ethernet header (no vnet header)" \
	awk -F'\t' '$5 != "IPv4" && $5 != "ARP" { bad = 1 } END { exit bad || NR == 0 }' \
	"$LAB_DIR/frames"
t_check "frames are in time order" \
	awk -F'\t' '$2 < last { bad = 1 } { last = $2 } END { exit bad || NR == 0 }' \
	"$LAB_DIR/frames"
t_check "the client's ARP question for the VIP is followed by uvsd's answer" \
	awk -F'\t' -v vip="$VIP" -v d="$dmac" -v c="$cmac" '
		q && $3 == d && $4 == c && index($7, "Reply " vip " is-at " d) { ok = 1 }
		{ q = ($3 == c && index($7, "Request who-has " vip " ")) }
		END { exit !ok }' "$LAB_DIR/frames"

# received IP frames (to the director's MAC) and the frame right after each
awk -F'\t' -v d="$dmac" -v c="$cmac" '
	$5 != "IPv4" { next }
	$3 == c && $4 == d { rx = $6; nrx++; next }
	$3 == d { print (rx == $6 ? "same" : "diff"), $4; rx = "" }
' "$LAB_DIR/frames" >"$LAB_DIR/pairs"
nrx=$(awk -F'\t' -v d="$dmac" -v c="$cmac" '$5 == "IPv4" && $3 == c && $4 == d' "$LAB_DIR/frames" | wc -l)
t_check "the client's SYN, request and ACKs all arrived to the director's MAC ($nrx)" \
	[ "$nrx" -ge 4 ]
t_check "each was sent on right after it came in ($(wc -l <"$LAB_DIR/pairs") of $nrx)" \
	[ "$nrx" -gt 0 -a "$(wc -l <"$LAB_DIR/pairs")" = "$nrx" ]
t_check "as the same IP packet, byte for byte" \
	[ "$(sort -u "$LAB_DIR/pairs" | cut -d' ' -f1)" = same ]
t_check "to the MAC of the real server that answered ($body, $rsmac)" \
	[ -n "$rsmac" -a "$(sort -u "$LAB_DIR/pairs" | cut -d' ' -f2)" = "$rsmac" ]

# -v: one line per new flow
grep "new TCP" "$LAB_DIR/uvsd.log" | sed 's/^/# /'
t_check "uvsd -v logged exactly one new flow" \
	[ "$(grep -c "new TCP" "$LAB_DIR/uvsd.log")" = 1 ]
t_check "naming client, VIP, real server and the rr position" \
	grep -qE "new TCP $CLIENT_IP:[0-9]+ -> $VIP:80: real server $rsip:80 \(rr: next in list order, position [1-3] of 3\)" \
	"$LAB_DIR/uvsd.log"
t_check "and the MAC rewrite director -> real server" \
	grep -q "dst MAC $dmac -> $rsmac" "$LAB_DIR/uvsd.log"
# the worker and the control thread (gratuitous ARP) share the trace:
# on the ThreadSanitizer build (make tsan) this must stay quiet
t_absent "no sanitizer report in uvsd's log" 'Sanitizer|runtime error' \
	"$LAB_DIR/uvsd.log"
t_done
