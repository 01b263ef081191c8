#!/bin/bash
# Connection sync carries IPv6 flows (IPVS's 72-byte type 1 entries):
# two directors on one link, d serving [VIP6]:80 (it holds the VIP,
# uvsd --follow-vip) and d2 standing by with the same table. With the
# sync daemons running, ten v6 requests through d: within a few of the
# master's walks the backup's -L -c lists every one of those flows,
# from the same client port to the same real server as on the master.
# Control: before the daemons start, a flow is on the master only. A v4
# flow synced beside them shows the two families share the messages. A
# --sync-maxlen too short for a v6 entry is refused. Then 1 000 v6 UDP
# flows, all on the backup.
. "$(dirname "$0")/../lab/lab.sh"
. "$(dirname "$0")/../lab/ha.sh"
t_need_root
trap lab_down EXIT
lab_up 2
lab_host d2 "$(ha_dir_ip d2)"
lab_v6_up
lab_host_v6 d2 2001:db8::3
# one HTTP server on [::] serves both families (lab_start_rs6); the v4
# VIP goes on lo beside the v6 one
lab_start_all_rs6 || exit 1
for i in 1 2; do
	lab_exec "rs$i" "$B/uvs-rs" --state "$LAB_DIR/rs$i.state4" up "$VIP" \
		>/dev/null || exit 1
done
{
	echo "-A -t [$VIP6]:80 -s rr"
	echo "-A -u [$VIP6]:9000 -s rr"
	echo "-A -t $VIP:80 -s rr"
	for i in 1 2; do
		echo "-a -t [$VIP6]:80 -r [$(rs_ip6 "$i")]:80 -g"
		echo "-a -u [$VIP6]:9000 -r [$(rs_ip6 "$i")]:9000 -g"
		echo "-a -t $VIP:80 -r $(rs_ip "$i"):80 -g"
	done
} >"$LAB_DIR/rules"
# d holds both VIPs (keepalived's job in ha_sync_failover.sh)
lab_exec d ip -6 addr add "$VIP6/128" dev eth0 nodad
lab_exec d ip addr add "$VIP/32" dev eth0
for n in d d2; do ha_start_uvsd "$n" || exit 1; done
ha_wait_resolved

# "TCP [client]:port [vip]:80 [rs]:80" per flow, from -L -c -n
flows() {
	ha_uvsadm "$1" -L -c -n | awk '$1 == "TCP" { print $1, $4, $5, $6 }' |
		sort
}
# control: a flow before the daemons run is the master's alone (and,
# quiet since, never sent: sync sends the flows that saw packets)
lab_exec c curl -6 -s -m 3 --local-port 41000 -o /dev/null \
	"http://[$VIP6]/" || echo "# the control curl failed"
t_check "control: the master holds the flow, the backup none" \
	all grep -q "^TCP \[$CLIENT_IP6\]:41000 " <(flows d) --and \
	[ "$(flows d2 | grep -c .)" = 0 ]

# a message too short for one v6 entry would never carry a v6 flow
out=$(ha_uvsadm d --start-daemon master --mcast-interface eth0 \
	--sync-maxlen 79 2>&1); rc=$?
t_check "--sync-maxlen 79 (< 8 + 72) is refused (exit $rc: $out)" \
	all [ "$rc" != 0 ] --and grep -q "sync-maxlen 79 holds no IPv6 entry: at least 80" <<<"$out" \
	--and [ -z "$(ha_uvsadm d -L --daemon)" ]
ha_uvsadm d --start-daemon master --mcast-interface eth0 --syncid 9
ha_uvsadm d2 --start-daemon backup --mcast-interface eth0 --syncid 9

# v6 flows (the client's ports, so each flow can be matched), one v4
for i in $(seq 10); do
	lab_exec c curl -6 -s -m 3 --local-port "$((41100 + i))" \
		-o /dev/null "http://[$VIP6]/" || echo "# v6 curl $i failed"
done
lab_exec c curl -s -m 3 --local-port 42000 -o /dev/null "http://$VIP/" ||
	echo "# the v4 curl failed"
# the ten, and the v4 one (the control flow may have been sent too)
mine() { grep -E "^TCP (\[$CLIENT_IP6\]:411|$CLIENT_IP:42000 )"; }
flows d | mine >"$LAB_DIR/master"
sed 's/^/# master: /' "$LAB_DIR/master"
t_check "the master holds the 10 v6 flows" \
	[ "$(grep -c "^TCP \[$CLIENT_IP6\]:411" "$LAB_DIR/master")" = 10 ]
# the master walks every second and sends each flow in the walk after
# its packets (bounded: 10 s)
for k in $(seq 50); do
	flows d2 | mine >"$LAB_DIR/backup"
	[ "$(grep -c . "$LAB_DIR/backup")" -ge 11 ] && break
	sleep 0.2
done
sed 's/^/# backup: /' "$LAB_DIR/backup"
t_check "the backup lists the 10 v6 flows ($(grep -c "^TCP \[" "$LAB_DIR/backup"))" \
	[ "$(grep -c "^TCP \[$CLIENT_IP6\]:411" "$LAB_DIR/backup")" = 10 ]
t_check "each from the same client port to the same real server as on the master" \
	diff <(grep '^TCP \[' "$LAB_DIR/master") <(grep '^TCP \[' "$LAB_DIR/backup")
t_check "and the v4 flow beside them" \
	grep -q "^TCP $CLIENT_IP:42000 $VIP:80 " "$LAB_DIR/backup"
t_check "the backup's worker made them ($(ha_counter d2 sync_rx_new) new)" \
	[ "$(ha_counter d2 sync_rx_new)" -ge 11 ]
t_check "and refused none ($(ha_counter d2 sync_rx_refused))" \
	[ "$(ha_counter d2 sync_rx_refused)" = 0 ]

# at scale: 1 000 v6 UDP flows (20 v6 entries fill a 1472-byte
# message: 50 messages at least)
N=1000
lab_exec c timeout 60 python3 "$LAB_ROOT/tests/lab/udp_flows.py" \
	"$VIP6" 9000 "$N" || echo "# udp_flows.py did not send them all"
udp6() { ha_uvsadm "$1" -L -c -n | grep -c "^UDP .*\[$VIP6\]:9000"; }
for k in $(seq 50); do
	[ "$(udp6 d2)" -ge "$N" ] && break
	sleep 0.2
done
t_check "$N v6 UDP flows on the master ($(udp6 d)) are all on the backup ($(udp6 d2))" \
	all [ "$(udp6 d)" = "$N" ] --and [ "$(udp6 d2)" = "$N" ]
t_done
