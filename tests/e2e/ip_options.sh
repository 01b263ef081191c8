#!/bin/bash
# IP options: a client whose every packet carries IP options (record
# route, set with IP_OPTIONS) connects to the VIP and gets its answers,
# as through IPVS, which reads the header length and forwards the packet
# as it came. Each request went to a real server and the options reached
# it (counted on the real server by an nft rule matching ip hdrlength 7).
# Negative control: a SYN whose option claims more bytes than the header
# has is dropped as ip_options and creates no flow.
. "$(dirname "$0")/../lab/lab.sh"
lab_cluster 3
lab_service rr || exit 1
N=6

counter_delta() {
	local b a
	b=$(awk -v k="$1" '$1 == k { print $2 }' "$LAB_DIR/before")
	a=$(awk -v k="$1" '$1 == k { print $2 }' "$LAB_DIR/after")
	echo $(( ${a:-0} - ${b:-0} ))
}
# Each real server counts the SYNs with a 28-byte header that reach it.
for i in 1 2 3; do
	lab_exec "rs$i" nft -f - <<EOT
table ip uvs_optcount {
	chain in {
		type filter hook input priority 0;
		ip hdrlength 7 tcp flags & (syn | ack) == syn counter
	}
}
EOT
done
synopt() {
	lab_exec "rs$1" nft list table ip uvs_optcount |
		sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
}

uvsadm --counters >"$LAB_DIR/before"
lab_exec c timeout 30 python3 - "$VIP" "$N" >"$LAB_DIR/opt" 2>&1 <<'EOT'
import socket, sys
# record route (RFC 791): type 7, length 7, pointer 4, one empty slot; EOL
RR = bytes([7, 7, 4, 0, 0, 0, 0, 0])
ok = 0
for n in range(int(sys.argv[2])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, RR)
    s.settimeout(3)
    try:
        s.connect((sys.argv[1], 80))
        s.sendall(b"GET / HTTP/1.0\r\nHost: vip\r\n\r\n")
        data = b""
        while True:
            b = s.recv(4096)
            if not b:
                break
            data += b
        body = data.partition(b"\r\n\r\n")[2].decode().strip()
        print("answer", body)
        ok += 1
    except OSError as e:
        print("lost", e)
    s.close()
print("answered %d of %s" % (ok, sys.argv[2]))
EOT
uvsadm --counters >"$LAB_DIR/after"
t_check "$N connections with IP options all answered ($(tail -1 "$LAB_DIR/opt"))" \
	grep -qx "answered $N of $N" "$LAB_DIR/opt"
t_check "none was dropped as ip_options ($(counter_delta drop_ip_options))" \
	[ "$(counter_delta drop_ip_options)" = 0 ]
t_check "spread over the 3 real servers, as rr does" \
	[ "$(awk '$1 == "answer" {print $2}' "$LAB_DIR/opt" | sort -u | wc -l)" = 3 ]
total=0
for i in 1 2 3; do total=$((total + $(synopt "$i"))); done
t_check "the SYNs reached the real servers with their options ($total of $N)" \
	[ "$total" = "$N" ]

# Negative control: an option longer than the header, from a raw socket.
uvsadm --counters >"$LAB_DIR/before"
lab_exec c python3 - "$CLIENT_IP" "$VIP" <<'EOT'
import socket, struct, sys
def csum(d):
    s = sum(struct.unpack("!%dH" % (len(d) // 2), d))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
src, dst = socket.inet_aton(sys.argv[1]), socket.inet_aton(sys.argv[2])
tcp = struct.pack("!HHIIBBHHH", 43210, 80, 1, 0, 5 << 4, 2, 65535, 0, 0)
ph = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
tcp = tcp[:16] + struct.pack("!H", csum(ph + tcp)) + tcp[18:]
ip = struct.pack("!BBHHHBBH4s4s", 0x46, 0, 44, 7, 0, 64, 6, 0, src, dst)
ip += bytes([1, 1, 148, 8])     # NOP NOP, router alert claiming 8 bytes
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.sendto(ip + tcp, (sys.argv[2], 0))
EOT
sleep 0.3
uvsadm --counters >"$LAB_DIR/after"
t_check "control: a cut-short option is dropped as ip_options (+$(counter_delta drop_ip_options))" \
	[ "$(counter_delta drop_ip_options)" = 1 ]
t_check "control: it made no flow (conns_new +$(counter_delta conns_new))" \
	[ "$(counter_delta conns_new)" = 0 ]
t_done
