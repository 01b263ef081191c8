#!/bin/bash
# Restart: uvsd killed with SIGKILL and started again with the rules
# uvsadm -S saved (--rules) serves new clients within 1 s. With mh
# (-b mh-port) and --sloppy-tcp, 6 open keep-alive connections carry on,
# each on the server it had, although the connection table was lost: the
# first packet uvsd sees of each is mid-stream, is scheduled anew, and
# consistent hashing picks the same server. The controls show why both
# are needed, as IPVS without its sync daemon would behave: without
# --sloppy-tcp the old connections hang (their packets are dropped as
# tcp_nosyn), and with rr the ones it moves are reset by their new server.
# run.sh: alone
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
trap lab_down EXIT

NCONN=6
BACK_MS=1000

now_ms() { date +%s%3N; }

# Opens NCONN connections to VIP:80 from fixed client ports, one request
# on each ("before I PORT SERVER"), says "ready", and once the go file
# exists sends a second request on each, in reverse order, and reads the
# answers within 2 s in all ("after I PORT SERVER|timeout|reset|...").
cat >"$LAB_DIR/conns.py" <<'EOT'
import os, socket, sys, time
vip, n, base, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
REQ = b"GET / HTTP/1.1\r\nHost: lab\r\n\r\n"

def answer(s):
    data = b""
    while True:
        if b"\r\n\r\n" in data:
            head, body = data.split(b"\r\n\r\n", 1)
            length = 0
            for line in head.split(b"\r\n")[1:]:
                k, _, v = line.partition(b":")
                if k.strip().lower() == b"content-length":
                    length = int(v)
            if len(body) >= length:
                return body.decode().strip()
        chunk = s.recv(4096)
        if not chunk:
            raise ConnectionError("closed")
        data += chunk

socks = []
for i in range(n):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", base + i))
    s.settimeout(3)
    s.connect((vip, 80))
    s.sendall(REQ)
    print("before", i, base + i, answer(s), flush=True)
    socks.append(s)
print("ready", flush=True)
for _ in range(600):
    if os.path.exists(go):
        break
    time.sleep(0.05)
for i in reversed(range(n)):
    try:
        socks[i].sendall(REQ)
    except OSError:
        pass
end = time.monotonic() + 2
for i in range(n):
    s = socks[i]
    s.settimeout(max(0.05, end - time.monotonic()))
    try:
        got = answer(s)
    except socket.timeout:
        got = "timeout"
    except ConnectionResetError:
        got = "reset"
    except OSError as e:
        got = type(e).__name__
    print("after", i, base + i, got, flush=True)
EOT

# uvsd with the test's flags, in the background (lab_start_uvsd waits for
# the socket file, which a SIGKILLed uvsd leaves behind)
start_uvsd() {
	# shellcheck disable=SC2086
	ip netns exec "$(lab_ns d)" "$B/uvsd" -i eth0 --socket "$LAB_SOCK" -v \
		${UVSD_ARGS:-} "$@" >>"$LAB_DIR/uvsd.log" 2>&1 &
	LAB_UVSD_PID=$!
	LAB_PIDS+=("$LAB_UVSD_PID")
}
# waits (5 s) until uvsd's control socket answers
wait_ctl() {
	for _ in $(seq 50); do
		uvsadm -L -n >/dev/null 2>&1 && return 0
		kill -0 "$LAB_UVSD_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "uvsd did not start:" >&2
	tail -5 "$LAB_DIR/uvsd.log" >&2
	return 1
}
stop_uvsd() {
	[ -n "${LAB_UVSD_PID:-}" ] || return 0
	kill "-$1" "$LAB_UVSD_PID" 2>/dev/null
	wait "$LAB_UVSD_PID" 2>/dev/null
}

# run NAME SCHED PORTBASE UVSD-FLAGS...: a fresh uvsd with one service,
# rules saved, NCONN connections opened, SIGKILL, restart with --rules;
# leaves $LAB_DIR/NAME.conns and sets BACK (ms to the first new answer)
run() {
	local name=$1 sched=$2 base=$3 i t0 client got=""
	shift 3
	stop_uvsd TERM
	start_uvsd "$@"
	wait_ctl || return 1
	uvsadm -C
	if [ "$sched" = mh ]; then
		uvsadm -A -t "$VIP:80" -s mh -b mh-port
	else
		uvsadm -A -t "$VIP:80" -s "$sched"
	fi
	for i in $(seq 1 "$LAB_NRS"); do
		uvsadm -a -t "$VIP:80" -r "$(rs_ip "$i"):80" -g
	done
	lab_wait_resolved || return 1
	uvsadm -S -n >"$LAB_DIR/$name.rules"
	rm -f "$LAB_DIR/$name.go"
	lab_bg c "$LAB_DIR/$name.conns" python3 "$LAB_DIR/conns.py" "$VIP" \
		"$NCONN" "$base" "$LAB_DIR/$name.go"
	client=${LAB_PIDS[-1]}
	for _ in $(seq 50); do
		grep -q '^ready' "$LAB_DIR/$name.conns" 2>/dev/null && break
		sleep 0.1
	done
	stop_uvsd KILL
	t0=$(now_ms)
	start_uvsd "$@" --rules "$LAB_DIR/$name.rules"
	# each try is a new connection: a SYN sent too early is lost, and
	# curl's 0.2 s is the resolution of the figure
	for _ in $(seq 40); do
		got=$(lab_exec c curl -s -m 0.2 "http://$VIP/") &&
			[ -n "$got" ] && break
		got=""
		sleep 0.05
	done
	BACK=$(($(now_ms) - t0))
	[ -n "$got" ] || BACK=999999
	touch "$LAB_DIR/$name.go"
	# the client ends within 2 s of go; its FINs still cross this uvsd
	for _ in $(seq 50); do
		kill -0 "$client" 2>/dev/null || break
		sleep 0.1
	done
	sleep 0.3
	awk '$1 == "before" { b[$2] = $4; p[$2] = $3 }
	    $1 == "after" { printf "# %s conn %d port %d: %s -> %s\n", n, $2, p[$2], b[$2], $4 }' \
		n="$name" "$LAB_DIR/$name.conns"
	return 0
}
# kept NAME: connections answered after the restart by the same server
kept() {
	awk '$1 == "before" { b[$2] = $4 } $1 == "after" && $4 == b[$2] { k++ }
	    END { print k + 0 }' "$LAB_DIR/$1.conns"
}
# after NAME WHAT: connections whose second request ended in WHAT
after() { awk -v w="$2" '$1 == "after" && $4 == w { k++ } END { print k + 0 }' "$LAB_DIR/$1.conns"; }
servers() { awk '$1 == "before" { print $4 }' "$LAB_DIR/$1.conns" | sort -u | wc -l; }

lab_up 3
lab_start_all_rs || exit 1

# mh with --sloppy-tcp: the issue's case
run mh mh 42000 --sloppy-tcp || exit 1
back_mh=$BACK
echo "# mh + --sloppy-tcp: service back ${back_mh} ms after the restart began"
t_check "the rules were saved with mh-port" \
	grep -q -- "-A -t $VIP:80 -s mh -b mh-port" "$LAB_DIR/mh.rules"
t_check "$NCONN connections were open before the kill, over $(servers mh) servers" \
	[ "$(awk '$1 == "before" && $4 ~ /^rs/' "$LAB_DIR/mh.conns" | wc -l)" = "$NCONN" -a "$(servers mh)" -ge 2 ]
t_check "after SIGKILL and --rules, a new client is served within $BACK_MS ms ($back_mh)" \
	[ "$back_mh" -le "$BACK_MS" ]
t_check "uvsd restarted with the saved table" \
	sh -c "ip netns exec $(lab_ns d) env UVS_SOCKET=$LAB_SOCK $B/uvsadm -S -n | cmp -s - '$LAB_DIR/mh.rules'"
t_check "mh: all $NCONN old connections continue on their servers ($(kept mh)/$NCONN)" \
	[ "$(kept mh)" = "$NCONN" ]
t_check "no mid-stream packet was dropped ($(lab_counter drop_tcp_nosyn) tcp_nosyn)" \
	[ "$(lab_counter drop_tcp_nosyn)" = 0 ]

# control: rr with --sloppy-tcp; rr does not place a flow again where it was
run rr rr 43000 --sloppy-tcp || exit 1
echo "# rr + --sloppy-tcp: service back ${BACK} ms after the restart began"
moved=$((NCONN - $(kept rr)))
t_check "rr: some old connections land elsewhere ($moved/$NCONN moved)" [ "$moved" -gt 0 ]
t_check "and each of those is reset by its new server ($(after rr reset) reset)" \
	[ "$(after rr reset)" = "$moved" ]

# control: mh without --sloppy-tcp, as IPVS without its sync daemon (last:
# its hung connections go on retransmitting after the client is gone)
run nosloppy mh 41000 || exit 1
echo "# mh without --sloppy-tcp: service back ${BACK} ms after the restart began"
t_check "without --sloppy-tcp no old connection is answered ($(after nosloppy timeout)/$NCONN hang)" \
	[ "$(after nosloppy timeout)" = "$NCONN" ]
t_check "their packets are counted as tcp_nosyn ($(lab_counter drop_tcp_nosyn))" \
	[ "$(lab_counter drop_tcp_nosyn)" -ge "$NCONN" ]

t_check "uvsd is still running" kill -0 "$LAB_UVSD_PID"
t_done
