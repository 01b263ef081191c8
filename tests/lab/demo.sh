#!/bin/bash
# make demo: the classic LVS-DR recipe, with uvs in place of ipvsadm and
# arptables_jf, in a lab of network namespaces that is removed at the end
# (also on Ctrl-C or failure).
set -u
. "$(dirname "$0")/lab.sh"
if [ "$(id -u)" != 0 ]; then
	echo "make demo needs root (it builds network namespaces)" >&2
	exit 1
fi
trap 'lab_down; echo "lab removed."' EXIT
trap 'exit 130' INT TERM

if [ -t 1 ]; then
	say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
else
	say() { printf '\n%s\n' "$*"; }
fi
run() { printf '  %s\n' "\$ $*"; }
fail() { echo "demo: $*" >&2; exit 1; }

say "1. A lab: client $CLIENT_IP, director $DIR_IP, real servers rs1-rs3 $(rs_ip 1)-$(rs_ip 3), one bridge; VIP $VIP."
lab_up 3 || fail "could not build the lab"
echo "  namespaces: $(ip netns list | awk '{print $1}' | grep "^$LAB_P-" | tr '\n' ' ')"

say "2. Real servers: VIP on lo, no ARP for it (what ifconfig lo:0 + arptables_jf did)."
for i in 1 2 3; do
	run "uvs-rs up $VIP        # on rs$i"
	lab_start_rs "$i" || fail "rs$i did not start"
done
for i in 1 2 3; do lab_wait_port "rs$i" 80 || fail "rs$i has no HTTP server"; done
lab_exec rs1 "$B/uvs-rs" --state "$LAB_DIR/rs1.state" check "$VIP" | sed 's/^/  rs1: /'

say "3. The director: uvsd on eth0 (the VIP is not on the director's kernel)."
run "uvsd -i eth0 &"
lab_start_uvsd || fail "uvsd did not start"
sed 's/^/  /' "$LAB_DIR/uvsd.log"

say "4. The seed recipe's ipvsadm lines, typed with uvsadm."
run "uvsadm -A -t $VIP:80 -s rr"
uvsadm -A -t "$VIP:80" -s rr || fail "uvsadm -A failed"
for i in 1 2 3; do
	run "uvsadm -a -t $VIP:80 -r $(rs_ip "$i"):80 -g"
	uvsadm -a -t "$VIP:80" -r "$(rs_ip "$i"):80" -g || fail "uvsadm -a failed"
done
lab_wait_resolved || fail "the director never learned the real servers' MACs"
run "uvsadm -L -n"
uvsadm -L -n | sed 's/^/  /'

say "5. Who owns the VIP on the wire? arping $VIP from the client:"
macs=$(lab_arping "$VIP" 2)
echo "  answered by: $macs   (director's eth0 is $(lab_mac d); rs1 is $(lab_mac rs1), rs2 $(lab_mac rs2), rs3 $(lab_mac rs3))"
[ "$macs" = "$(lab_mac d)" ] && echo "  -> only the director answers ARP for the VIP." ||
	echo "  -> UNEXPECTED: someone else answered."

# independent witnesses: nftables counters on the client and the director
lab_exec c nft -f - <<EOT || fail "nftables on the client"
table ip demo { chain out { type filter hook output priority 0; ip daddr $VIP counter; }; }
EOT
lab_exec d nft -f - <<EOT || fail "nftables on the director"
table netdev demo { chain in { type filter hook ingress device eth0 priority 0; ip saddr $VIP counter; }; }
EOT
nft_packets() { lab_exec "$1" nft list table "$2" demo | grep -o 'packets [0-9]*' | awk '{print $2}'; }

say "6. Nine curls to http://$VIP/ from the client:"
for n in $(seq 9); do
	printf '  curl #%d -> %s\n' "$n" "$(lab_exec c curl -s -m 5 "http://$VIP/")"
done

say "7. What uvsd did with each new connection (its -v log): the IP packet untouched, only the MAC rewritten."
grep -E "new TCP|ARP" "$LAB_DIR/uvsd.log" | sed 's/^/  /' | head -12

say "8. Replies went straight back: the director's counters vs. the real servers' logs."
fwd=$(lab_counter fwd_frames)
echo "  the client sent $(nft_packets c ip) packets to the VIP (nftables on the client);"
echo "  uvsd forwarded $fwd frames, one for each of them;"
echo "  the director's eth0 received $(nft_packets d netdev) packets from the VIP (nftables ingress): no reply passed the director."
for i in 1 2 3; do
	echo "  rs$i access log: $(sort "$LAB_DIR/rs$i.access.log" | uniq -c | head -1 | sed 's/^ *//')  <- the client's own address"
done
run "uvsadm -L -n"
uvsadm -L -n | sed 's/^/  /'

say "9. One more request, every hop captured at once (tcpdump on the client, the director and the real servers):"
. "$(dirname "$0")/ladder.sh"
if command -v tcpdump >/dev/null && lesson_ladder "$LAB_DIR/ladder" >"$LAB_DIR/ladder.out"; then
	grep -v "^finding:" "$LAB_DIR/ladder.out"
	echo "  -> the request crosses the director with only its MACs changed; the"
	echo "     reply goes from the real server straight to the client, from the VIP."
	echo "  make lesson explains it step by step (docs/how-dr-works.md)."
else
	echo "  (no capture: tcpdump is missing or the request failed)"
fi

say "Done. Removing the lab."
