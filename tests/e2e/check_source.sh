#!/bin/bash
# --check-source, once per family: the director holds a second address
# of each family, uvsd is told to check from those, and rs1's access log
# shows HTTP checks of a v4 and a v6 service arriving from them and none
# from the director's first addresses (where checks leave by default, as
# v6_health.sh and health_checks.sh see). Bad values are refused: not an
# address, the unspecified one, a second one of a family.
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
trap lab_down EXIT
lab_up 1
lab_v6_up
lab_start_rs6 1 || exit 1
lab_wait_port rs1 80 || exit 1
SRC4=198.18.0.3 SRC6=2001:db8::3
lab_exec d ip addr add "$SRC4/24" dev eth0
lab_exec d ip -6 addr add "$SRC6/64" dev eth0 nodad

for bad in "nowhere" "::" "0.0.0.0" "$SRC4 --check-source 198.18.0.4"; do
	# shellcheck disable=SC2086
	out=$(lab_exec d "$B/uvsd" -i eth0 --socket "$LAB_SOCK" \
		--check-source $bad 2>&1); rc=$?
	t_check "--check-source $bad is refused in one line (exit $rc: $out)" \
		all [ "$rc" = 2 -a "$(wc -l <<<"$out")" = 1 ] --and \
		grep -q "^uvsd: --check-source: " <<<"$out"
done

lab_start_uvsd --check-source "$SRC6" --check-source "$SRC4" || exit 1
CHK="--check http --check-interval 1 --check-timeout 0.5 --fall 2 --rise 1"
uvsadm -A -t "$VIP:80" -s rr
# shellcheck disable=SC2086
uvsadm -a -t "$VIP:80" -r "$(rs_ip 1):80" -g $CHK
uvsadm -A -t "[$VIP6]:80" -s rr
# shellcheck disable=SC2086
uvsadm -a -t "[$VIP6]:80" -r "[$(rs_ip6 1)]:80" -g $CHK
lab_wait_resolved || exit 1
lab_wait_check "$(rs_ip 1)" UP || exit 1
lab_wait_check "\\[$(rs_ip6 1)\\]" UP || exit 1
log=$LAB_DIR/rs1.access.log
sed 's/^/# /' "$log" | sort | uniq -c | head -5
t_check "v4 checks came from $SRC4" grep -q "^$SRC4 GET /$" "$log"
t_check "v6 checks came from $SRC6" grep -q "^$SRC6 GET /$" "$log"
t_absent "none from the director's first v4 address" "^$DIR_IP " "$log"
t_absent "none from its first v6 address" "^$DIR_IP6 " "$log"
t_done
