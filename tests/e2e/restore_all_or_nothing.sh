#!/bin/bash
# A rules file is one transaction. When the real apply refuses a line
# only because of a step beside the table (here the director's: without
# a kernel guard, a VIP the director's kernel holds is refused), uvsadm -R
# names the line and the table is as it was: before the transaction
# model, the lines before it stayed applied while the reply said
# "nothing was changed". A good file of 1000 services x 10 real servers
# (11 000 lines) sets the filter and the guard once each.
. "$(dirname "$0")/../lab/lab.sh"
. "$(dirname "$0")/../lab/bigrules.sh"
LAB_UVSD_QUIET=1
lab_cluster 1
KVIP=198.18.0.30

# uvsd without its guard: a table of the guard's name is already there
kill "$LAB_UVSD_PID"; wait "$LAB_UVSD_PID" 2>/dev/null
guard=uvsd-$(lab_exec d cat /sys/class/net/eth0/ifindex)
lab_exec d nft add table netdev "$guard"
lab_exec d ip addr add "$KVIP/32" dev eth0
lab_start_uvsd || exit 1
t_check "uvsd runs without its guard ($(grep -o 'no kernel guard' "$LAB_DIR/uvsd.log"))" \
	grep -q 'no kernel guard' "$LAB_DIR/uvsd.log"
uvsadm -A -t "$VIP:8080" -s rr
uvsadm -S -n >"$LAB_DIR/before"

printf '%s\n' "-A -t $VIP:81 -s rr" "-a -t $VIP:81 -r $(rs_ip 1):81 -g" \
	"-A -t $KVIP:80 -s rr" >"$LAB_DIR/kvip"
uvsadm -R <"$LAB_DIR/kvip" 2>"$LAB_DIR/err1"; rc=$?
t_check "-R refused when line 3 asks for a VIP the kernel holds (rc $rc)" [ "$rc" != 0 ]
t_check "the error names line 3 ($(cat "$LAB_DIR/err1"))" \
	grep -q "line 3: VIP $KVIP is on kernel interface" "$LAB_DIR/err1"
t_check "and nothing was changed: lines 1-2 are not in -S" \
	same "$LAB_DIR/before" <(uvsadm -S -n)
t_check "uvsd still takes a request after the refusal" \
	uvsadm -a -t "$VIP:8080" -r "$(rs_ip 1):8080" -g
uvsadm -S -n >"$LAB_DIR/before2"
uvsadm -A -t "$KVIP:80" -s rr 2>"$LAB_DIR/err2"; rc=$?
t_check "one -A for that VIP is refused too (rc $rc: $(cat "$LAB_DIR/err2"))" [ "$rc" != 0 ]
t_check "and leaves the table as it was" same "$LAB_DIR/before2" <(uvsadm -S -n)

# back to a guarded uvsd
kill "$LAB_UVSD_PID"; wait "$LAB_UVSD_PID" 2>/dev/null
lab_exec d nft delete table netdev "$guard"
lab_exec d ip addr del "$KVIP/32" dev eth0
lab_start_uvsd || exit 1

# 11 000 lines: the filter and the guard are set once, not per line
bigrules 1000 10 >"$LAB_DIR/big"
f0=$(lab_counter filter_builds) g0=$(lab_counter guard_builds)
s=$(date +%s%N)
uvsadm -R <"$LAB_DIR/big"; rc=$?
e=$(date +%s%N)
echo "# 1000 services x 10 real servers loaded in $(( (e - s) / 1000000 )) ms"
t_check "-R of 11 000 lines exits 0 (rc $rc)" [ "$rc" = 0 ]
t_check "-S gives back the 11 000 lines" [ "$(uvsadm -S -n | wc -l)" = 11000 ]
f1=$(lab_counter filter_builds) g1=$(lab_counter guard_builds)
t_check "the filter was set once for the file ($f0 -> $f1)" [ "$((f1 - f0))" = 1 ]
if lab_exec d nft list tables | grep -q '^table netdev uvsd-'; then
	t_check "the guard was set once for the file ($g0 -> $g1)" [ "$((g1 - g0))" = 1 ]
else
	t_ok "# skip: no kernel guard in this lab"
fi
t_check "a second -R of the same file is refused whole (the services exist)" \
	not uvsadm -R <"$LAB_DIR/big"
t_check "the filter was not set for the refused file" \
	[ "$(lab_counter filter_builds)" = "$f1" ]
t_done
