#!/bin/bash
# --check-source, once per family. The director holds a second address
# of each family. First without the option: which address of each
# family the checks leave from (the interface's own pick), read in the
# real server's access log. Then uvsd is told the other one of each:
# HTTP checks of a v4 and a v6 service arrive from those, and none from
# the addresses picked before. Bad values are refused: not an address,
# the unspecified one, a second one of a family.
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

CHK="--check http --check-interval 1 --check-timeout 0.5 --fall 2 --rise 1"
log=$LAB_DIR/rs1.access.log
# checked ARGS...: uvsd with ARGS, a v4 and a v6 service with an HTTP
# check on rs1, until both are UP; the access log holds only its checks
checked() {
	: >"$log"
	lab_start_uvsd "$@" || exit 1
	uvsadm -A -t "$VIP:80" -s rr
	# shellcheck disable=SC2086
	uvsadm -a -t "$VIP:80" -r "$(rs_ip 1):80" -g $CHK
	uvsadm -A -t "[$VIP6]:80" -s rr
	# shellcheck disable=SC2086
	uvsadm -a -t "[$VIP6]:80" -r "[$(rs_ip6 1)]:80" -g $CHK
	lab_wait_resolved || exit 1
	lab_wait_check "$(rs_ip 1)" UP || exit 1
	lab_wait_check "\\[$(rs_ip6 1)\\]" UP || exit 1
	sed 's/^/# /' "$log" | sort | uniq -c | head -5
}
# the first source of each family in the access log
first_from() { grep -m1 "$1" "$log" | awk '{ print $1 }'; }

checked
DEF4=$(first_from '^[0-9.]* GET /$') DEF6=$(first_from '^[0-9a-f:]*:[0-9a-f:]* GET /$')
t_check "without the option, checks leave from the director's own ($DEF4, $DEF6)" \
	all [ "$DEF4" = "$DIR_IP" -o "$DEF4" = "$SRC4" ] --and \
	[ "$DEF6" = "$DIR_IP6" -o "$DEF6" = "$SRC6" ]
kill "$LAB_UVSD_PID"
wait "$LAB_UVSD_PID"
rm -f "$LAB_SOCK"
# the other address of each family
[ "$DEF4" = "$SRC4" ] && SRC4=$DIR_IP
[ "$DEF6" = "$SRC6" ] && SRC6=$DIR_IP6

checked --check-source "$SRC6" --check-source "$SRC4"
t_check "v4 checks came from $SRC4" grep -q "^$SRC4 GET /$" "$log"
t_check "v6 checks came from $SRC6" grep -q "^$SRC6 GET /$" "$log"
t_absent "none from $DEF4, the address picked without it" "^$DEF4 " "$log"
t_absent "none from $DEF6, picked alike" "^$DEF6 " "$log"
t_done
