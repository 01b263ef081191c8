#!/bin/bash
# SYN flood against a small table while keep-alive clients work: trafgen
# sends TCP SYNs to VIP:80 from random sources in 198.19.0.0/16 and random
# ports for a bounded time while wrk keeps 8 connections busy. The table
# stays at its cap and never over it, the flood's half-open entries are
# reclaimed for each other (counted), the established connections lose
# at most 1 % of their requests, uvsd's RSS does not grow (the table is
# allocated at start), and a fresh client is served afterwards.
#
# SYN_PPS (default 20000) bounds the flood on a busy two-core lab: trafgen
# -b sends that many SYNs a second (in a burst at full speed, then waits
# out the second), at most SYN_PPS x 6 in all; SYN_PPS=0 sends as fast as
# trafgen's TX ring can for the whole 6 s.
# run.sh: alone
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
command -v trafgen >/dev/null || { echo "SKIP: $(basename "$0") needs trafgen (netsniff-ng)"; exit 77; }
trap lab_down EXIT

CAP=4096
FLOOD_SECONDS=6
SYN_PPS=${SYN_PPS:-20000}
WRK_SECONDS=14		# warm-up 1.5 s, baseline 2.5 s, flood 6 s, after 4 s
RSS_SLACK_KB=1024
WARM_FRAMES=20000	# twice the default ring's 8192 slots

rss_kb() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$LAB_UVSD_PID/status"; }
requests_served() { cat "$LAB_DIR"/rs*.access.log | wc -l; }
now_ms() { date +%s%3N; }

lab_up 3
lab_start_all_rs || exit 1
LAB_UVSD_QUIET=1 lab_start_uvsd --conn-max "$CAP" || exit 1
lab_service rr || exit 1

# one SYN per frame, to the director's MAC, from 198.19.x.x:random (inside
# the lab's 198.18.0.0/15); the real servers have no route there, so their
# SYN-ACKs go nowhere
cat >"$LAB_DIR/syn.trafgen" <<EOT
{
  eth(da=$(lab_mac d), sa=$(lab_mac c)),
  ipv4(sa=198.19.0.0, sa[2:2]=drnd(), da=$VIP, ttl=64, id=drnd()),
  tcp(sp=drnd(1024, 65535), dp=80, seq=drnd(), syn, win=65535)
}
EOT
# trafgen -n: a bound on packets as well as on time
if [ "$SYN_PPS" -gt 0 ]; then
	rate_opt=(-b "${SYN_PPS}pps" -n $((SYN_PPS * FLOOD_SECONDS)))
	rate_desc="at most $SYN_PPS a second"
else
	rate_opt=(-n 1000000)
	rate_desc="at full speed"
fi

# Walk the whole packet ring once before RSS is first read: a slot's
# pages (and, in an ASan build, their shadow: 1/8 of the ring) become
# resident the first time a frame lands there, which at a lab's idle
# rate is never before the flood. Port 81 has no service, so these
# frames leave the table empty (counted as no_service).
sed 's/dp=80/dp=81/' "$LAB_DIR/syn.trafgen" >"$LAB_DIR/warm.trafgen"
lab_exec c timeout 5 trafgen -o eth0 -i "$LAB_DIR/warm.trafgen" -P 1 \
	--no-sock-mem --notouch-irq -b 20000pps -n "$WARM_FRAMES" \
	>"$LAB_DIR/trafgen.warm" 2>&1

lab_exec c wrk -t1 -c8 -d"${WRK_SECONDS}s" --timeout 3s "http://$VIP/" \
	>"$LAB_DIR/wrk" 2>&1 &
wrk_pid=$!
sleep 1.5
req0=$(requests_served) t0=$(now_ms)
sleep 2.5
req1=$(requests_served) t1=$(now_ms)
rss_before=$(rss_kb)
new0=$(lab_counter conns_new) recl0=$(lab_counter conns_reclaimed)

# the flood, pinned to one core, bounded by time and count
# (--no-sock-mem, --notouch-irq: trafgen would tune the host's sysctls)
lab_exec c timeout "$FLOOD_SECONDS" taskset -c "$(($(nproc) - 1))" \
	trafgen -o eth0 -i "$LAB_DIR/syn.trafgen" -P 1 --no-sock-mem \
	--notouch-irq "${rate_opt[@]}" >"$LAB_DIR/trafgen" 2>&1 &
flood_pid=$!
peak=0 over=0 polls=0
for _ in $(seq $((FLOOD_SECONDS * 2 + 4))); do
	kill -0 "$flood_pid" 2>/dev/null || break
	sleep 0.5
	c=$(lab_counter conns)
	[ -n "$c" ] || continue
	polls=$((polls + 1))
	[ "$c" -gt "$peak" ] && peak=$c
	[ "$c" -gt "$CAP" ] && over=$((over + 1))
done
wait "$flood_pid"
req2=$(requests_served) t2=$(now_ms)
sleep 0.5
rss_after=$(rss_kb)
new1=$(lab_counter conns_new) recl1=$(lab_counter conns_reclaimed)
echo "# frames the kernel could not queue for uvsd (rx_kernel_drops): $(lab_counter rx_kernel_drops)"
full=$(lab_counter drop_conn_full)
drops=$(uvsadm --counters | awk '$1 ~ /^drop_/ && $2 > 0 { printf " %s %s", $1, $2 }')
wait "$wrk_pid"
req3=$(requests_served) t3=$(now_ms)

# trafgen's summary lines start with a carriage return
sent=$(tr -d '\r' <"$LAB_DIR/trafgen" | awk '/packets outgoing/ { print $1; exit }')
reqs=$(awk '/requests in/ { print $1 }' "$LAB_DIR/wrk")
errs=$(awk '/Socket errors/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' "$LAB_DIR/wrk")
non2xx=$(awk '/Non-2xx/ { print $NF }' "$LAB_DIR/wrk")
errs=${errs:-0} non2xx=${non2xx:-0}
rate() { echo $(( ($2 - $1) * 1000 / ($4 - $3 > 0 ? $4 - $3 : 1) )); }
base_rate=$(rate "$req0" "$req1" "$t0" "$t1")
flood_rate=$(rate "$req1" "$req2" "$t1" "$t2")
after_rate=$(rate "$req2" "$req3" "$t2" "$t3")

sed 's/^/# /' "$LAB_DIR/wrk"
echo "# flood: ${sent:-?} SYNs sent in ${FLOOD_SECONDS} s ($rate_desc), $((new1 - new0)) new flows seen by uvsd"
echo "# table: cap $CAP, peak $peak over $polls polls, $((recl1 - recl0)) reclaimed, drop_conn_full ${full:-?}"
echo "# drop counters not at 0:${drops:- none}"
echo "# wrk: ${reqs:-?} requests, $errs socket errors, $non2xx non-2xx"
echo "# requests/s served: before $base_rate, during the flood $flood_rate, after $after_rate"
echo "# uvsd RSS: $rss_before kB before the flood, $rss_after kB after"

t_check "trafgen sent SYNs (${sent:-none})" [ "${sent:-0}" -gt "$((CAP * 4))" ]
t_check "the table never went over its cap of $CAP ($over of $polls polls over)" \
	[ "$polls" -gt 0 -a "$over" = 0 ]
t_check "the flood filled the table to >= 90 % (peak $peak)" \
	[ "$peak" -ge $((CAP * 9 / 10)) -a "$peak" -le "$CAP" ]
t_check "the flood is counted: $((recl1 - recl0)) half-open entries reclaimed" \
	[ $((recl1 - recl0)) -gt "$CAP" ]
t_check "every flood flow past the cap took a reclaimed entry ($((new1 - new0)) new, $((recl1 - recl0)) reclaimed)" \
	[ "${new1:-0}" -gt "${new0:-0}" -a $((new1 - new0 - (recl1 - recl0))) -le "$CAP" ]
t_check "no flow was refused for a full table (drop_conn_full ${full:-?})" [ "${full:-1}" = 0 ]
t_check "wrk completed requests through the flood (${reqs:-none})" [ "${reqs:-0}" -ge 100 ]
t_check "established flows kept >= 99 % of their requests ($errs errors in ${reqs:-0})" \
	[ "${reqs:-0}" -gt 0 -a $((errs * 100)) -le "${reqs:-0}" ]
t_check "no non-2xx answers ($non2xx)" [ -n "$reqs" -a "$non2xx" = 0 ]
t_check "uvsd's RSS did not grow ($rss_before -> $rss_after kB)" \
	[ "${rss_after:-999999999}" -le $((rss_before + RSS_SLACK_KB)) ]
got=""
for _ in 1 2 3; do
	got=$(lab_exec c curl -s -m 3 "http://$VIP/") && [ -n "$got" ] && break
done
t_check "a fresh connection after the flood is served ($got)" grep -qx 'rs[0-9]' <<<"$got"
t_check "uvsd is still running and answers its control socket" \
	sh -c "kill -0 $LAB_UVSD_PID && ip netns exec $(lab_ns d) env UVS_SOCKET=$LAB_SOCK $B/uvsadm -L -n | grep -q '$VIP:80'"
t_done
