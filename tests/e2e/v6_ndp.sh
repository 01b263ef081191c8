#!/bin/bash
# NDP for a v6 VIP, on the wire: uvsd answers Neighbor Solicitations for
# [2001:db8::10] sent to its solicited-node group, to the director's MAC
# (NUD) and from :: (DAD) with a Neighbor Advertisement carrying the
# director's MAC, every field and the checksum right (tests/lab/
# ndp_probe.py reads them); the client's kernel resolves the VIP to the
# director's MAC; a VIP added is announced with an unsolicited NA; an NS
# for another address, and a malformed one (hop limit 64), get nothing,
# the latter counted as drop_ndp_bad. Negative control: before the v6
# service exists nothing answers, so the answers are uvsd's. The service
# is added with a raw control-socket line, so only uvsd's v6 control
# path is needed, not uvsadm's v6 syntax.
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
trap lab_down EXIT
VIP6=${VIP6:-2001:db8::10}
CLIENT_IP6=${CLIENT_IP6:-2001:db8::100}
lab_up 1
lab_v6_up
lab_start_uvsd || exit 1
dmac=$(lab_mac d)
probe() { lab_exec c python3 "$LAB_ROOT/tests/lab/ndp_probe.py" "$@"; }
# ctl LINE: one raw request to uvsd's control socket; prints the reply.
ctl() { python3 "$LAB_ROOT/tests/lab/ctl_send.py" "$LAB_SOCK" "$1"; }

# negative control: no v6 service, no answer from anyone
probe --src "$CLIENT_IP6" "$VIP6" 2 >"$LAB_DIR/na_before"
t_check "before the v6 service exists, no NA for [$VIP6]" \
	all grep -q "^sent 2$" "$LAB_DIR/na_before" --and not grep -q "^na " "$LAB_DIR/na_before"

lab_bg c "$LAB_DIR/cap.txt" timeout 12 tcpdump -l -n -e -vv -i eth0 \
	"icmp6 and (ip6[40] == 135 or ip6[40] == 136)"
sleep 1
out=$(ctl "add-service proto=tcp vip=$VIP6 vport=80 sched=rr")
t_check "uvsd took a TCP service on [$VIP6]:80 ($out)" [ "$out" = ok ]
sleep 1

probe --src "$CLIENT_IP6" "$VIP6" 3 >"$LAB_DIR/na"
cat "$LAB_DIR/na"
t_check "3 NS to the solicited-node group got 3 NAs from the director's MAC, S and O set, hop limit 255, checksum right" \
	all [ "$(grep -c "^na $dmac tlla=$dmac flags=SO dst=$CLIENT_IP6 hlim=255 csum=ok$" "$LAB_DIR/na")" = 3 ] \
	--and [ "$(grep -c '^na ' "$LAB_DIR/na")" = 3 ]
probe --src "$CLIENT_IP6" --unicast "$dmac" "$VIP6" 1 >"$LAB_DIR/na_uni"
t_check "a unicast NS to the director's MAC (NUD) is answered" \
	grep -q "^na $dmac tlla=$dmac flags=SO dst=$CLIENT_IP6 hlim=255 csum=ok$" "$LAB_DIR/na_uni"
probe "$VIP6" 1 >"$LAB_DIR/na_dad"
t_check "a DAD NS (from ::) is answered to ff02::1, not solicited" \
	grep -q "^na $dmac tlla=$dmac flags=O dst=ff02::1 hlim=255 csum=ok$" "$LAB_DIR/na_dad"
probe --src "$CLIENT_IP6" 2001:db8::50 2 >"$LAB_DIR/na_other"
t_check "an NS for an address that is no VIP gets nothing" \
	all grep -q "^sent 2$" "$LAB_DIR/na_other" --and not grep -q "^na " "$LAB_DIR/na_other"
bad0=$(lab_counter drop_ndp_bad)
probe --src "$CLIENT_IP6" --hlim 64 "$VIP6" 2 >"$LAB_DIR/na_bad"
t_check "an NS with hop limit 64 (not on-link) gets nothing" \
	all grep -q "^sent 2$" "$LAB_DIR/na_bad" --and not grep -q "^na " "$LAB_DIR/na_bad"
t_check "and is counted in drop_ndp_bad (${bad0:-?} -> $(lab_counter drop_ndp_bad))" \
	[ "$(lab_counter drop_ndp_bad)" = "$((bad0 + 2))" ]
t_check "uvsd counted its NAs (ndp_replies $(lab_counter ndp_replies))" \
	[ "$(lab_counter ndp_replies)" = 5 ]

# the client's own kernel resolves the VIP through uvsd
lab_exec c ping -6 -c 1 -W 1 "$VIP6" >/dev/null 2>&1
got=$(lab_exec c ip -6 neigh show "$VIP6" dev eth0 | awk '{ print $3 }')
t_check "the client's kernel resolved [$VIP6] to the director's MAC ($got)" [ "$got" = "$dmac" ]

sleep 2
t_check "adding the VIP sent an unsolicited NA to ff02::1 from the director, override set" \
	grep -qE "^[0-9:.]+ $dmac > 33:33:00:00:00:01, .*$VIP6 > ff02::1: .*neighbor advertisement.*tgt is $VIP6, Flags \[override\]" "$LAB_DIR/cap.txt"
echo "# the NS/NA exchange, as the client captured it:"
grep -E -A1 "neighbor (solicitation|advertisement)" "$LAB_DIR/cap.txt" | head -9
t_done
