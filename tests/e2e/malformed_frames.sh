#!/bin/bash
# Malformed frames: a burst of over 1000 crafted frames (badframes: runts,
# bad IHL, bad total length, IP options, fragments, unknown protocols,
# bad TCP data offsets, ...) sent at the director. uvsd stays up, its
# counters account for every frame under its own reason, and a curl
# afterwards still works.
. "$(dirname "$0")/../lab/lab.sh"
lab_cluster 3
lab_service rr || exit 1

uvsadm --counters >"$LAB_DIR/before"
lab_exec c "$B/badframes" -i eth0 -d "$(lab_mac d)" -s "$CLIENT_IP" \
	-t "$VIP" -p 80 -n 60 >"$LAB_DIR/sent"
sleep 0.3
uvsadm --counters >"$LAB_DIR/after"
total=$(awk '{print $2}' "$LAB_DIR/sent")
t_check "badframes sent at least 1000 frames ($total)" [ "${total:-0}" -ge 1000 ]
t_check "uvsd is still running" kill -0 "$LAB_UVSD_PID"

delta() {
	local b a
	b=$(awk -v k="drop_$1" '$1 == k { print $2 }' "$LAB_DIR/before")
	a=$(awk -v k="drop_$1" '$1 == k { print $2 }' "$LAB_DIR/after")
	echo $(( ${a:-0} - ${b:-0} ))
}
for kv in $(cut -d: -f2 "$LAB_DIR/sent"); do
	reason=${kv%=*} want=${kv#*=}
	[ "$want" = 0 ] && continue
	got=$(delta "$reason")
	t_check "drop counter $reason grew by $want (got $got)" [ "$got" = "$want" ]
done
fwd0=$(awk '$1 == "fwd_frames" {print $2}' "$LAB_DIR/before")
fwd1=$(awk '$1 == "fwd_frames" {print $2}' "$LAB_DIR/after")
t_check "none of them was forwarded (fwd_frames ${fwd0:-?} then ${fwd1:-?})" \
	[ -n "$fwd0" -a "$fwd0" = "$fwd1" ]
got=$(lab_exec c curl -s -m 5 "http://$VIP/")
t_check "a curl afterwards still works ($got)" grep -qx 'rs[0-9]' <<<"$got"
t_done
