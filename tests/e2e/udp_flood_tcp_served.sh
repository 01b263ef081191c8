#!/bin/bash
# A flood of new UDP flows must not lock TCP out. trafgen sends one UDP
# datagram per flow to VIP:9000 from random sources in 198.19.0.0/16 and
# random ports, three times the table's size, bounded in count and time.
# The table fills and refuses the rest for as long as its UDP flows are
# fresh (a DNS answer may be on its way); once they have been quiet
# 2 s, new TCP connections to VIP:80 (held open together) and a new UDP
# client are served,
# each taking a flood flow's entry, counted in conns_reclaimed_udp. Before
# this, the flood's flows held the table for the whole 300 s UDP timeout.
#
# UDP_PPS (default 4000) bounds the flood: at most UDP_PPS x 4 s.
# run.sh: alone
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
command -v trafgen >/dev/null || { echo "SKIP: $(basename "$0") needs trafgen (netsniff-ng)"; exit 77; }
trap lab_down EXIT

CAP=2048
UDP_PPS=${UDP_PPS:-4000}
FLOOD_FRAMES=$((CAP * 3))
FLOOD_SECONDS=4
TCP_CLIENTS=20

lab_up 2
lab_start_all_rs || exit 1
LAB_UVSD_QUIET=1 lab_start_uvsd --conn-max "$CAP" || exit 1
lab_service rr || exit 1
uvsadm -A -u "$VIP:9000" -s rr
for i in 1 2; do uvsadm -a -u "$VIP:9000" -r "$(rs_ip "$i")" -g; done
lab_wait_resolved || exit 1

# UDP echo from a client of our own: prints "<rs> hello" or the error
udp_hello() {
	lab_exec c python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.connect((sys.argv[1], 9000))
s.send(b"hello")
print(s.recv(512).decode().strip())' "$VIP" 2>&1 | tail -1
}

# n TCP clients at once, each held open until all are answered, so each
# needs an entry of its own: prints how many got an HTTP answer
tcp_clients() {
	lab_exec c python3 -c '
import socket, sys
vip, n = sys.argv[1], int(sys.argv[2])
socks, ok = [], 0
for _ in range(n):
    s = socket.socket()
    s.settimeout(4)
    try:
        s.connect((vip, 80))
        socks.append(s)
    except OSError:
        s.close()
for s in socks:
    try:
        s.sendall(b"GET / HTTP/1.0\r\n\r\n")
        if s.recv(512).startswith(b"HTTP/"):
            ok += 1
    except OSError:
        pass
print(ok)
for s in socks:
    s.close()' "$VIP" "$1"
}

got=$(udp_hello)
t_check "before the flood a UDP client is served ($got)" grep -q '^rs[0-9] hello' <<<"$got"

# one datagram per frame, to the director's MAC, from 198.19.x.x:random;
# the real servers have no route there, so their echoes go nowhere
cat >"$LAB_DIR/udp.trafgen" <<EOT
{
  eth(da=$(lab_mac d), sa=$(lab_mac c)),
  ipv4(sa=198.19.0.0, sa[2:2]=drnd(), da=$VIP, ttl=64, id=drnd()),
  udp(sp=drnd(1024, 65535), dp=9000),
  "flood"
}
EOT
recl0=$(lab_counter conns_reclaimed_udp) full0=$(lab_counter drop_conn_full)
# the flood, bounded by time and count (--no-sock-mem, --notouch-irq:
# trafgen would tune the host's sysctls)
lab_exec c timeout "$FLOOD_SECONDS" trafgen -o eth0 -i "$LAB_DIR/udp.trafgen" \
	-P 1 --no-sock-mem --notouch-irq -b "${UDP_PPS}pps" -n "$FLOOD_FRAMES" \
	>"$LAB_DIR/trafgen" 2>&1
conns1=$(lab_counter conns) full1=$(lab_counter drop_conn_full)
recl1=$(lab_counter conns_reclaimed_udp)
sent=$(tr -d '\r' <"$LAB_DIR/trafgen" | awk '/packets outgoing/ { print $1; exit }')
echo "# flood: ${sent:-?} datagrams; table $conns1 of $CAP; refused for a full table $((full1 - full0)); UDP entries reclaimed $((recl1 - recl0))"

t_check "trafgen sent the flood (${sent:-none} datagrams)" [ "${sent:-0}" -gt "$((CAP * 2))" ]
t_check "the flood filled the table ($conns1 of $CAP)" [ "${conns1:-0}" = "$CAP" ]
t_check "fresh UDP flows held their entries: the full table refused flood flows ($((full1 - full0)))" \
	[ $((full1 - full0)) -gt 0 ]

# the flood's flows are quiet now; after 2 s they may give way
sleep 2.5
ok=$(tcp_clients "$TCP_CLIENTS")
echo=$(udp_hello)
recl2=$(lab_counter conns_reclaimed_udp) conns2=$(lab_counter conns)
echo "# after 2.5 s: $ok of $TCP_CLIENTS TCP clients served, UDP echo '$echo', UDP entries reclaimed $((recl2 - recl0)), table $conns2 of $CAP"

t_check "new TCP connections are served after the flood ($ok of $TCP_CLIENTS)" [ "$ok" = "$TCP_CLIENTS" ]
t_check "a new UDP client is served too ($echo)" grep -q '^rs[0-9] hello' <<<"$echo"
t_check "each took a quiet flood flow's entry (conns_reclaimed_udp +$((recl2 - recl1)))" \
	[ $((recl2 - recl1)) -ge $((TCP_CLIENTS + 1)) ]
t_check "the table stayed at its cap ($conns2 of $CAP)" [ "${conns2:-0}" -le "$CAP" ]
t_check "uvsd is still running" kill -0 "$LAB_UVSD_PID"
t_done
