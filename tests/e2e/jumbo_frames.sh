#!/bin/bash
# Jumbo frames (MTU 9000 on every lab link): 20 MB up through the VIP and
# 20 MB down arrive byte-exact, and the default ring holds the 9014-byte
# frames in its slots (sized from the link's MTU) instead of copying each
# one through the socket's queue: rx_copied stays 0. Then, with the
# client's TSO/GSO back on, the upload arrives as GSO frames far above the
# MTU: the default ring counts them in rx_copied (the counter can fail),
# and ring-v3, whose blocks hold them, copies none.
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
trap lab_down EXIT
MTU=9000
size=20000000

lab_up 2
for h in c d rs1 rs2; do
	ip -n "$(lab_ns br)" link set "p-$h" mtu "$MTU"
	ip -n "$(lab_ns "$h")" link set eth0 mtu "$MTU"
done
ip -n "$(lab_ns br)" link set br0 mtu "$MTU"
lab_start_all_rs || exit 1
python3 "$LAB_ROOT/tests/lab/rs_httpd.py" --gen-blob "$size" >"$LAB_DIR/blob"
want=$(sha256sum <"$LAB_DIR/blob" | awk '{print $1}')

up() { lab_exec c curl -s -m 60 --data-binary @"$LAB_DIR/blob" "http://$VIP/upload"; }
down() { lab_exec c curl -s -m 60 "http://$VIP/blob?size=$size" | sha256sum | awk '{print $1}'; }
# uvsd afresh with backend $1 and the usual service
start() {
	if [ -n "${LAB_UVSD_PID:-}" ]; then
		kill "$LAB_UVSD_PID"
		wait "$LAB_UVSD_PID" 2>/dev/null
		rm -f "$LAB_SOCK"
	fi
	LAB_UVSD_QUIET=1 lab_start_uvsd --backend "$1" || exit 1
	lab_service rr || exit 1
}

# 1: plain jumbo frames, the default ring
lab_exec c ethtool -K eth0 tso off gso off >/dev/null 2>&1
t_check "the client's link sends frames of at most its MTU (tso, gso off)" \
	sh -c "ip netns exec $(lab_ns c) ethtool -k eth0 | grep -qx 'generic-segmentation-offload: off'"
start ring
t_check "uvsd's link has MTU $MTU" \
	grep -q "mtu $MTU " <(ip -n "$(lab_ns d)" link show eth0)
got=$(up)
t_check "ring, jumbo: 20 MB upload arrives byte-exact" [ "$got" = "$want $size" ]
t_check "ring, jumbo: 20 MB download arrives byte-exact" [ "$(down)" = "$want" ]
fwd=$(lab_counter fwd_frames) bytes=$(lab_counter fwd_bytes) copied=$(lab_counter rx_copied)
echo "# ring, jumbo: $fwd frames forwarded, $bytes bytes ($((bytes / (fwd > 0 ? fwd : 1))) a frame), $copied copied"
t_check "the upload crossed uvsd in jumbo frames (over 4000 bytes a frame: $((bytes / (fwd > 0 ? fwd : 1))))" \
	[ "$bytes" -ge "$size" -a $((bytes / (fwd > 0 ? fwd : 1))) -gt 4000 ]
t_check "no jumbo frame was copied (rx_copied $copied)" [ "$copied" = 0 ]
t_check "no frame was refused on send" [ "$(lab_counter drop_send_error)" = 0 ]

# 2: GSO frames above the MTU: the default ring copies, ring-v3 does not
lab_exec c ethtool -K eth0 tso on gso on >/dev/null 2>&1
start ring
got=$(up)
copied=$(lab_counter rx_copied)
echo "# ring, GSO: $(lab_counter fwd_frames) frames forwarded, $copied copied"
t_check "ring, GSO: 20 MB upload arrives byte-exact" [ "$got" = "$want $size" ]
t_check "ring, GSO: frames above the MTU are counted as copied ($copied)" [ "${copied:-0}" -gt 0 ]
start ring-v3
got=$(up)
copied=$(lab_counter rx_copied)
echo "# ring-v3, GSO: $(lab_counter fwd_frames) frames forwarded, $copied copied"
t_check "ring-v3, GSO: 20 MB upload arrives byte-exact" [ "$got" = "$want $size" ]
t_check "ring-v3, GSO: 20 MB download arrives byte-exact" [ "$(down)" = "$want" ]
t_check "ring-v3, GSO: no frame was copied (rx_copied $copied)" [ "$copied" = 0 ]
t_done
