#!/bin/bash
# uvsd --keepalived-conf reads an existing keepalived.conf's LVS half: a
# DR virtual_server with wlc, persistence, three real servers checked by
# TCP_CHECK, HTTP_GET and MISC_CHECK, a sorry server, a quorum and
# inhibit_on_failure loads as the table uvsadm -S shows; the vrrp_instance
# is skipped with a log line; curls work and the checks run. A file with
# lb_kind NAT, or a scheduler uvsd lacks, stops uvsd with FILE:LINE.
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
trap lab_down EXIT
lab_up 4
lab_start_all_rs || exit 1
R1=$(rs_ip 1) R2=$(rs_ip 2) R3=$(rs_ip 3) R4=$(rs_ip 4)
KC=$LAB_DIR/keepalived.conf

cat >"$KC" <<EOF
! Configuration File for keepalived
global_defs {
   notification_email {
     admin@example.com
   }
   router_id LVS_LAB
}

vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass 1111
    }
    virtual_ipaddress {
        $VIP
    }
}

virtual_server $VIP 80 {
    delay_loop 1
    lb_algo wlc
    lb_kind DR
    persistence_timeout 50
    protocol TCP
    quorum 2
    sorry_server $R4 80
    inhibit_on_failure

    real_server $R1 80 {
        weight 2
        TCP_CHECK {
            connect_port 80
            connect_timeout 1
            retry 1
            delay_before_retry 1
        }
    }
    real_server $R2 80 {
        weight 1
        HTTP_GET {
            url {
              path /
              status_code 200
            }
            connect_timeout 1
            nb_get_retry 1
        }
    }
    real_server $R3 80 {
        weight 1
        MISC_CHECK {
            misc_path "/usr/bin/curl -sf -o /dev/null http://$R3/"
            misc_timeout 1
        }
    }
}
EOF

lab_start_uvsd --keepalived-conf "$KC" || exit 1
t_check "uvsd logs what it loaded" \
	grep -q -- "--keepalived-conf $KC: 1 virtual servers, 3 real servers, 3 checks loaded" "$LAB_DIR/uvsd.log"
t_check "the vrrp_instance is skipped with one line" \
	grep -q "$KC:9: skipping 'vrrp_instance VI_1' block (VRRP is keepalived's; uvsd --follow-vip follows it)" "$LAB_DIR/uvsd.log"
t_check "global_defs too" grep -q "$KC:2: skipping 'global_defs' block" "$LAB_DIR/uvsd.log"

cat >"$LAB_DIR/want" <<EOF
-A -t $VIP:80 -s wlc -p 50 --sorry-server $R4 --quorum 2
-a -t $VIP:80 -r $R1:80 -g -w 2 --check tcp --check-port 80 --check-interval 1 --check-timeout 1 --check-retry 1 --rise 1 --fall 2 --on-fail inhibit
-a -t $VIP:80 -r $R2:80 -g -w 1 --check http --check-path / --check-status 200 --check-interval 1 --check-timeout 1 --check-retry 3 --rise 1 --fall 2 --on-fail inhibit
-a -t $VIP:80 -r $R3:80 -g -w 1 --check cmd --check-cmd '/usr/bin/curl -sf -o /dev/null http://$R3/' --check-interval 1 --check-timeout 1 --check-retry 1 --rise 1 --fall 1 --on-fail inhibit
EOF
uvsadm -S -n >"$LAB_DIR/saved"
t_check "uvsadm -S -n shows the expected table" cmp -s "$LAB_DIR/want" "$LAB_DIR/saved" ||
	diff "$LAB_DIR/want" "$LAB_DIR/saved"
uvsadm -L -n >"$LAB_DIR/list"
t_check "-L -n is ipvsadm's: wlc persistent 50, three Route servers" \
	all [ "$(grep -c 'Route' "$LAB_DIR/list")" = 3 ] --and grep -q "^TCP  $VIP:80 wlc persistent 50$" "$LAB_DIR/list"
lab_wait_resolved || exit 1

for n in $(seq 6); do lab_exec c curl -s -m 5 "http://$VIP/" || echo FAIL; done >"$LAB_DIR/answers"
t_check "curls work (6 answers, one server: persistence)" \
	[ "$(grep -c '^rs[123]$' "$LAB_DIR/answers")" = 6 -a "$(sort -u "$LAB_DIR/answers" | wc -l)" = 1 ]

# the three kinds of check run, and all pass
for n in $(seq 50); do
	[ "$(uvsadm -L -n --checks | grep -cE ' (tcp|http|cmd) +UP ')" = 3 ] &&
		[ "$(uvsadm -L -n --checks | awk '$5 ~ /^[0-9]+$/ && $5 > 1' | wc -l)" = 3 ] && break
	sleep 0.2
done
uvsadm -L -n --checks >"$LAB_DIR/checks"
t_check "tcp, http and cmd checks run and pass" \
	[ "$(grep -cE ' (tcp|http|cmd) +UP ' "$LAB_DIR/checks")" = 3 ]
t_check "--checks shows the quorum and the sorry server standing by" \
	grep -q "quorum 2 hysteresis 0 held (up weight 4) sorry $R4:80 standby" "$LAB_DIR/checks"
t_check "the HTTP_GET check's last result is the status" \
	grep -qE "^  -> $R2:80 +http +UP .* HTTP 200$" "$LAB_DIR/checks"

# a file uvs cannot do: lb_kind NAT names its line, uvsd does not start
kill "$LAB_UVSD_PID"; wait "$LAB_UVSD_PID" 2>/dev/null
sed 's/lb_kind DR/lb_kind NAT/' "$KC" >"$LAB_DIR/nat.conf"
lab_exec d timeout 5 "$B/uvsd" -i eth0 --socket "$LAB_DIR/nat.sock" \
	--keepalived-conf "$LAB_DIR/nat.conf" >"$LAB_DIR/nat.out" 2>&1; rc=$?
t_check "lb_kind NAT: uvsd exits non-zero (got $rc)" [ "$rc" != 0 -a "$rc" != 124 ]
t_check "and says FILE:LINE ($(tail -1 "$LAB_DIR/nat.out"))" \
	grep -q "$LAB_DIR/nat.conf:27: 'lb_kind NAT' is not supported by uvs (uvs does Direct Routing only" "$LAB_DIR/nat.out"
t_check "without a control socket left behind" [ ! -e "$LAB_DIR/nat.sock" ]

# a refusal only the director can tell names the virtual_server's line
sed 's/lb_algo wlc/lb_algo nosuch/' "$KC" >"$LAB_DIR/sched.conf"
lab_exec d timeout 5 "$B/uvsd" -i eth0 --socket "$LAB_DIR/sched.sock" \
	--keepalived-conf "$LAB_DIR/sched.conf" >"$LAB_DIR/sched.out" 2>&1; rc=$?
t_check "an unknown scheduler stops uvsd (got $rc) at the virtual_server's line" \
	grep -q "$LAB_DIR/sched.conf:24: Scheduler not found" "$LAB_DIR/sched.out"
t_done
