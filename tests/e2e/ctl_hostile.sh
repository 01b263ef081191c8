#!/bin/bash
# The control socket against hostile clients. A non-root uvsadm is refused
# at both layers: by the socket's mode (connect gets EACCES, uvsadm exits
# 2 with ipvsadm's EPERM words) and, with the socket opened to anyone for
# a moment, by uvsd's SO_PEERCRED check ("Permission denied (you must be
# root)"). Malformed requests written raw (no newline, overlong, binary,
# NUL bytes, short or huge batches, unknown verbs, keys without '=', and
# every input kept in tests/fuzz/regressions/ctl_socket/) get an "error"
# line or a clean close; uvsd stays up and `uvsadm -S -n` is unchanged.
# A client that connects and says nothing holds uvsd for at most ~1 s:
# a curl through the VIP meanwhile still works.
# run.sh: alone
. "$(dirname "$0")/../lab/lab.sh"
lab_cluster 3
lab_service rr || exit 1
uvsadm -S -n >"$LAB_DIR/ref"
grep -q "^-A -t $VIP:80 " "$LAB_DIR/ref" || { t_fail "uvsadm -S -n saves the service"; exit 1; }

unchanged() { same <(uvsadm -S -n) "$LAB_DIR/ref"; }

# --- (a) non-root callers ---
nobody_group=$(id -gn nobody 2>/dev/null)
if [ -z "$nobody_group" ] || ! command -v setpriv >/dev/null; then
	t_skip "a non-root uvsadm is refused" "no user nobody or no setpriv here"
else
	# nobody needs to reach uvsadm and the socket's directory; the socket
	# itself keeps uvsd's mode 0600
	install -m 0755 "$B/uvsadm" "$LAB_DIR/uvsadm"
	chmod 0711 "$LAB_DIR"
	as_nobody() {
		setpriv --reuid=nobody --regid="$nobody_group" --clear-groups \
			env UVS_SOCKET="$1" "$LAB_DIR/uvsadm" "${@:2}"
	}
	mode=$(stat -c %a "$LAB_SOCK")
	t_check "uvsd's socket is mode 0600 (got $mode)" [ "$mode" = 600 ]
	for args in "-L -n" "-A -t $VIP:81 -s rr" "-C"; do
		# shellcheck disable=SC2086
		out=$(as_nobody "$LAB_SOCK" $args 2>&1); rc=$?
		want="uvsadm: cannot reach uvsd at $LAB_SOCK: Permission denied (you must be root)"
		ok=; [ "$rc" = 2 ] && [ "$out" = "$want" ] && ok=1
		t_check "nobody: uvsadm $args refused by the socket's mode, exit 2: $out" \
			[ -n "$ok" ]
	done
	t_check "nobody changed nothing (socket mode)" unchanged

	# the second layer: the same socket opened to anyone for a moment
	chmod 0666 "$LAB_SOCK"
	for args in "-L -n" "-A -t $VIP:81 -s rr" "-C" "-d -t $VIP:80 -r $(rs_ip 1)"; do
		# shellcheck disable=SC2086
		out=$(as_nobody "$LAB_SOCK" $args 2>&1); rc=$?
		# exit 2, as ipvsadm's failed ipvs_init() for a non-root user
		ok=; [ "$rc" = 2 ] &&
			[ "$out" = "Permission denied (you must be root)" ] && ok=1
		t_check "nobody: uvsadm $args refused by uvsd's peer check, exit $rc: $out" \
			[ -n "$ok" ]
	done
	# a raw batch from nobody, with a python3 nobody may run (not a shim
	# under /root)
	nobody_py=
	for p in /usr/bin/python3 /usr/local/bin/python3 "$(command -v python3)"; do
		if setpriv --reuid=nobody --regid="$nobody_group" --clear-groups \
			"$p" -c '' 2>/dev/null; then
			nobody_py=$p
			break
		fi
	done
	if [ -n "$nobody_py" ]; then
		out=$(setpriv --reuid=nobody --regid="$nobody_group" --clear-groups \
			"$nobody_py" - "$LAB_SOCK" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"batch n=1\nclear\n")
s.shutdown(socket.SHUT_WR)
print(s.recv(4096).decode(errors="replace").strip())
EOF
)
		t_check "nobody: a raw batch gets EPERM: $out" \
			[ "$out" = "error 1 Permission denied (you must be root)" ]
	else
		t_skip "nobody: a raw batch gets EPERM" "no python3 that nobody may run"
	fi
	t_check "nobody changed nothing (peer check)" unchanged
	chmod 0600 "$LAB_SOCK"
	chmod 0700 "$LAB_DIR"
fi

# --- (b) malformed requests, written raw ---
# send NAME FILE: writes FILE's bytes to the socket, half-closes, prints the
# reply's first line (or "<closed>") within 3 s.
send() {
	python3 - "$LAB_SOCK" "$2" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(3)
s.connect(sys.argv[1])
try:
    s.sendall(open(sys.argv[2], "rb").read())
    s.shutdown(socket.SHUT_WR)
    data = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
except (BrokenPipeError, ConnectionResetError):
    data = b""
except socket.timeout:
    print("<timeout>")
    sys.exit(0)
line = data.split(b"\n")[0].decode(errors="replace")
print(line if line else "<closed>")
EOF
}

mkdir -p "$LAB_DIR/bad"
# one key more than a request may hold, read from the header that sets it
maxkv=$(awk '/#define UVS_CTL_MAX_KV/ { print $3 }' "$LAB_ROOT/fwd/lang/ctlmsg.h")
python3 - "$LAB_DIR/bad" "${maxkv:?}" <<'EOF'
import os, sys
d = sys.argv[1]
maxkv = int(sys.argv[2])
cases = {
    "no-newline": b"list",
    "overlong-line": b"zero " + b"k=v " * 300 + b"\n",
    "overlong-no-newline": b"x" * 5000,
    "binary-garbage": bytes(range(1, 256)) * 4,
    "add-service-no-keys": b"add-service\n",
    "add-dest-no-keys": b"add-dest proto=tcp\n",
    "batch-short": b"batch n=5\nclear\nzero\n",
    "batch-huge": b"batch n=99999999\nclear\n",
    "batch-u32-wrap": b"batch n=4294967296\nclear\n",
    "batch-zero": b"batch n=0\n",
    "batch-bad-line": b"batch n=2\nclear\nadd-service proto\n",
    "unknown-verb": b"frobnicate\n",
    "key-without-eq": b"add-service proto=tcp vip 198.18.0.10\n",
    "empty-key": b"add-service =tcp\n",
    "too-many-keys": b"zero " + b" ".join(b"k%d=%d" % (i, i) for i in range(maxkv + 1)) + b"\n",
    "empty-line": b"\n",
    "blanks-only": b"   \t  \n",
    "crlf": b"add-service proto\r\n",
    "nul-first": b"\0\n",
    "nul-in-batch-line": b"batch n=1\ncl\0ear\n",
    "numbers-out-of-range": b"add-dest proto=tcp vip=198.18.0.10 vport=80 rip=198.18.0.11 rport=99999 weight=18446744073709551616\n",
    "bad-address": b"del-service proto=tcp vip=198.18.0.300 vport=80\n",
    "bad-proto": b"del-service proto=sctp vip=198.18.0.10 vport=80\n",
}
for name, data in cases.items():
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
EOF
regress=$LAB_ROOT/tests/fuzz/regressions/ctl_socket
[ -d "$regress" ] && cp "$regress"/* "$LAB_DIR/bad/" 2>/dev/null

for f in "$LAB_DIR"/bad/*; do
	name=$(basename "$f")
	reply=$(send "$name" "$f" 2>&1)
	case $reply in
	"error "* | "<closed>") ok=1 ;;
	*) ok= ;;
	esac
	kill -0 "$LAB_UVSD_PID" 2>/dev/null || ok=
	t_check "raw '$name': error reply or clean close ($reply), uvsd alive" \
		[ -n "$ok" ]
done
t_check "after the raw requests uvsd is alive" kill -0 "$LAB_UVSD_PID"
t_check "after the raw requests uvsadm -S -n is unchanged" unchanged

# --- (c) a client that connects and says nothing ---
python3 - "$LAB_SOCK" "$LAB_DIR/silent.up" >"$LAB_DIR/silent" 2>&1 <<'EOF' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
t = time.monotonic()
open(sys.argv[2], "w").close()
s.settimeout(5)
try:
    data = s.recv(4096)
except socket.timeout:
    data = b"<no answer in 5 s>"
print("%.2f %s" % (time.monotonic() - t, data.decode(errors="replace").strip()))
EOF
silent=$!
for n in $(seq 50); do [ -e "$LAB_DIR/silent.up" ] && break; sleep 0.05; done
start=$(date +%s%N)
answer=$(lab_exec c curl -s -m 3 "http://$VIP/")
ms=$((($(date +%s%N) - start) / 1000000))
wait "$silent"
t_check "curl through the VIP works while a silent client holds the socket ($answer in $ms ms)" \
	grep -qx 'rs[123]' <<<"$answer"
t_check "the silent client held uvsd at most ~1 s (curl took $ms ms)" \
	all grep -qx 'rs[123]' <<<"$answer" --and [ "$ms" -lt 1500 ]
read -r secs reply <"$LAB_DIR/silent"
ok=; awk -v s="$secs" 'BEGIN { exit !(s < 1.5) }' && [ "${reply%% *}" = error ] &&
	ok=1
t_check "the silent client was cut off after ${secs}s: $reply" [ -n "$ok" ]

# --- (d) a client that drips one byte every 0.3 s: the budget is per
# request, not per read, so it is cut off like the silent one ---
python3 - "$LAB_SOCK" >"$LAB_DIR/drip" 2>&1 <<'EOF' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
t = time.monotonic()
data = b"<not cut off>"
try:
    for ch in b"list proto=tcp vip=198.18.0.10 vport=80":
        s.send(bytes([ch]))
        time.sleep(0.3)
except OSError:
    data = b"closed"
try:
    data = s.recv(4096) or data
except OSError:
    pass
print("%.2f %s" % (time.monotonic() - t, data.decode(errors="replace").strip()))
EOF
drip=$!
sleep 0.1
start=$(date +%s%N)
answer=$(lab_exec c curl -s -m 5 "http://$VIP/")
ms=$((($(date +%s%N) - start) / 1000000))
wait "$drip"
read -r secs reply <"$LAB_DIR/drip"
t_check "a dripping client holds uvsd at most ~1 s too (curl $answer in $ms ms)" \
	all [ "$ms" -lt 1500 ] --and grep -qx 'rs[123]' <<<"$answer"
t_check "the dripping client was cut off with an error after ${secs}s ($reply)" \
	[ "${reply%% *}" = error ]
t_check "uvsd is still running" kill -0 "$LAB_UVSD_PID"
t_check "uvsadm -S -n is unchanged at the end" unchanged
t_done
