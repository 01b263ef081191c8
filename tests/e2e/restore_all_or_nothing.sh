#!/bin/bash
# A rules file is one transaction. When the real apply refuses a line
# only because of a side effect (here the capture filter: it cannot take
# the tenth VIP), uvsadm -R says which line and the table is as it was:
# before the transaction model, the lines before it stayed applied while
# the reply said "nothing was changed". A good file of 1000 services x 10
# real servers (11 000 lines) sets the filter and the guard once each.
. "$(dirname "$0")/../lab/lab.sh"
. "$(dirname "$0")/../lab/bigrules.sh"
LAB_UVSD_QUIET=1
lab_cluster 1

uvsadm -A -t "$VIP:8080" -s rr
uvsadm -S -n >"$LAB_DIR/before"

# 20 services over 10 VIPs, one dest each: the 10th VIP first appears in
# service 10, on line 19
bigrules 20 1 10 >"$LAB_DIR/tenvips"
uvsadm -R <"$LAB_DIR/tenvips" 2>"$LAB_DIR/err1"; rc=$?
t_check "-R refused when the filter cannot take the 10th VIP (rc $rc)" [ "$rc" != 0 ]
t_check "the error names line 19 ($(cat "$LAB_DIR/err1"))" \
	grep -q 'line 19: ' "$LAB_DIR/err1"
t_check "and nothing was changed: -S shows the table as before" \
	cmp -s "$LAB_DIR/before" <(uvsadm -S -n)
t_check "uvsd still takes a request after the refusal" \
	uvsadm -a -t "$VIP:8080" -r "$(rs_ip 1):8080" -g
lab_wait_resolved

# the same refusal for a single request: the 10th VIP alone
for i in $(seq 21 28); do uvsadm -A -t "198.18.0.$i:80" -s rr; done
uvsadm -S -n >"$LAB_DIR/before2"
uvsadm -A -t 198.18.0.29:80 -s rr 2>"$LAB_DIR/err2"; rc=$?
t_check "one -A the filter cannot take is refused (rc $rc: $(cat "$LAB_DIR/err2"))" [ "$rc" != 0 ]
t_check "and leaves the table as it was" cmp -s "$LAB_DIR/before2" <(uvsadm -S -n)
uvsadm -C

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
