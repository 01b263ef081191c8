#!/bin/bash
# keepalived's checkers as keepalived runs them, each against a real server
# in the lab, each also failing when its server is gone:
#   SSL_GET     an HTTPS server (python3 ssl) with a self-signed certificate
#               made by openssl here; two urls (one page's MD5 is its
#               digest, the other's status in a list), and virtualhost as
#               the Host the server sees
#   SMTP_CHECK  a small SMTP responder (python3): 220, HELO, 250, QUIT
#   UDP_CHECK   require_reply against a UDP echo; an ICMP port unreachable
#               once the echo is gone
#   PING_CHECK  an ICMP echo to the real server; none from an address
#               nobody holds
#   first failure  a real server dead at start leaves at its first failed
#               check, though retry 3 and delay_before_retry 3 would give
#               a server that had once answered 9 s more (keepalived's
#               retry_it = retry before the first success)
# run.sh: alone
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
command -v openssl >/dev/null || { echo "ok - SKIP no openssl (make deps installs it)"; exit 0; }
trap lab_down EXIT
lab_up 3
lab_start_all_rs || exit 1
R1=$(rs_ip 1) R2=$(rs_ip 2) R3=$(rs_ip 3) NOBODY=$(rs_ip 9)
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
lab_bg rs2 "$LAB_DIR/smtp.err" python3 "$LAB_ROOT/tests/lab/check_servers.py" \
	smtp --port 25 --name rs2 --log "$LAB_DIR/smtp.log"
SMTP_PID=${LAB_PIDS[-1]}
lab_bg rs3 "$LAB_DIR/udp.err" python3 "$LAB_ROOT/tests/lab/udp_echo.py" \
	--name rs3 --bind 0.0.0.0 --port 9001
UDP_PID=${LAB_PIDS[-1]}
lab_wait_port rs2 25 || exit 1

cat >"$KC" <<EOF
virtual_server $VIP 80 {
    delay_loop 1
    lb_algo rr
    lb_kind DR
    protocol TCP
    real_server $R1 80 {
        SSL_GET {
            virtualhost lab.example
            url {
              path /health
              digest $OK_MD5
            }
            url {
              path /
              status_code 200-204 301
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
virtual_server $VIP 25 {
    delay_loop 1
    lb_kind DR
    real_server $R2 25 {
        SMTP_CHECK {
            helo_name lab.example
            connect_timeout 1
            retry 0
        }
    }
}
virtual_server $VIP 9000 {
    delay_loop 1
    lb_kind DR
    protocol UDP
    real_server $R3 9000 {
        UDP_CHECK {
            connect_port 9001
            require_reply
            connect_timeout 1
            retry 0
        }
    }
}
virtual_server $VIP 8080 {
    delay_loop 1
    lb_kind DR
    real_server $R1 8080 {
        PING_CHECK {
            connect_timeout 1
        }
    }
    real_server $NOBODY 8080 {
        PING_CHECK {
            connect_timeout 1
        }
    }
}
EOF

START=$(date +%s%N)
lab_start_uvsd --keepalived-conf "$KC" || exit 1
wait_checks "^  -> $R2:80 +tcp +DOWN"
# retries (3, 3 s apart) would keep it UP 9 s; 7 s leaves room for a busy host
GONE_MS=$(( ($(date +%s%N) - START) / 1000000 ))
t_check "a server dead at start is DOWN after its first failure (${GONE_MS} ms, retries would take 9 s)" \
	all checks_have "^  -> $R2:80 +tcp +DOWN" --and [ "$GONE_MS" -lt 7000 ]
t_check "the log says so" grep -q "rs $R2:80 of TCP $VIP:80 DOWN after 1 failure" "$LAB_DIR/uvsd.log"

wait_checks "^  -> $R1:80 +ssl +UP .* HTTP 200 on 2 urls"
uvsadm -L -n --checks >"$LAB_DIR/checks"
t_check "SSL_GET passes against the HTTPS server, both urls" \
	grep -qE "^  -> $R1:80 +ssl +UP .* HTTP 200 on 2 urls$" "$LAB_DIR/checks"
t_check "the HTTPS server saw GET /health and GET / with Host lab.example" \
	all grep -q "^lab.example /health$" "$LAB_DIR/https.log" --and grep -q "^lab.example /$" "$LAB_DIR/https.log"
# (no lab_wait_resolved: the PING_CHECK's $NOBODY never resolves)
for n in $(seq 30); do
	[ "$(lab_exec c curl -s -m 1 "http://$VIP/")" = rs1 ] && break
	sleep 0.2
done
t_check "the VIP is served by the SSL-checked server" \
	[ "$(lab_exec c curl -s -m 5 "http://$VIP/")" = rs1 ]

# negative: the HTTPS server gone, the check fails and the server leaves
kill "$HTTPS_PID"
wait_checks "^  -> $R1:80 +ssl +DOWN"
t_check "SSL_GET fails once the HTTPS server is gone" \
	checks_have "^  -> $R1:80 +ssl +DOWN .*connect"

wait_checks "^  -> $R2:25 +smtp +UP .*SMTP 250 to HELO"
t_check "SMTP_CHECK passes against the SMTP responder" \
	checks_have "^  -> $R2:25 +smtp +UP .*SMTP 250 to HELO"
t_check "it said HELO with keepalived.conf's helo_name, then QUIT" \
	all grep -q "^HELO lab.example$" "$LAB_DIR/smtp.log" --and grep -q "^QUIT$" "$LAB_DIR/smtp.log"
wait_checks "^  -> $R3:9000 +udp +UP .*UDP answer"
t_check "UDP_CHECK with require_reply passes against a UDP echo" \
	checks_have "^  -> $R3:9000 +udp +UP .*UDP answer"
wait_checks "^  -> $R1:8080 +ping +UP .*echo reply"
t_check "PING_CHECK passes against a real server" \
	checks_have "^  -> $R1:8080 +ping +UP .*echo reply"
# nobody answers its ARP either: -L --checks may say NO-ARP rather than
# DOWN; either way its check never passed and failed at least once
NOBODY_RE="^  -> $NOBODY:8080 +ping +(DOWN|NO-ARP) +[0-9]+ +[0-9/]+ +0 +[1-9][0-9]* "
wait_checks "$NOBODY_RE"
t_check "and fails for an address nobody holds (no success, failures counted)" \
	checks_have "$NOBODY_RE"

# negatives: the servers gone, each check fails
kill "$SMTP_PID" "$UDP_PID"
wait_checks "^  -> $R2:25 +smtp +DOWN"
t_check "SMTP_CHECK fails once the responder is gone" \
	checks_have "^  -> $R2:25 +smtp +DOWN .*refused"
wait_checks "^  -> $R3:9000 +udp +DOWN"
t_check "UDP_CHECK fails on the ICMP port unreachable once the echo is gone" \
	checks_have "^  -> $R3:9000 +udp +DOWN .*ICMP port unreachable"
uvsadm -L -n --checks >"$LAB_DIR/checks.end"
t_done
