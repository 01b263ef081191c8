#!/bin/bash
# 802.1Q: the kernel takes a VLAN tag off before uvsd's packet socket sees
# the frame. By default uvsd serves untagged frames only: a host on VLAN
# 100 gets no ARP answer and its datagrams are dropped (drop_vlan); none
# leaks untagged onto the native LAN (the real servers see nothing of
# it). With --vlan untagged,100 the same host is answered and its frames
# forwarded with their tag put back, priority bits and all (ARP replies
# too), with every backend, and untagged clients are still served.
# Negative control: --vlan 100 alone stops serving untagged clients.
# This kernel has no VLAN devices: the VLAN host is a packet socket on the
# client writing tagged frames (vlansend.py), and tcpdump shows the tags.
. "$(dirname "$0")/../lab/lab.sh"
lab_cluster 3
lab_host c2 198.18.0.101
VC_IP=198.18.100.100
TCI=0x6064		# priority 3, VLAN 100
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
services || exit 1
DMAC=$(lab_mac d)
vsend() {
	lab_exec c python3 "$LAB_ROOT/tests/lab/vlansend.py" --tci "$TCI" \
		--src "$VC_IP" --vip "$VIP" --dmac "$DMAC" "$@" >/dev/null
}

counter_delta() {
	local b a
	b=$(awk -v k="$1" '$1 == k { print $2 }' "$LAB_DIR/before")
	a=$(awk -v k="$1" '$1 == k { print $2 }' "$LAB_DIR/after")
	echo $(( ${a:-0} - ${b:-0} ))
}
# Captures on the client's and every real server's eth0 while a command
# runs: cap.c (ARP replies), cap.rs1..3 (anything of the VLAN host's).
capture() {
	local i pids=()
	lab_exec c timeout 8 tcpdump -i eth0 -nn -e -l "arp or (vlan and arp)" \
		>"$LAB_DIR/cap.c" 2>/dev/null &
	pids+=($!)
	for i in 1 2 3; do
		lab_exec "rs$i" timeout 8 tcpdump -i eth0 -nn -e -l \
			"host $VC_IP or (vlan and host $VC_IP)" \
			>"$LAB_DIR/cap.rs$i" 2>/dev/null &
		pids+=($!)
	done
	sleep 1
	"$@"
	sleep 0.5
	kill "${pids[@]}" 2>/dev/null
	wait "${pids[@]}" 2>/dev/null
}
vlan_traffic() {
	vsend arp --count 2
	vsend udp --count 6
}
arp_replies() { grep -c "Reply $VIP is-at $DMAC" "$LAB_DIR/cap.c"; }
tagged_replies() { grep -c "vlan 100, p 3.*Reply $VIP is-at $DMAC" "$LAB_DIR/cap.c"; }
# the VLAN host's datagrams on the real servers' wire, and those untagged
rs_seen() { cat "$LAB_DIR"/cap.rs* | grep -c "$VC_IP\.[0-9]* > $VIP"; }
rs_untagged() {
	cat "$LAB_DIR"/cap.rs* | grep "$VC_IP\.[0-9]* > $VIP" | grep -vc "vlan 100"
}
rs_tagged() {
	cat "$LAB_DIR"/cap.rs* | grep "$DMAC > " |
		grep -c "vlan 100, p 3.*$VC_IP\.[0-9]* > $VIP\.9000"
}

# 1. Default: untagged only.
uvsadm --counters >"$LAB_DIR/before"
capture vlan_traffic
uvsadm --counters >"$LAB_DIR/after"
grep -h "Reply\|$VC_IP\.[0-9]* > " "$LAB_DIR"/cap.rs* "$LAB_DIR"/cap.c |
	sed 's/^/# default: /'
t_check "default: no ARP answer to the VLAN 100 host ($(arp_replies))" \
	[ "$(arp_replies)" = 0 ]
t_check "default: nothing of the VLAN 100 host reached a real server (no leak: $(rs_seen))" \
	[ "$(rs_seen)" = 0 ]
t_check "default: its 8 frames counted as drop_vlan (+$(counter_delta drop_vlan))" \
	[ "$(counter_delta drop_vlan)" = 8 ]
t_check "default: none forwarded (fwd_frames +$(counter_delta fwd_frames))" \
	[ "$(counter_delta fwd_frames)" = 0 ]

# 2. --vlan untagged,100, with each backend.
for be in ring ring-v3 socket; do
	kill "$LAB_UVSD_PID"; wait "$LAB_UVSD_PID" 2>/dev/null
	lab_start_uvsd --backend "$be" --vlan untagged,100 || exit 1
	services || exit 1
	capture vlan_traffic
	[ "$be" = ring ] && grep -h "Reply\|$DMAC >" "$LAB_DIR"/cap.* |
		sed 's/^/# --vlan: /'
	t_check "$be: both ARP requests answered on VLAN 100, tag and priority kept ($(tagged_replies))" \
		[ "$(tagged_replies)" = 2 ]
	t_check "$be: no untagged ARP answer ($(arp_replies) in all)" [ "$(arp_replies)" = 2 ]
	t_check "$be: the 6 datagrams reached the real servers tagged (vlan 100, p 3) from the director ($(rs_tagged))" \
		[ "$(rs_tagged)" = 6 ]
	t_check "$be: spread over the 3 real servers by rr" \
		[ "$(grep -l "vlan 100" "$LAB_DIR"/cap.rs* | wc -l)" = 3 ]
	t_check "$be: none reached them untagged ($(rs_untagged))" \
		[ "$(rs_untagged)" = 0 ]
	got=$(lab_exec c2 curl -s -m 5 "http://$VIP/")
	t_check "$be: an untagged client is still served ($got)" grep -qx 'rs[0-9]' <<<"$got"
done

# 3. Negative control: --vlan 100 alone.
kill "$LAB_UVSD_PID"; wait "$LAB_UVSD_PID" 2>/dev/null
lab_start_uvsd --vlan 100 || exit 1
services || exit 1
uvsadm --counters >"$LAB_DIR/before"
got=$(lab_exec c2 curl -s -m 2 "http://$VIP/")
uvsadm --counters >"$LAB_DIR/after"
t_check "control, --vlan 100: the untagged client is not served (${got:-nothing})" [ -z "$got" ]
t_check "control: its frames counted as drop_vlan (+$(counter_delta drop_vlan))" \
	[ "$(counter_delta drop_vlan)" -ge 1 ]
t_check "control: bad --vlan values are refused" \
	all not "$B/uvsd" -i lo --vlan 4095 --and not "$B/uvsd" -i lo --vlan 0 \
	--and not "$B/uvsd" -i lo --vlan 100,x --and not "$B/uvsd" -i lo --vlan ,
t_done
