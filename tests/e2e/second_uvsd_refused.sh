#!/bin/bash
# A second uvsd on the interface a first one directs (another --socket)
# must not start: both would capture and forward every frame, and each
# SYN would reach a real server twice. It exits non-zero with one line
# naming the first one's pid. Positive controls: a second uvsd on another
# interface of the same namespace starts, and after the first is killed
# (SIGKILL, nothing cleaned up) a new one takes the interface at once.
# With the first alone, each curl's SYN reaches the real servers once
# (counted by an nft rule on each real server).
. "$(dirname "$0")/../lab/lab.sh"
lab_cluster 2
lab_service rr || exit 1
SOCK2=$LAB_DIR/second.sock

# SYNs to the VIP arriving at each real server
for i in 1 2; do
	lab_exec "rs$i" nft -f - <<-EOT
	table netdev syns {
		chain in {
			type filter hook ingress device eth0 priority 0;
			ip daddr $VIP tcp flags & (syn | ack) == syn counter
		}
	}
	EOT
done
syns() {
	local i n=0 c
	for i in 1 2; do
		c=$(lab_exec "rs$i" nft list table netdev syns |
			sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
		n=$((n + c))
	done
	echo "$n"
}

ip netns exec "$(lab_ns d)" "$B/uvsd" -i eth0 --socket "$SOCK2" \
	>"$LAB_DIR/second.out" 2>&1 &
SECOND=$!
LAB_PIDS+=("$SECOND")
for n in $(seq 30); do kill -0 "$SECOND" 2>/dev/null || break; sleep 0.1; done
# while it would run, if it does, with the same table: every SYN twice
if [ -S "$SOCK2" ]; then
	uvsadm -S -n | lab_exec d env UVS_SOCKET="$SOCK2" "$B/uvsadm" -R
	sleep 2
fi
before=$(syns)
for n in $(seq 10); do lab_exec c curl -s -m 3 -o /dev/null "http://$VIP/"; done
got=$(($(syns) - before))
kill "$SECOND" 2>/dev/null
wait "$SECOND"
rc=$?
sed 's/^/# /' "$LAB_DIR/second.out"
t_check "a second uvsd on eth0 exits at once, non-zero (got $rc; 143: it ran until killed)" \
	all [ "$rc" != 0 ] --and [ "$rc" != 143 ]
t_check "with one line naming the first one's pid $LAB_UVSD_PID" \
	all [ "$(wc -l <"$LAB_DIR/second.out")" = 1 ] \
	--and grep -q "another uvsd (pid $LAB_UVSD_PID) already directs eth0" "$LAB_DIR/second.out"
t_check "it left no control socket" not test -e "$SOCK2"
t_check "10 curls, 10 SYNs at the real servers, not 20 ($got)" [ "$got" = 10 ]

# another interface of the same namespace is free to take
lab_exec d ip link add v0 type veth peer name v1
lab_exec d ip link set v0 up
lab_exec d ip link set v1 up
ip netns exec "$(lab_ns d)" "$B/uvsd" -i v0 --socket "$SOCK2" \
	>"$LAB_DIR/v0.out" 2>&1 &
V0_PID=$!
LAB_PIDS+=("$V0_PID")
for n in $(seq 50); do [ -S "$SOCK2" ] && break; sleep 0.1; done
t_check "a uvsd on another interface (v0) of the namespace starts" \
	all test -S "$SOCK2" --and kill -0 "$V0_PID"
kill "$V0_PID"; wait "$V0_PID" 2>/dev/null

# a killed uvsd leaves no claim behind
kill -KILL "$LAB_UVSD_PID"; wait "$LAB_UVSD_PID" 2>/dev/null
rm -f "$LAB_SOCK"
lab_start_uvsd
t_check "after SIGKILL of the first, a new uvsd takes eth0 at once" \
	kill -0 "$LAB_UVSD_PID"
t_done
