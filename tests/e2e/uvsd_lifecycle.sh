#!/bin/bash
# uvsd's own rules: without its kernel guard (here blocked by a table of
# the guard's name made by hand) it refuses to start when the kernel would
# forward VIP traffic; with the guard a VIP on a kernel interface is fine
# (director_guard.sh proves the kernel stays quiet). It refuses a second
# instance on the same socket, keeps its socket root-only, and on SIGTERM
# exits cleanly leaving nothing behind.
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
trap lab_down EXIT
lab_up 1

guard=uvsd-$(lab_exec d cat /sys/class/net/eth0/ifindex)
lab_exec d nft add table netdev "$guard"
lab_exec d sysctl -qw net.ipv4.ip_forward=1
out=$(lab_exec d "$B/uvsd" -i eth0 --socket "$LAB_SOCK" 2>&1); rc=$?
t_check "with no guard and ip_forward=1 uvsd refuses to start (exit $rc)" [ "$rc" != 0 ]
t_check "and says why there is no guard" grep -q "no kernel guard (table netdev $guard" <<<"$out"
t_check "and names the setting and the fix" grep -q "ip_forward=0" <<<"$out"
t_check "and leaves no socket behind" [ ! -e "$LAB_SOCK" ]
lab_exec d sysctl -qw net.ipv4.ip_forward=0
lab_exec d nft delete table netdev "$guard"

out=$(lab_exec d "$B/uvsd" -i nosuch0 --socket "$LAB_SOCK" 2>&1); rc=$?
t_check "an unknown interface is refused in one line (exit $rc: $out)" \
	all [ "$rc" != 0 -a "$(wc -l <<<"$out")" = 1 ] --and grep -q "nosuch0" <<<"$out"
out=$(lab_exec d "$B/uvsd" --socket "$LAB_SOCK" 2>&1); rc=$?
t_check "a missing -i is refused (exit $rc)" [ "$rc" = 2 ]
out=$(lab_exec d "$B/uvsd" -i eth0 --conn-max 0 2>&1); rc=$?
t_check "--conn-max 0 is refused (exit $rc)" [ "$rc" = 2 ]

lab_start_uvsd || exit 1
t_check "the control socket is mode 0600" [ "$(stat -c %a "$LAB_SOCK")" = 600 ]
out=$(lab_exec d "$B/uvsd" -i eth0 --socket "$LAB_SOCK" 2>&1); rc=$?
t_check "a second uvsd on the same socket is refused (exit $rc)" all [ "$rc" != 0 ] --and grep -q "already" <<<"$out"
t_check "and the first one still answers" uvsadm -L -n

lab_exec d ip addr add "$VIP/32" dev eth0
out=$(uvsadm -A -t "$VIP:80" -s rr 2>&1); rc=$?
t_check "with the guard, a VIP on a kernel interface is accepted (exit $rc)" [ "$rc" = 0 ]
lab_exec d ip addr del "$VIP/32" dev eth0

kill -TERM "$LAB_UVSD_PID"
for n in $(seq 30); do kill -0 "$LAB_UVSD_PID" 2>/dev/null || break; sleep 0.1; done
wait "$LAB_UVSD_PID"; rc=$?
t_check "SIGTERM stops uvsd with exit 0 (got $rc)" [ "$rc" = 0 ]
t_check "and its socket is gone" [ ! -e "$LAB_SOCK" ]
t_check "and it logged why it stopped" grep -q "stopping" "$LAB_DIR/uvsd.log"
t_done
