#!/bin/bash
# IP fragments: UDP datagrams larger than the link's MTU (DNS sizes
# 1232-4096 bytes, and 9000) sent to a UDP VIP from three clients at once
# all come back whole from the real servers' echo: every fragment of a
# datagram reached the one real server its first fragment was scheduled
# to (IPVS sees such datagrams reassembled). Fragments sent before their
# first one are held and follow it; a TCP SYN cut into fragments gets its
# SYN-ACK. Negative control: uvsd --frag-max 0 tracks no datagram, so the
# later fragments are dropped and nothing big arrives.
. "$(dirname "$0")/../lab/lab.sh"
lab_cluster 3
lab_host c2 198.18.0.101
lab_host c3 198.18.0.102
SIZES=1232,1500,2048,3000,4096,9000
ROUNDS=3
# fragments per round: 1500 B of payload needs 2, 2048: 2, 3000: 3,
# 4096: 3, 9000: 7 (1480 bytes each); 1232 B needs none
FRAGS_PER_ROUND=17

services() {
	local i
	uvsadm -A -u "$VIP:9000" -s rr
	uvsadm -A -t "$VIP:80" -s rr
	for i in 1 2 3; do
		uvsadm -a -u "$VIP:9000" -r "$(rs_ip "$i")" -g
		uvsadm -a -t "$VIP:80" -r "$(rs_ip "$i")" -g
	done
	lab_wait_resolved
}

# Three clients at once, each ROUNDS rounds of every size; bounded by
# udp_sizes' 2 s timeout per datagram.
send_sizes() {
	local c pids=()
	for c in c c2 c3; do
		lab_exec "$c" timeout 60 python3 "$LAB_ROOT/tests/lab/udp_sizes.py" \
			--vip "$VIP" --port 9000 --sizes "$SIZES" \
			--rounds "$ROUNDS" >"$LAB_DIR/sizes.$c" 2>&1 &
		pids+=($!)
	done
	wait "${pids[@]}"
}

counter_delta() {
	local b a
	b=$(awk -v k="$1" '$1 == k { print $2 }' "$LAB_DIR/before")
	a=$(awk -v k="$1" '$1 == k { print $2 }' "$LAB_DIR/after")
	echo $(( ${a:-0} - ${b:-0} ))
}

services || exit 1
uvsadm --counters >"$LAB_DIR/before"
send_sizes
uvsadm --counters >"$LAB_DIR/after"
want=$((6 * ROUNDS))
for c in c c2 c3; do
	t_check "client $c: every datagram ($SIZES) echoed whole ($(tail -1 "$LAB_DIR/sizes.$c"))" \
		grep -qx "whole $want of $want" "$LAB_DIR/sizes.$c"
done
t_check "fragmented datagrams came back whole from each of the 3 real servers" \
	[ "$(grep -hv '^ok 1232 ' "$LAB_DIR"/sizes.c* | awk '$1 == "ok" {print $3}' | sort -u | wc -l)" = 3 ]
got=$(counter_delta frags_fwd)
t_check "frags_fwd grew by every fragment sent ($got of $((3 * ROUNDS * FRAGS_PER_ROUND)))" \
	[ "$got" = $((3 * ROUNDS * FRAGS_PER_ROUND)) ]
for k in drop_ip_frag drop_frag_noroom drop_frag_expired drop_udp_len; do
	t_check "no fragment dropped as ${k#drop_} ($(counter_delta "$k"))" \
		[ "$(counter_delta "$k")" = 0 ]
done
grep -h "drop_ip_frag\|frags_" "$LAB_DIR/after" | sed 's/^/# after: /'

# Later fragments first: held until the first comes, then sent after it.
uvsadm --counters >"$LAB_DIR/before"
lab_exec c timeout 20 python3 "$LAB_ROOT/tests/lab/fragsend.py" --src "$CLIENT_IP" \
	--dst "$VIP" --dport 9000 --sport 41000 --size 3000 --frag 1000 \
	--order last-first --repeat 20 --expect-reply >"$LAB_DIR/rev" 2>&1
uvsadm --counters >"$LAB_DIR/after"
t_check "20 datagrams sent last fragment first all echoed ($(tail -1 "$LAB_DIR/rev"))" \
	grep -qx "replies 20 of 20" "$LAB_DIR/rev"
# 3008 bytes of UDP in 1000-byte pieces: 4 fragments, 3 of them early
t_check "their 60 early fragments were held (frags_held +$(counter_delta frags_held))" \
	[ "$(counter_delta frags_held)" = 60 ]

# TCP: a SYN carrying 1200 bytes, in three fragments, the last first.
lab_exec c timeout 20 python3 "$LAB_ROOT/tests/lab/fragsend.py" --src "$CLIENT_IP" \
	--dst "$VIP" --dport 80 --sport 42000 --tcp --size 1200 --frag 424 \
	--order last-first --repeat 6 --expect-reply >"$LAB_DIR/tcp" 2>&1
t_check "6 SYNs sent as fragments got their SYN-ACK ($(tail -1 "$LAB_DIR/tcp"))" \
	grep -qx "replies 6 of 6" "$LAB_DIR/tcp"
t_check "uvsd is still running" kill -0 "$LAB_UVSD_PID"

# Negative control: a uvsd that tracks no datagram.
kill "$LAB_UVSD_PID"; wait "$LAB_UVSD_PID" 2>/dev/null
lab_start_uvsd --frag-max 0 || exit 1
services || exit 1
uvsadm --counters >"$LAB_DIR/before"
lab_exec c timeout 30 python3 "$LAB_ROOT/tests/lab/udp_sizes.py" --vip "$VIP" \
	--port 9000 --sizes 1232,3000 --rounds 2 --timeout 1 >"$LAB_DIR/ctl" 2>&1
uvsadm --counters >"$LAB_DIR/after"
t_check "control, --frag-max 0: the 1232-byte datagrams still came back" \
	[ "$(grep -c '^ok 1232 ' "$LAB_DIR/ctl")" = 2 ]
t_check "control, --frag-max 0: no 3000-byte datagram did" \
	[ "$(grep -c '^ok 3000 ' "$LAB_DIR/ctl")" = 0 ]
t_check "control: their later fragments counted as frag_noroom ($(counter_delta drop_frag_noroom))" \
	[ "$(counter_delta drop_frag_noroom)" = 4 ]
t_done
