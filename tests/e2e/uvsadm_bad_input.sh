#!/bin/bash
# uvsadm against a running uvsd: bad input prints one line naming the
# problem, exits non-zero and changes nothing (-L -n is unchanged).
. "$(dirname "$0")/../lab/lab.sh"
lab_cluster 2
lab_service rr || exit 1
uvsadm -L -n >"$LAB_DIR/ref"
# "table unchanged" below compares with this, so it must be a real listing
grep -q "^TCP  $VIP:80 rr" "$LAB_DIR/ref" || { t_fail "uvsadm -L -n lists the service"; exit 1; }

# bad: expected message regex, then the arguments
bad() {
	local re=$1 out rc; shift
	out=$(uvsadm "$@" 2>&1); rc=$?
	if [ "$rc" != 0 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -qE "$re" <<<"$out" &&
		same <(uvsadm -L -n) "$LAB_DIR/ref"; then
		t_ok "uvsadm $* -> exit $rc: $out"
	else
		t_fail "uvsadm $* -> exit $rc: $out (want /$re/, table unchanged)"
	fi
}
bad "Scheduler or persistence engine not found" -A -t "$VIP:81" -s nosuch
bad "illegal virtual server address" -A -t 300.1.2.3:80 -s rr
bad "Zero port specified for non-persistent service" -A -t "$VIP" -s rr
bad "Service already exists" -A -t "$VIP:80" -s rr
bad "Service not defined" -a -t "$VIP:8080" -r "$(rs_ip 1)" -g
bad "Destination already exists" -a -t "$VIP:80" -r "$(rs_ip 1)" -g
bad "No such destination" -d -t "$VIP:80" -r 198.18.0.99
bad "No such service" -D -t "$VIP:8080"
bad "illegal weight specified" -a -t "$VIP:80" -r 198.18.0.99 -w 70000
bad "illegal real server address" -a -t "$VIP:80" -r 1.2.3.400
bad "You need to supply the 'real-server' option" -a -t "$VIP:80"
# ipvsadm 1.31 (popt) reports a second command as an invalid option
bad "invalid option" -A -D -t "$VIP:80"
bad "not supported" -a -t "$VIP:80" -r 198.18.0.99 -m
# tunnel mode (-i) takes ipvsadm 1.31's --tun-* words, consistently
bad "Tunnel options conflict with forward method" -a -t "$VIP:80" -r 198.18.0.99 -g --tun-type gue
bad "illegal tunnel type" -a -t "$VIP:80" -r 198.18.0.99 -i --tun-type vxlan
bad "gue needs --tun-port" -a -t "$VIP:80" -r 198.18.0.99 -i --tun-type gue
bad "tun-port is for --tun-type gue only" -a -t "$VIP:80" -r 198.18.0.99 -i --tun-port 6080
bad "tun-remcsum is for --tun-type gue only" -a -t "$VIP:80" -r 198.18.0.99 -i --tun-type gre --tun-remcsum
bad "tun-csum is for --tun-type gue or gre" -a -t "$VIP:80" -r 198.18.0.99 -i --tun-csum
bad "only one of" -a -t "$VIP:80" -r 198.18.0.99 -i --tun-type gue --tun-port 1 --tun-csum --tun-nocsum
bad "illegal tunnel port|tunnel port" -a -t "$VIP:80" -r 198.18.0.99 -i --tun-type gue --tun-port 70000

out=$(LAB_SOCK=$LAB_DIR/nothing.sock uvsadm -L -n 2>&1); rc=$?
t_check "uvsd not reachable: exit $rc, one line: $out" [ "$rc" != 0 -a "$(wc -l <<<"$out")" = 1 ]
t_done
