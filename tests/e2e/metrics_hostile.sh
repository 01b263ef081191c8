#!/bin/bash
# uvsd --metrics against hostile scrapers: silent connections (slowloris),
# half requests, garbage, endless headers and floods of scrapes, while a
# client keeps fetching through the VIP. Forwarding never
# stalls (every request through the VIP is answered), every hostile
# connection gets a bounded answer (408, 400, 431, or 503 when the slots
# are full) and is closed, and a good scrape still works afterwards.
# run.sh: alone
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
trap lab_down EXIT
lab_up 2
lab_start_all_rs || exit 1
MPORT=9100
# bad --metrics: a malformed address stops uvsd before it opens anything
# (exit 2), one it cannot bind stops it at start (exit 1), both named,
# and neither leaves its socket or kernel guard behind
bad_uvsd() {
	lab_exec d "$B/uvsd" -i eth0 --socket "$LAB_DIR/bad.sock" \
		--metrics "$1" >"$LAB_DIR/bad.out" 2>&1
}
bad_uvsd "$DIR_IP"; rc=$?
t_check "--metrics $DIR_IP (no port) is refused, exit 2 (got $rc)" \
	all [ "$rc" = 2 ] --and grep -q "^uvsd: --metrics: '$DIR_IP' is not ADDR:PORT" "$LAB_DIR/bad.out"
bad_uvsd "198.18.0.99:$MPORT"; rc=$?
t_check "--metrics on an address not on the host fails at start, exit 1 (got $rc)" \
	all [ "$rc" = 1 ] --and grep -q "^uvsd: --metrics 198.18.0.99:$MPORT: Cannot assign requested address" "$LAB_DIR/bad.out"
t_check "and leaves no socket and no guard table behind" \
	all [ ! -e "$LAB_DIR/bad.sock" ] --and prints_nothing lab_exec d nft list tables
lab_start_uvsd --metrics "$DIR_IP:$MPORT" || exit 1
lab_service rr || exit 1
scrape() { lab_exec c curl -s -m 3 "http://$DIR_IP:$MPORT/metrics"; }
metric() { scrape | awk -v k="$1" '$1 == k { print $2 }'; }

fwd0=$(metric uvs_frames_forwarded_total)
# Three waves, each ending within 8 s whatever happens: (a) junk that
# fits the 8 slots, (b) silent connections and a flood of scrapes, more
# than the slots, while the half requests of (a) still hold theirs, (c)
# a second flood once the silent ones had their 408.
hostile() {
	local out=$1; shift
	lab_exec c python3 "$LAB_ROOT/tests/lab/metrics_hostile.py" "$DIR_IP" \
		"$MPORT" --deadline 8 "$@" >"$LAB_DIR/$out" 2>>"$LAB_DIR/hostile.err"
}
hostile a --garbage 3 --huge 2 --partial 2 &
wa=$!
sleep 0.5
hostile b --silent 10 --flood 20 &
wb=$!
( sleep 3.5; hostile c --flood 20 ) &
wc=$!
# meanwhile: 40 fetches through the VIP, 0.1 s apart, each given 2 s
ok=0
for n in $(seq 40); do
	lab_exec c curl -s -m 2 -o /dev/null "http://$VIP/" && ok=$((ok + 1))
	sleep 0.1
done
wait "$wa" "$wb" "$wc"
cat "$LAB_DIR/hostile.err"
for w in a b c; do
	awk -v w="$w" '{ n[$1 " " $2]++ } END { for (k in n) print "  " w ": " k ": " n[k] }' \
		"$LAB_DIR/$w" | sort
done
cat "$LAB_DIR/a" "$LAB_DIR/b" "$LAB_DIR/c" >"$LAB_DIR/hostile"
t_check "forwarding went on under attack: 40 of 40 fetches through the VIP ($ok)" \
	[ "$ok" = 40 ]
count() { awk -v k="$2" -v s="$3" '$1 == k && $2 ~ s' "$LAB_DIR/$1" | wc -l; }
t_check "every hostile connection was answered and closed (57 lines, no hang, no silent close)" \
	all [ "$(wc -l <"$LAB_DIR/hostile")" = 57 ] --and \
	not grep -qE ' (hang|none) ' "$LAB_DIR/hostile"
t_check "garbage got 400 ($(count a garbage '^400$') of 3)" \
	[ "$(count a garbage '^400$')" = 3 ]
t_check "endless headers got 431 ($(count a huge '^431$') of 2)" \
	[ "$(count a huge '^431$')" = 2 ]
t_check "half requests got 408 ($(count a partial '^408$') of 2)" \
	[ "$(count a partial '^408$')" = 2 ]
t_check "silent connections got 408, or 503 past the slots ($(count b silent '^(408|503)$') of 10)" \
	all [ "$(count b silent '^(408|503)$')" = 10 ] --and \
	[ "$(count b silent '^408$')" -ge 1 ]
t_check "the flood beside them got 200 or 503, some 503 ($(count b flood '^503$') of 20)" \
	all [ "$(count b flood '^(200|503)$')" = 20 ] --and \
	[ "$(count b flood '^503$')" -ge 1 ]
# 20 at once for 8 slots: some wait their turn as 503s, as in (b)
t_check "the slots were free again for the flood after them ($(count c flood '^200$') of 20 got 200)" \
	all [ "$(count c flood '^(200|503)$')" = 20 ] --and \
	[ "$(count c flood '^200$')" -ge 1 ]
# the request deadline is 2 s: nobody waits much past it (the script's
# own bound is 8 s; a stuck server would show here as "hang")
slow=$(awk '$3 > 4 { n++ } END { print n + 0 }' "$LAB_DIR/hostile")
t_check "no hostile connection was held past 4 s ($slow were)" \
	[ "$(wc -l <"$LAB_DIR/hostile")" = 57 -a "$slow" = 0 ]

# afterwards: a good scrape, its counters say what happened
scrape >"$LAB_DIR/after"
t_check "a good scrape works after the attack" \
	grep -q '^uvs_frames_forwarded_total ' "$LAB_DIR/after"
fwd1=$(awk '$1 == "uvs_frames_forwarded_total" { print $2 }' "$LAB_DIR/after")
t_check "frames forwarded rose during the attack ($fwd0 -> $fwd1)" \
	[ "$fwd1" -gt "$fwd0" ]
ans() { awk -v c="$1" '$1 == "uvs_metrics_answers_total{code=\"" c "\"}" { print $2 }' "$LAB_DIR/after"; }
t_check "answers counted: 408 $(ans 408), 400 $(ans 400), 431 $(ans 431), 503 $(ans 503)" \
	all [ "$(ans 408)" -ge 1 ] --and [ "$(ans 400)" -ge 1 ] --and \
	[ "$(ans 431)" -ge 1 ] --and [ "$(ans 503)" -ge 1 ]
t_check "uvsd is still running" kill -0 "$LAB_UVSD_PID"
t_check "its control socket still answers" uvsadm -L -n
t_done
