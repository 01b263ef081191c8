#!/bin/bash
# sh and mh when health checks take a real server out, as IPVS under
# keepalived: 200 clients (198.18.1.1-200 on the client host), each
# mapped to one of 4 real servers, then rs2's HTTP server stops.
# - on-fail remove: keepalived deletes rs2 and ip_vs_sh/ip_vs_mh rebuild
#   without it: every client is served, rs2's clients move, and with mh
#   at most ~1/n of the others do (sh deals its buckets anew). rs2 back is
#   a re-add: first in the list, as ip_vs_add_dest puts it; re-adding it
#   by hand gives the same mapping.
# - on-fail inhibit: weight 0, the tables stay: without -b sh-fallback /
#   mh-fallback rs2's clients get no server (IPVS's is_unavailable()),
#   with it they walk on to others and no other client moves; rs2 back,
#   the first mapping returns.
# Each mapping must equal tests/lab/ipvs_hash.py's, a model of the
# kernel's ip_vs_sh.c and ip_vs_mh.c written apart from sched/.
# run.sh: alone
. "$(dirname "$0")/../lab/lab.sh"
lab_cluster 4
R1=$(rs_ip 1) R2=$(rs_ip 2) R3=$(rs_ip 3) R4=$(rs_ip 4)
NCLIENTS=200
CHK="--check http --check-interval 1 --check-timeout 1 --fall 2 --rise 1"

# the clients' addresses, on the client host; the real servers answer
# them on the link (DR: replies go straight back)
seq "$NCLIENTS" | sed 's/^/198.18.1./' >"$LAB_DIR/clients"
sed 's|.*|addr add &/24 dev eth0|' "$LAB_DIR/clients" >"$LAB_DIR/addrs"
lab_exec c ip -batch "$LAB_DIR/addrs"
for i in 1 2 3 4; do
	lab_exec "rs$i" ip route add 198.18.1.0/24 dev eth0
done

# One HTTP/1.0 GET to VIP:80 from each address of the file argv[2], all
# from source port argv[3] (each round its own port: no flow of an
# earlier round is met again), 32 at a time; a SYN that gets no answer
# is sent again by the kernel at 1 s and 3 s, so 4.5 s of silence is
# "no server". Prints "ADDR rsN", or "ADDR -" for no answer, "ADDR !"
# for any other failure.
cat >"$LAB_DIR/get.py" <<'EOT'
import socket, sys
from concurrent.futures import ThreadPoolExecutor
vip, port = sys.argv[1], int(sys.argv[3])
clients = [l.strip() for l in open(sys.argv[2]) if l.strip()]

def get(src):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(4.5)
    try:
        s.bind((src, port))
        s.connect((vip, 80))
        s.sendall(b"GET / HTTP/1.0\r\nHost: lab\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.split(b"\r\n\r\n", 1)[-1].decode().strip() or "!"
    except socket.timeout:
        return "-"
    except OSError:
        return "!"
    finally:
        s.close()

with ThreadPoolExecutor(32) as pool:
    for src, got in zip(clients, pool.map(get, clients)):
        print(src, got)
EOT

PORT=20000
# round NAME: every client once; $LAB_DIR/NAME holds "ADDR rsN|-|!"
round() {
	PORT=$((PORT + 1))
	lab_exec c python3 "$LAB_DIR/get.py" "$VIP" "$LAB_DIR/clients" \
		"$PORT" >"$LAB_DIR/$1"
}
# model NAME SCHED DEST...: IPVS's picks (ipvs_hash.py), as rsN or -
model() {
	local name=$1; shift
	python3 "$LAB_ROOT/tests/lab/ipvs_hash.py" "$@" <"$LAB_DIR/clients" |
		awk '$2 != "-" { split($2, a, "."); $2 = "rs" (a[4] - 10) } 1' \
		>"$LAB_DIR/$name"
}
# two rounds' mappings are the same (lab.sh's same: both read, not empty)
same_map() { same "$LAB_DIR/$1" "$LAB_DIR/$2"; }
served() { awk '$2 ~ /^rs/' "$LAB_DIR/$1" | wc -l; }
on() { awk -v r="$2" '$2 == r' "$LAB_DIR/$1" | wc -l; }
# moved A B [rs2|others]: clients whose server differs between rounds
# A and B, among all, those A had on rs2, or the others
moved() {
	paste -d' ' "$LAB_DIR/$1" "$LAB_DIR/$2" | awk -v w="${3:-all}" '
	    w == "rs2" && $2 != "rs2" { next }
	    w == "others" && $2 == "rs2" { next }
	    $2 != $4 { n++ } END { print n + 0 }'
}
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", b ? 100 * a / b : 0 }'; }
# the model and what uvsd did differ: show the first few
diffs() {
	paste -d' ' "$LAB_DIR/$1" "$LAB_DIR/$2" |
		awk '$2 != $4 { print "#   " $1 ": uvsd " $2 ", IPVS " $4 }' | head -5
}
t_model() {
	local desc=$1 got=$2 want=$3
	if same_map "$got" "$want"; then t_ok "$desc"; else t_fail "$desc"; diffs "$got" "$want"; fi
}

# service SCHED ON_FAIL: one service over rs1..rs4, added in that
# order, so IPVS's list reads rs4 rs3 rs2 rs1; all checked
service() {
	local sched=$1 onfail=$2 i
	uvsadm -C
	uvsadm -A -t "$VIP:80" -s "$sched"
	for i in 1 2 3 4; do
		# shellcheck disable=SC2086
		uvsadm -a -t "$VIP:80" -r "$(rs_ip "$i"):80" -g $CHK \
			--on-fail "$onfail"
	done
	lab_wait_resolved && lab_wait_check "$R1" UP && lab_wait_check "$R2" UP &&
		lab_wait_check "$R3" UP && lab_wait_check "$R4" UP
}
ALL=("$R4:80/1" "$R3:80/1" "$R2:80/1" "$R1:80/1")

for s in sh mh; do
	# ---- on-fail remove
	service "$s" remove || exit 1
	round "$s.r0"; model "$s.m0" "$s" "${ALL[@]}"
	t_check "$s: all $NCLIENTS clients served over 4 servers ($(on "$s.r0" rs1)/$(on "$s.r0" rs2)/$(on "$s.r0" rs3)/$(on "$s.r0" rs4))" \
		[ "$(served "$s.r0")" = "$NCLIENTS" ]
	t_model "$s: each on the server IPVS picks" "$s.r0" "$s.m0"
	n2=$(on "$s.r0" rs2) others=$((NCLIENTS - n2))

	lab_stop_httpd 2
	lab_wait_check "$R2" DOWN || exit 1
	round "$s.r1"; model "$s.m1" "$s" "$R4:80/1" "$R3:80/1" "$R1:80/1"
	mo=$(moved "$s.r0" "$s.r1" others)
	echo "# $s remove: rs2's $n2 clients moved $(moved "$s.r0" "$s.r1" rs2), others moved $mo/$others ($(pct "$mo" "$others"))"
	t_check "$s, rs2 removed by its check: all $NCLIENTS served ($(served "$s.r1")), none by rs2" \
		[ "$(served "$s.r1")" = "$NCLIENTS" -a "$(on "$s.r1" rs2)" = 0 ]
	t_model "$s: as IPVS without rs2 (list rs4 rs3 rs1)" "$s.r1" "$s.m1"
	if [ "$s" = mh ]; then
		t_check "mh: at most 1/4 of the others moved ($mo/$others)" \
			[ $((mo * 4)) -le "$others" ]
	fi

	lab_start_httpd 2
	lab_wait_check "$R2" UP || exit 1
	round "$s.r2"; model "$s.m2" "$s" "$R2:80/1" "$R4:80/1" "$R3:80/1" "$R1:80/1"
	echo "# $s remove: rs2 back: $(moved "$s.r0" "$s.r2") of $NCLIENTS on another server than at first, rs2 has $(on "$s.r2" rs2)"
	t_check "$s, rs2 back: all served, rs2 among them" \
		[ "$(served "$s.r2")" = "$NCLIENTS" -a "$(on "$s.r2" rs2)" -gt 0 ]
	t_model "$s: as IPVS after the re-add (list rs2 rs4 rs3 rs1)" "$s.r2" "$s.m2"
	uvsadm -d -t "$VIP:80" -r "$R2:80"
	# shellcheck disable=SC2086
	uvsadm -a -t "$VIP:80" -r "$R2:80" -g $CHK --on-fail remove
	lab_wait_resolved && lab_wait_check "$R2" UP || exit 1
	round "$s.r3"
	t_check "$s: -d and -a of rs2 by hand give the same mapping" same_map "$s.r3" "$s.r2"

	# ---- on-fail inhibit: first without the fallback flag
	service "$s" inhibit || exit 1
	round "$s.i0"
	t_check "$s inhibit: all served, as in the first round" same_map "$s.i0" "$s.r0"
	lab_stop_httpd 2
	lab_wait_check "$R2" INHIBITED || exit 1
	round "$s.i1"; model "$s.n1" "$s" "$R4:80/1" "$R3:80/1" "$R2:80/0/1" "$R1:80/1"
	echo "# $s inhibit, no fallback: $((NCLIENTS - $(served "$s.i1"))) unserved, others moved $(moved "$s.i0" "$s.i1" others)"
	t_check "$s inhibit without $s-fallback: rs2's $n2 clients get no server, as IPVS's" \
		[ "$((NCLIENTS - $(served "$s.i1")))" = "$n2" -a "$(on "$s.i1" -)" = "$n2" ]
	t_model "$s inhibit: the others stay where IPVS keeps them" "$s.i1" "$s.n1"
	uvsadm -E -t "$VIP:80" -s "$s" -b "$s-fallback"
	round "$s.f1"; model "$s.fm1" "$s" --fallback "$R4:80/1" "$R3:80/1" "$R2:80/0/1" "$R1:80/1"
	mo=$(moved "$s.i0" "$s.f1" others)
	echo "# $s inhibit + $s-fallback: rs2's $n2 clients moved $(moved "$s.i0" "$s.f1" rs2), others moved $mo/$others"
	t_check "$s inhibit with $s-fallback: all $NCLIENTS served ($(served "$s.f1")), no other client moved ($mo)" \
		[ "$(served "$s.f1")" = "$NCLIENTS" -a "$mo" = 0 -a "$(on "$s.f1" rs2)" = 0 ]
	t_model "$s inhibit: rs2's clients walk on as IPVS's fallback" "$s.f1" "$s.fm1"
	lab_start_httpd 2
	lab_wait_check "$R2" UP || exit 1
	round "$s.f2"
	t_check "$s inhibit, rs2 back: the first mapping returns" same_map "$s.f2" "$s.r0"
done

t_check "uvsd is still running" kill -0 "$LAB_UVSD_PID"
t_done
