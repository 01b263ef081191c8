#!/bin/bash
# make demo-ha: two directors under Debian's keepalived (VRRP only) with
# uvsd --follow-vip and IPVS-style connection sync; a download and held
# keep-alive connections through the master; the master's link goes
# down; the counters show what the backup took over and that nothing was
# lost. The lab is removed at the end (also on Ctrl-C or failure).
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/ha.sh"
if [ "$(id -u)" != 0 ]; then
	echo "make demo-ha needs root (it builds network namespaces)" >&2
	exit 1
fi
trap 'lab_down; echo "lab removed."' EXIT
trap 'exit 130' INT TERM
if [ -t 1 ]; then
	say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
else
	say() { printf '\n%s\n' "$*"; }
fi
fail() { echo "demo-ha: $*" >&2; exit 1; }
SIZE=$((20 * 1024 * 1024))
NHELD=10

say "1. A lab: client $CLIENT_IP, directors d $(ha_dir_ip d) and d2 $(ha_dir_ip d2), real servers rs1 rs2; VIP $VIP."
ha_up 2 || fail "could not build the lab"

say "2. Both directors: uvsd --follow-vip with the same table, keepalived with one vrrp_instance (d priority 150, d2 100)."
ha_pair wlc || fail "the pair did not come up"
sed 's/^/  /' "$LAB_DIR/d.keepalived.conf"
echo "  d holds the VIP: $(ha_holds_vip d && echo yes || echo no); d2: $(ha_holds_vip d2 && echo yes || echo no)"
echo "  ARP for $VIP answered by: $(lab_arping "$VIP" 2 | tr '\n' ' ')(d is $(lab_mac d), d2 $(lab_mac d2))"

say "3. Connection sync, ipvsadm's words."
echo "  \$ uvsadm --start-daemon master --mcast-interface eth0 --syncid 7   # on d"
ha_uvsadm d --start-daemon master --mcast-interface eth0 --syncid 7 || fail "master daemon"
echo "  \$ uvsadm --start-daemon backup --mcast-interface eth0 --syncid 7   # on d2"
ha_uvsadm d2 --start-daemon backup --mcast-interface eth0 --syncid 7 || fail "backup daemon"
echo "  \$ uvsadm -L --daemon   # on d"
ha_uvsadm d -L --daemon | sed 's/^/  /'

say "4. Load through d: $NHELD held keep-alive connections and a $((SIZE >> 20)) MB download."
want=$(python3 "$LAB_ROOT/tests/lab/rs_httpd.py" --gen-blob "$SIZE" | sha256sum | awk '{print $1}')
ha_held_clients "$NHELD" 30
for k in $(seq 600); do
	[ "$(cat "$LAB_DIR"/ka.*.out | grep -c '^before')" = "$NHELD" ] && break
	sleep 0.1
done
lab_exec c curl -s -m 60 --limit-rate 2M -o "$LAB_DIR/dl" \
	"http://$VIP/blob?size=$SIZE" &
dl=$!
LAB_PIDS+=("$dl")
for k in $(seq 300); do
	[ "$(stat -c %s "$LAB_DIR/dl" 2>/dev/null || echo 0)" -gt $((3 << 20)) ] && break
	sleep 0.1
done
sleep 2
echo "  d forwarded $(ha_counter d fwd_frames) frames; its sync daemon sent $(ha_counter d sync_tx_conns) connections in $(ha_counter d sync_tx_msgs) messages"
echo "  d2 forwarded $(ha_counter d2 fwd_frames) frames; it holds $(ha_counter d2 conns) synced connections"

say "5. Failover: d's link goes down."
t0=$(date +%s.%N)
ip -n "$(lab_ns d)" link set eth0 down
ha_wait_master d2 100 || fail "d2 never took the VIP"
echo "  d2 holds the VIP $(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { printf "%.1f", a - b }') s after the link went down"
wait "$dl"
got=$(sha256sum <"$LAB_DIR/dl" | awk '{print $1}')
for pid in "${HA_KA_CLIENTS[@]}"; do wait "$pid"; done

say "6. What the counters say."
echo "  download: $(stat -c %s "$LAB_DIR/dl") of $SIZE bytes, $([ "$got" = "$want" ] && echo "byte-exact" || echo "DIFFERENT")"
echo "  held connections that answered their next request from the same real server: $(ha_held_kept) of $NHELD"
echo "  d2: sync_rx_queued $(ha_counter d2 sync_rx_queued), sync_rx_new $(ha_counter d2 sync_rx_new), sync_rx_updated $(ha_counter d2 sync_rx_updated), sync_rx_bad_* $(ha_uvsadm d2 --counters | awk '/^sync_rx_bad_/ { n += $2 } END { print n + 0 }'), fwd_frames $(ha_counter d2 fwd_frames), drop_tcp_nosyn $(ha_counter d2 drop_tcp_nosyn)"

# Hook for issue 15 part 3: the ECMP scale-out demo (bird2/FRR, -s mh)
# runs here when its script is present.
if [ -x "$LAB_ROOT/tests/lab/demo_ecmp.sh" ]; then
	say "7. Scale-out on ECMP."
	lab_down
	B=$B "$LAB_ROOT/tests/lab/demo_ecmp.sh"
fi
