#!/bin/bash
# Real end-to-end tests fail when what they check is broken. Each run
# below is a test with one thing replaced through the lab's own seams,
# and must fail, by the check that reads that thing:
#   del_dest_stops_new.sh with uvsadm replaced by `false` ($LAB_UVSADM);
#   the same with only `uvsadm -L` failing: its "does not list rs3" check
#     (a t_absent on the listing) must say "not ok";
#   arp_only_director.sh with an arping on PATH that runs but never
#     sends: "uvsd does not answer for an address that is no VIP" (a
#     check that expects no reply) must say "not ok".
# tests/e2e/checks_can_fail.sh does this to the helpers alone, unprivileged.
# It tests the tests, not the build: once per suite.
# run.sh: once per suite
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
trap 'rm -rf "$LAB_DIR"' EXIT
export B

# mutant NAME SCRIPT [VAR=VALUE...]: runs tests/e2e/SCRIPT.sh with the
# variables set; its output in $LAB_DIR/NAME.out, its exit status in RC.
mutant() {
	local name=$1 script=$2
	shift 2
	env "$@" timeout 300 bash "$LAB_ROOT/tests/e2e/$script.sh" \
		>"$LAB_DIR/$name.out" 2>&1
	RC=$?
	sed 's/^/#   /' "$LAB_DIR/$name.out" | grep -E '^#   (not )?ok - ' | head -12
}
# said NAME RESULT DESC: the mutant reported RESULT (ok, not ok) for a
# check whose description starts with DESC
said() {
	awk -v p="$2 - $3" 'index($0, p) == 1 { f = 1 } END { exit !f }' \
		"$LAB_DIR/$1.out"
}

# The unmutated tests pass in the same suite (and backends.sh runs them
# three times more), so the failures below are the mutations' doing.
mutant nouvsadm del_dest_stops_new LAB_UVSADM=false
t_check "del_dest_stops_new.sh with uvsadm = false fails (exit $RC)" \
	[ "$RC" != 0 -a "$RC" != 77 ]

cat >"$LAB_DIR/uvsadm-nolist" <<EOF
#!/bin/sh
# uvsadm, except that a listing (-L) fails and prints nothing
for a in "\$@"; do [ "\$a" = -L ] && exit 1; done
exec "$B/uvsadm" "\$@"
EOF
chmod +x "$LAB_DIR/uvsadm-nolist"
mutant nolist del_dest_stops_new LAB_UVSADM="$LAB_DIR/uvsadm-nolist"
t_check "with only uvsadm -L failing, the script fails (exit $RC)" \
	[ "$RC" != 0 -a "$RC" != 77 ]
t_check "and its t_absent check on the empty listing says not ok" \
	said nolist "not ok" "after -d, -L -n does not list rs3"

# an arping that answers -V as iputils' does, then runs but sends nothing
mkdir "$LAB_DIR/bin"
cat >"$LAB_DIR/bin/arping" <<'EOF'
#!/bin/sh
[ "$1" = -V ] && { echo "arping from iputils (a broken one)"; exit 0; }
echo "arping: socket: Operation not permitted" >&2
exit 2
EOF
chmod +x "$LAB_DIR/bin/arping"
mutant noarping arp_only_director PATH="$LAB_DIR/bin:$PATH"
t_check "arp_only_director.sh with a broken arping fails (exit $RC)" \
	[ "$RC" != 0 -a "$RC" != 77 ]
t_check "and its no-reply check says not ok" \
	said noarping "not ok" "uvsd does not answer for an address that is no VIP"
t_done
