#!/bin/bash
# uvsd --keepalived-conf with v6 virtual_server blocks, as keepalived
# writes them (bare address, port its own word), beside a v4 one in the
# same file: the table is the one uvsadm would make, and each checker
# reaches its v6 real server over IPv6: HTTP_GET passes, TCP_CHECK on a
# port nobody listens on fails (the negative), MISC_CHECK sees the v6
# address in UVS_RIP, PING_CHECK gets an ICMPv6 echo reply and fails for
# an address nobody holds. Only servers whose checks pass get clients.
# Needs the lab's v6 addressing (lab_v6_up).
# run.sh: alone
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
trap lab_down EXIT
lab_up 3
lab_v6_up
lab_start_all_rs6 || exit 1
R1=$(rs_ip6 1) R2=$(rs_ip6 2) R3=$(rs_ip6 3) NOBODY=$(rs_ip6 9)
KC=$LAB_DIR/keepalived.conf
checks_have() { uvsadm -L -n --checks | grep -qE "$1"; }
wait_checks() {
	local n
	for n in $(seq 60); do checks_have "$1" && return 0; sleep 0.1; done
	return 1
}
br() { printf '\\[%s\\]' "$1"; }

cat >"$KC" <<EOF
virtual_server $VIP6 80 {
    delay_loop 1
    lb_algo rr
    lb_kind DR
    protocol TCP
    real_server $R1 80 {
        HTTP_GET {
            url {
              path /
              status_code 200
            }
            connect_timeout 1
            retry 0
        }
    }
    real_server $R2 80 {
        TCP_CHECK {
            connect_port 81
            connect_timeout 1
            retry 0
        }
    }
    real_server $R3 80 {
        MISC_CHECK {
            misc_path "/bin/sh -c 'test \\"\$UVS_RIP\\" = $R3'"
            misc_timeout 2
        }
    }
}
virtual_server $VIP6 8080 {
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
virtual_server $VIP 80 {
    lb_kind DR
    real_server $(rs_ip 1) 80 {
    }
}
EOF

lab_start_uvsd --keepalived-conf "$KC" || exit 1
uvsadm -L -n >"$LAB_DIR/list"
sed 's/^/# /' "$LAB_DIR/list"
t_check "the v6 and v4 blocks became one table ([$VIP6]:80, [$VIP6]:8080, $VIP:80)" \
	all grep -qx "TCP  \[$VIP6\]:80 rr" "$LAB_DIR/list" \
	--and grep -qx "TCP  \[$VIP6\]:8080 wlc" "$LAB_DIR/list" \
	--and grep -qx "TCP  $VIP:80 wlc" "$LAB_DIR/list"
wait_checks "^  -> $(br "$R1"):80 +http +UP"
wait_checks "^  -> $(br "$R2"):80 +tcp +DOWN"
wait_checks "^  -> $(br "$R3"):80 +cmd +UP"
wait_checks "^  -> $(br "$R1"):8080 +ping +UP"
uvsadm -L -n --checks >"$LAB_DIR/checks"
sed 's/^/# /' "$LAB_DIR/checks"
t_check "HTTP_GET reaches [$R1]:80 over IPv6 and passes" \
	grep -qE "^  -> $(br "$R1"):80 +http +UP .*HTTP 200$" "$LAB_DIR/checks"
t_check "TCP_CHECK on a port nobody listens on fails ([$R2]:81 refused)" \
	grep -qE "^  -> $(br "$R2"):80 +tcp +DOWN .*refused" "$LAB_DIR/checks"
t_check "MISC_CHECK sees UVS_RIP=$R3 and passes" \
	grep -qE "^  -> $(br "$R3"):80 +cmd +UP .*exit 0$" "$LAB_DIR/checks"
t_check "PING_CHECK gets an ICMPv6 echo reply from [$R1]" \
	grep -qE "^  -> $(br "$R1"):8080 +ping +UP .*echo reply$" "$LAB_DIR/checks"
NOBODY_RE="^  -> $(br "$NOBODY"):8080 +ping +(DOWN|NO-NDP) +[0-9]+ +[0-9/]+ +0 +[1-9][0-9]* "
wait_checks "$NOBODY_RE"
t_check "and fails for an address nobody holds (no success, failures counted)" \
	checks_have "$NOBODY_RE"
for n in $(seq 12); do
	lab_exec c curl -6 -s -m 3 "http://[$VIP6]/" || echo FAIL
done >"$LAB_DIR/answers"
t_check "12 v6 curls answered by rs1 and rs3 only, 6 each ($(sort "$LAB_DIR/answers" | uniq -c | tr -s ' \n' ' '))" \
	[ "$(grep -cx rs1 "$LAB_DIR/answers")$(grep -cx rs3 "$LAB_DIR/answers")" = 66 ]
t_done
