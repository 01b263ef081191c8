#!/bin/bash
# keepalived's checkers as keepalived runs them, each against a real server
# in the lab, each also failing when its server is gone:
#   SSL_GET     an HTTPS server (python3 ssl) with a self-signed certificate
#               made by openssl here; the page's MD5 is the url's digest
#   first failure  a real server dead at start leaves at its first failed
#               check, though retry 3 and delay_before_retry 3 would give
#               a server that had once answered 9 s more (keepalived's
#               retry_it = retry before the first success)
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
command -v openssl >/dev/null || { echo "ok - SKIP no openssl (make deps installs it)"; exit 0; }
trap lab_down EXIT
lab_up 2
lab_start_all_rs || exit 1
R1=$(rs_ip 1) R2=$(rs_ip 2)
KC=$LAB_DIR/keepalived.conf
checks_have() { uvsadm -L -n --checks | grep -qE "$1"; }
# waits (bounded, 6 s) for a line of uvsadm -L -n --checks
wait_checks() {
	local n
	for n in $(seq 60); do checks_have "$1" && return 0; sleep 0.1; done
	return 1
}

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=$R1" \
	-keyout "$LAB_DIR/key.pem" -out "$LAB_DIR/cert.pem" 2>/dev/null
lab_bg rs1 "$LAB_DIR/https.err" python3 "$LAB_ROOT/tests/lab/check_servers.py" \
	https --port 443 --cert "$LAB_DIR/cert.pem" --key "$LAB_DIR/key.pem" \
	--name rs1 --log "$LAB_DIR/https.log"
HTTPS_PID=${LAB_PIDS[-1]}
lab_wait_port rs1 443 || exit 1
OK_MD5=$(printf 'ok\n' | md5sum | cut -d' ' -f1)

cat >"$KC" <<EOF
virtual_server $VIP 80 {
    delay_loop 1
    lb_algo rr
    lb_kind DR
    protocol TCP
    real_server $R1 80 {
        SSL_GET {
            url {
              path /health
              digest $OK_MD5
            }
            connect_port 443
            connect_timeout 1
            retry 1
            delay_before_retry 1
        }
    }
    real_server $R2 80 {
        TCP_CHECK {
            connect_port 81
            connect_timeout 1
            retry 3
            delay_before_retry 3
        }
    }
}
EOF

START=$(date +%s%N)
lab_start_uvsd --keepalived-conf "$KC" || exit 1
wait_checks "^  -> $R2:80 +tcp +DOWN"
GONE_MS=$(( ($(date +%s%N) - START) / 1000000 ))
t_check "a server dead at start is DOWN after its first failure (${GONE_MS} ms, retries would take 9 s)" \
	all checks_have "^  -> $R2:80 +tcp +DOWN" --and [ "$GONE_MS" -lt 4000 ]
t_check "the log says so" grep -q "rs $R2:80 of TCP $VIP:80 DOWN after 1 failure" "$LAB_DIR/uvsd.log"

wait_checks "^  -> $R1:80 +ssl +UP .* HTTP 200"
uvsadm -L -n --checks >"$LAB_DIR/checks"
t_check "SSL_GET passes against the HTTPS server" \
	grep -qE "^  -> $R1:80 +ssl +UP .* HTTP 200$" "$LAB_DIR/checks"
t_check "the HTTPS server saw the check's GET /health" grep -q " /health$" "$LAB_DIR/https.log"
lab_wait_resolved || exit 1
t_check "the VIP is served by the SSL-checked server" \
	[ "$(lab_exec c curl -s -m 5 "http://$VIP/")" = rs1 ]

# negative: the HTTPS server gone, the check fails and the server leaves
kill "$HTTPS_PID"
wait_checks "^  -> $R1:80 +ssl +DOWN"
t_check "SSL_GET fails once the HTTPS server is gone" \
	checks_have "^  -> $R1:80 +ssl +DOWN .*connect"
t_done
