#!/bin/bash
# uvs-rs and the state files of namespaces that no longer exist. Its
# default state file is /run/uvs/rs-<netns inode>.state, and the file
# records the writer's namespace (cookie and inode). Namespace inodes are
# reused as soon as one is deleted, so a namespace may find a file left by
# a dead one under its own name: `up` takes it over without a warning.
# Files of namespaces nothing holds any more are removed by the next `up`
# or `down`; a file of a live namespace stays. A --state FILE written in
# a namespace that still lives keeps its warning, as it is not ours to
# undo. Namespaces are this test's own (uvsst<pid>-*); the made-up files
# name inodes no namespace can have, or this test's namespaces.
. "$(dirname "$0")/../lab/lab.sh"
t_need_root
D=/run/uvs
VIP=198.18.0.10
# below the kernel's dynamic inode range (0xF0000000 up, proc_alloc_inum):
# never a namespace's
DEAD=4026531824
BOGUS_COOKIE=999999999999
MADE=()
cleanup() {
	local f
	for f in "${MADE[@]}"; do rm -f "$f"; done
	lab_down
}
trap cleanup EXIT

# ns NAME: a namespace with lo up; prints nothing
ns() { ip netns add "$(lab_ns "$1")" && ip -n "$(lab_ns "$1")" link set lo up; }
ino() { stat -L -c %i "/run/netns/$(lab_ns "$1")"; }
state() { echo "$D/rs-$(ino "$1").state"; }
# rs NAME ARGS...: uvs-rs in the namespace; stderr in $LAB_DIR/err
rs() { local n=$1; shift; lab_exec "$n" "$B/uvs-rs" "$@" >/dev/null 2>"$LAB_DIR/err"; }
quiet() { [ ! -s "$LAB_DIR/err" ]; }
# the inode is held by a namespace we can see (a mount or a process)
held() {
	stat -L -c %i /run/netns/* /proc/[0-9]*/task/*/ns/net 2>/dev/null |
		grep -qx "$1"
}
cookie_of() { sed -n 's/^netns \([0-9]*\).*/\1/p' "$1"; }

mkdir -p "$D"
ns a || exit 1
ns b || exit 1

# --- a dead namespace's file under our own name ---------------------------
MADE+=("$(state a)")
printf 'netns %s %s\nvip 198.18.0.99 added\n' "$BOGUS_COOKIE" "$(ino a)" >"$(state a)"
rs a up "$VIP"; rc=$?
t_check "up over a file left by a dead namespace with our inode succeeds (exit $rc)" [ "$rc" = 0 ]
t_check "without a warning ($(cat "$LAB_DIR/err"))" quiet
t_check "the file is ours now (our cookie, not the dead one's VIP)" \
	all [ -n "$(cookie_of "$(state a)")" ] --and \
	[ "$(cookie_of "$(state a)")" != "$BOGUS_COOKIE" ] --and \
	not grep -q 198.18.0.99 "$(state a)"
t_check "it records our namespace's inode" \
	grep -qx "netns [0-9]* $(ino a)" "$(state a)"
rs a down "$VIP"; rc=$?
t_check "and down undoes our up (exit $rc)" all [ "$rc" = 0 ] --and quiet --and not test -e "$(state a)"

# the same with a file from before uvs-rs recorded inodes (cookie alone)
printf 'netns %s\nvip 198.18.0.99 added\n' "$BOGUS_COOKIE" >"$(state a)"
rs a down "$VIP"; rc=$?
t_check "down with an old-style dead file: says VIP was not put up, no namespace warning" \
	all [ "$rc" != 0 ] --and grep -q "was not put up" "$LAB_DIR/err" --and \
	not grep -q "another network namespace" "$LAB_DIR/err"
t_check "and removes the dead file" not test -e "$(state a)"

# --- files of namespaces nothing holds are swept ---------------------------
MADE+=("$D/rs-$DEAD.state")
printf 'netns %s %s\nvip 198.18.0.99 added\n' "$BOGUS_COOKIE" "$DEAD" >"$D/rs-$DEAD.state"
rs b up "$VIP"; rc=$?
t_check "up in another namespace succeeds quietly (exit $rc)" all [ "$rc" = 0 ] --and quiet
t_check "its own state file is there" test -s "$(state b)"
t_check "the file of a namespace nothing holds is gone" not test -e "$D/rs-$DEAD.state"
MADE+=("$(state b)")

# a real one: a namespace deleted without down leaves its file behind
ns x || exit 1
xfile=$(state x) xino=$(ino x)
MADE+=("$xfile")
rs x up "$VIP" || t_fail "up in the namespace about to be deleted"
ip netns del "$(lab_ns x)"
t_check "a deleted namespace's file is left behind at first" test -e "$xfile"
rs a up "$VIP"; rc=$?
t_check "the next up elsewhere succeeds quietly (exit $rc: $(cat "$LAB_DIR/err"))" \
	all [ "$rc" = 0 ] --and quiet
# other tests on this host make namespaces too, and a new one may already
# hold the freed inode: then the file is its to take over, and stays
held "$xino" && echo "# inode $xino is a live namespace's again"
t_check "the deleted namespace's file is gone (or its inode is a live namespace's again)" \
	eval 'test ! -e "$xfile" || held "$xino"'
t_check "the live namespace's file stays" test -s "$(state b)"
rs a down "$VIP" && rs b down "$VIP"
t_check "down in both leaves no file of theirs" \
	all not test -e "$(state a)" --and not test -e "$(state b)"

# --- --state FILE: a live namespace's file keeps its warning ----------------
printf 'netns %s %s\nvip 198.18.0.99 added\n' "$BOGUS_COOKIE" "$(ino b)" >"$LAB_DIR/live.state"
rs a --state "$LAB_DIR/live.state" up "$VIP"; rc=$?
t_check "--state FILE of a namespace that lives: up warns it is another namespace's (exit $rc)" \
	all [ "$rc" = 0 ] --and grep -q "was written in another network namespace; ignoring it" "$LAB_DIR/err"
rs a --state "$LAB_DIR/live.state" down "$VIP"
printf 'netns %s %s\nvip 198.18.0.99 added\n' "$BOGUS_COOKIE" "$DEAD" >"$LAB_DIR/dead.state"
rs a --state "$LAB_DIR/dead.state" up "$VIP"; rc=$?
t_check "--state FILE of a namespace nothing holds: up takes it over quietly (exit $rc: $(cat "$LAB_DIR/err"))" \
	all [ "$rc" = 0 ] --and quiet --and not grep -q 198.18.0.99 "$LAB_DIR/dead.state"
rs a --state "$LAB_DIR/dead.state" down "$VIP"; rc=$?
t_check "and down undoes it (exit $rc)" all [ "$rc" = 0 ] --and not test -e "$LAB_DIR/dead.state"
t_done
