#!/bin/bash
# Connection sync, ipvsadm's way: the VRRP master's uvsd runs
# `uvsadm --start-daemon master`, the backup's `--start-daemon backup`
# (IPVS's sync messages, multicast to 224.0.0.81:8848). Through the
# master with wlc (no consistent hash: only sync can save a flow): a
# 50 MB download and 20 held keep-alive connections; the master's link
# goes down mid-transfer and keepalived moves the VIP. With sync every
# transfer completes byte-exact and every held connection answers its
# next request from the same real server. Control: the same run without
# the sync daemons loses them (counted). Then bad sync input (a foreign
# syncid, truncated and garbage datagrams, a bounded flood) is counted
# and dropped while the backup keeps serving.
# run.sh: timeout 360
# run.sh: alone
. "$(dirname "$0")/../lab/lab.sh"
. "$(dirname "$0")/../lab/ha.sh"
t_need_root
trap lab_down EXIT
SIZE=$((50 * 1024 * 1024))
NHELD=20
python3 "$LAB_ROOT/tests/lab/rs_httpd.py" --gen-blob "$SIZE" | sha256sum |
	awk '{print $1}' >"/tmp/$LAB_P.want"
WANT=$(cat "/tmp/$LAB_P.want")
rm -f "/tmp/$LAB_P.want"

# dl_wait_stall S: until $LAB_DIR/dl has not grown for S seconds (or the
# download ended), then ends the download; bounded to 60 s.
dl_wait_stall() {
	local k last=-1 now same=0
	for k in $(seq 60); do
		kill -0 "$DL" 2>/dev/null || return 0
		now=$(stat -c %s "$LAB_DIR/dl" 2>/dev/null || echo 0)
		if [ "$now" = "$last" ]; then
			same=$((same + 1))
			[ "$same" -lt "$1" ] || break
		else
			same=0 last=$now
		fi
		sleep 1
	done
	# $DL may be the subshell of lab_exec: curl is then its child
	kill $(ps -o pid= --ppid "$DL") "$DL" 2>/dev/null
}

# scenario sync|nosync: a fresh pair, the load, a link-down failover;
# sets DL_OK (download byte-exact), KEPT (held connections kept).
scenario() {
	local mode=$1 got
	ha_up 2 || exit 1
	ha_pair wlc || { t_fail "the pair came up ($mode)"; exit 1; }
	if [ "$mode" = sync ]; then
		t_check "uvsadm --start-daemon master on d" \
			ha_uvsadm d --start-daemon master --mcast-interface eth0 --syncid 7
		t_check "uvsadm --start-daemon backup on d2" \
			ha_uvsadm d2 --start-daemon backup --mcast-interface eth0 --syncid 7
		t_check "-L --daemon prints ipvsadm's line" \
			[ "$(ha_uvsadm d -L --daemon)" = "master sync daemon (mcast=eth0, syncid=7, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)" ]
	fi
	# a loaded machine starts 20 clients slowly: wait for them all. They
	# ask again once the backup has taken over (the go file), 60 s at most.
	rm -f "$LAB_DIR/go"
	ha_held_clients "$NHELD" 60 "$LAB_DIR/go"
	for k in $(seq 600); do
		[ "$(cat "$LAB_DIR"/ka.*.out | grep -c '^before')" = "$NHELD" ] && break
		sleep 0.1
	done
	lab_exec c curl -s -m 60 --limit-rate 3M -o "$LAB_DIR/dl" \
		"http://$VIP/blob?size=$SIZE" &
	DL=$!
	LAB_PIDS+=("$DL")
	for k in $(seq 300); do
		[ "$(stat -c %s "$LAB_DIR/dl" 2>/dev/null || echo 0)" -gt $((5 << 20)) ] && break
		sleep 0.1
	done
	sleep 2	# two walks of the master's sync daemon
	t_check "$mode: d is still the VRRP master before the failover" ha_holds_vip d
	echo "# $mode, failover with $(cat "$LAB_DIR"/ka.*.out | grep -c '^before') held clients up and $(stat -c %s "$LAB_DIR/dl" 2>/dev/null) bytes downloaded"
	[ "$mode" = sync ] && echo "# before failover: master sent $(ha_counter d sync_tx_conns) conns in $(ha_counter d sync_tx_msgs) messages; backup made $(ha_counter d2 sync_rx_new), updated $(ha_counter d2 sync_rx_updated)"
	ip -n "$(lab_ns d)" link set eth0 down
	ha_wait_master d2 100 || true
	touch "$LAB_DIR/go"
	# Without sync the download stalls for good: once it has made no
	# progress for 5 s, it is over (curl's own bound is 60 s).
	[ "$mode" = sync ] || dl_wait_stall 5
	wait "$DL"
	got=$(sha256sum <"$LAB_DIR/dl" 2>/dev/null | awk '{print $1}')
	DL_OK=0
	[ "$got" = "$WANT" ] && DL_OK=1
	for pid in "${HA_KA_CLIENTS[@]}"; do wait "$pid"; done
	KEPT=$(ha_held_kept)
	cat "$LAB_DIR"/ka.*.out | sed 's/rs[0-9]*/rsN/' | sort | uniq -c | sed 's/^/# /'
	echo "# $mode: download $(stat -c %s "$LAB_DIR/dl" 2>/dev/null || echo 0) of $SIZE bytes, byte-exact=$DL_OK; held connections kept $KEPT of $NHELD"
}

scenario sync
t_check "with sync the 50 MB download completed byte-exact across the failover" [ "$DL_OK" = 1 ]
t_check "with sync all $NHELD held connections answered their next request from the same real server ($KEPT)" \
	[ "$KEPT" = "$NHELD" ]
t_check "the backup's control thread handed the entries to its worker ($(ha_counter d2 sync_rx_queued))" \
	[ "$(ha_counter d2 sync_rx_queued)" -ge "$NHELD" ]
t_check "the worker's table made the synced flows ($(ha_counter d2 sync_rx_new) new)" \
	[ "$(ha_counter d2 sync_rx_new)" -ge "$NHELD" ]
t_check "and forwarded them after the failover ($(ha_counter d2 fwd_frames) frames)" \
	[ "$(ha_counter d2 fwd_frames)" -gt 0 ]

# bad sync input at the backup, which now serves: counted, dropped
send_bad() {
	lab_exec c python3 - <<'PY'
import socket, struct, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
             socket.inet_aton("198.18.0.100"))
dst = ("224.0.0.81", 8848)
def entry(cport):
    return struct.pack("!BBHIHHHHII4s4s4s", 0, 6, 36, 3, 1, cport, 80, 80,
                       0, 900, socket.inet_aton("198.18.0.200"),
                       socket.inet_aton("198.18.0.10"),
                       socket.inet_aton("198.18.0.11"))
def msg(syncid, entries):
    body = b"".join(entries)
    return struct.pack("!BBHBbH", 0, syncid, 8 + len(body), len(entries), 1, 0) + body
s.sendto(msg(9, [entry(1000)]), dst)              # foreign syncid
s.sendto(msg(7, [entry(1001)])[:30], dst)         # truncated
s.sendto(b"\xff" * 40, dst)                       # garbage
good = msg(7, [entry(1002)])
s.sendto(good[:5] + b"\x05" + good[6:], dst)      # version 5
t0 = time.time()
for i in range(2000):                             # a bounded flood
    s.sendto(msg(7, [entry(2000 + i % 40)])[:-1], dst)
    if time.time() - t0 > 5:
        break
time.sleep(1)       # a flood may fill the socket's buffer: let it drain
s.sendto(msg(7, [entry(1003)]), dst)              # one good message
PY
}
before=$(ha_counter d2 sync_rx_msgs)
send_bad
sleep 1
bad=0
for k in syncid short size version entry; do
	bad=$((bad + $(ha_counter d2 "sync_rx_bad_$k")))
done
t_check "foreign syncid counted ($(ha_counter d2 sync_rx_bad_syncid))" [ "$(ha_counter d2 sync_rx_bad_syncid)" -ge 1 ]
t_check "truncated and flood datagrams counted as size errors ($(ha_counter d2 sync_rx_bad_size))" \
	[ "$(ha_counter d2 sync_rx_bad_size)" -ge 100 ]
t_check "a wrong version counted ($(ha_counter d2 sync_rx_bad_version))" \
	[ "$(ha_counter d2 sync_rx_bad_version)" -ge 1 ]
t_check "every bad datagram refused: all read but the good one ($bad)" \
	[ "$bad" = $(($(ha_counter d2 sync_rx_msgs) - before - 1)) ]
t_check "the good message after the flood was taken (a flow from 198.18.0.200:1003)" \
	grep -q "198.18.0.200:1003" <(ha_uvsadm d2 -L -n -c)
t_check "no flow came from a bad datagram" \
	out_lacks "198.18.0.200:(1000|1001|1002|20[0-9][0-9]) " ha_uvsadm d2 -L -n -c
t_check "the backup, now master, still serves" \
	all lab_exec c curl -s -m 3 -o /dev/null "http://$VIP/"
echo "# bad input: $(($(ha_counter d2 sync_rx_msgs) - before)) datagrams read, $bad refused"
t_check "a second backup daemon is refused" \
	not ha_uvsadm d2 --start-daemon backup --mcast-interface eth0
t_check "uvsadm --stop-daemon backup, then -L --daemon prints nothing" \
	all ha_uvsadm d2 --stop-daemon backup --and prints_nothing ha_uvsadm d2 -L --daemon
t_check "stopping a daemon that does not run is an error" \
	not ha_uvsadm d2 --stop-daemon backup
lab_down

# control: no sync daemons. It runs no sync code, so on run.sh's second
# (sanitizer) pass, where only the build differs, it is not run again.
if [ -z "${UVS_SUITE_REPEAT:-}" ]; then
	LAB_DIR=$(mktemp -d "/tmp/$LAB_P.XXXXXX")
	scenario nosync
	t_check "control: without sync the download did not complete" [ "$DL_OK" = 0 ]
	t_check "control: without sync held connections were lost ($((NHELD - KEPT)) of $NHELD)" \
		[ "$KEPT" -lt "$NHELD" ]
fi
t_done
