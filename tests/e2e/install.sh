#!/bin/bash
# make install puts the three programs, their man pages, uvsd.service and
# /etc/default/uvsd where a packager expects them (DESTDIR, PREFIX=/usr),
# the unit names the installed uvsd and passes systemd-analyze verify, the
# man pages render without a warning, an admin's /etc/default/uvsd
# survives install and uninstall, and make uninstall takes the rest away.
# The unit's start and stop shell lines are run by hand against a stub
# uvsadm: a missing rules file starts empty, a save replaces the file only
# when uvsadm -S worked. No namespaces, no root, nothing outside a temp dir.
# shellcheck disable=SC2016  # the $ in patterns are the unit's, not ours

cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
TMP=$(mktemp -d "/tmp/uvsinst$$.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

T_FAILED=0
t_ok() { echo "ok - $*"; }
t_fail() { echo "not ok - $*"; T_FAILED=$((T_FAILED + 1)); }
t_check() { local desc=$1; shift; if [ $# -gt 0 ] && "$@"; then t_ok "$desc"; else t_fail "$desc"; fi; }
# a check this host cannot run: tests/run.sh counts it as skipped
t_skip() { echo "ok - $1 # SKIP $2"; }
note() { echo "# $*"; }
# Shows a tool's complaints as comments under the check they fail.
show() {
	local l
	[ -z "$1" ] || while IFS= read -r l; do echo "#   $l"; done <<<"$1"
}

PROGS="uvsd uvsadm uvs-rs"
D=$TMP/dest
UNIT=$D/lib/systemd/system/uvsd.service
DEFAULTS=$D/etc/default/uvsd

# make ... with its output kept in a log, shown only when it fails.
mk() {
	local log=$TMP/make.log
	if make -C "$ROOT" --no-print-directory "$@" >"$log" 2>&1; then
		return 0
	fi
	sed 's/^/#   /' "$log" | tail -20
	return 1
}

all_there() {
	local f
	for f in "$@"; do [ -e "$f" ] || { note "missing: $f"; return 1; }; done
}

none_there() {
	local f
	for f in "$@"; do [ ! -e "$f" ] || { note "still there: $f"; return 1; }; done
}

executable() {
	local f
	for f in "$@"; do [ -x "$f" ] && [ -f "$f" ] || return 1; done
}

installed_files() {
	local p
	for p in $PROGS; do
		echo "$D/usr/sbin/$p" "$D/usr/share/man/man8/$p.8"
	done
	echo "$UNIT"
}

# --- install into DESTDIR ----------------------------------------------
if ! mk install DESTDIR="$D" PREFIX=/usr; then
	t_fail "make install DESTDIR=... PREFIX=/usr"
	exit 1
fi
t_ok "make install DESTDIR=... PREFIX=/usr"

t_check "uvsd, uvsadm, uvs-rs in /usr/sbin, executable" \
	executable "$D/usr/sbin/uvsd" "$D/usr/sbin/uvsadm" "$D/usr/sbin/uvs-rs"
t_check "the installed uvsadm runs (-v)" \
	bash -c '"$1" -v | grep -q "^uvsadm "' _ "$D/usr/sbin/uvsadm"
t_check "uvsd.8, uvsadm.8, uvs-rs.8 in /usr/share/man/man8" \
	all_there "$D/usr/share/man/man8/uvsd.8" \
	"$D/usr/share/man/man8/uvsadm.8" "$D/usr/share/man/man8/uvs-rs.8"
t_check "uvsd.service in /lib/systemd/system" all_there "$UNIT"
t_check "defaults in /etc/default/uvsd, naming the interface" \
	grep -q '^UVSD_IFACE=' "$DEFAULTS"
t_check "no @placeholder@ left in the installed unit" \
	bash -c '! grep -q @ "$1"' _ "$UNIT"
t_check "ExecStart runs the installed /usr/sbin/uvsd with the saved rules" \
	grep -qx 'ExecStart=/usr/sbin/uvsd -i ${UVSD_IFACE} --rules /etc/uvs/rules $UVSD_OPTS' "$UNIT"
t_check "ExecStop saves with the installed /usr/sbin/uvsadm -S -n" \
	grep -q '^ExecStop=.*/usr/sbin/uvsadm -S -n' "$UNIT"
t_check "the unit reads /etc/default/uvsd" \
	grep -qx 'EnvironmentFile=-/etc/default/uvsd' "$UNIT"

# systemd-analyze wants ExecStart's binary to exist: check a copy whose
# paths point into DESTDIR, with MANPATH there so Documentation= resolves.
# It exits 0 even on parse errors, so any output is a failure too.
if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir -p "$TMP/verify"
	sed "s|/usr/sbin/|$D/usr/sbin/|g" "$UNIT" >"$TMP/verify/uvsd.service"
	out=$(MANPATH=$D/usr/share/man SYSTEMD_LOG_COLOR=0 \
		systemd-analyze verify "$TMP/verify/uvsd.service" 2>&1)
	rc=$?
	show "$out"
	t_check "systemd-analyze verify uvsd.service: clean" \
		test "$rc" = 0 -a -z "$out"
else
	t_skip "systemd-analyze verify uvsd.service: clean" "no systemd-analyze here"
fi

# Each page through the formatter with warnings on: nothing on stderr.
if command -v man >/dev/null 2>&1 && command -v groff >/dev/null 2>&1; then
	for p in $PROGS; do
		out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l \
			"$D/usr/share/man/man8/$p.8" 2>&1 >/dev/null)
		show "$out"
		t_check "man $p.8 renders without warnings" test -z "$out"
	done
elif command -v groff >/dev/null 2>&1; then
	for p in $PROGS; do
		out=$(groff -man -ww -z "$D/usr/share/man/man8/$p.8" 2>&1)
		show "$out"
		t_check "groff $p.8 renders without warnings" test -z "$out"
	done
else
	t_skip "the man pages render without warnings" "neither man nor groff here"
fi

# --- the admin's defaults survive install and uninstall ----------------
echo "UVSD_OPTS=-v" >>"$DEFAULTS"
cp "$DEFAULTS" "$TMP/edited"
t_check "make install again" mk install DESTDIR="$D" PREFIX=/usr
t_check "a second install keeps an edited /etc/default/uvsd" \
	cmp -s "$DEFAULTS" "$TMP/edited"
t_check "make uninstall with an edited /etc/default/uvsd" \
	mk uninstall DESTDIR="$D" PREFIX=/usr
t_check "uninstall keeps the edited /etc/default/uvsd" \
	cmp -s "$DEFAULTS" "$TMP/edited"
rm -f "$DEFAULTS"

# --- a fresh install, then uninstall takes it all ----------------------
t_check "make install (fresh)" mk install DESTDIR="$D" PREFIX=/usr
t_check "make uninstall" mk uninstall DESTDIR="$D" PREFIX=/usr
# shellcheck disable=SC2046  # one word per path, none has blanks
t_check "uninstall removes the programs, man pages and unit" \
	none_there $(installed_files)
t_check "uninstall removes an unedited /etc/default/uvsd" none_there "$DEFAULTS"

# --- PREFIX elsewhere: the unit follows, and its shell lines work ------
# No DESTDIR: the unit's paths point into $TMP/p, so its ExecStartPre and
# ExecStop can be run here as systemd would run them (with $$ made $).
P=$TMP/p
t_check "make install PREFIX=<tmp> SYSCONFDIR=<tmp>/etc" \
	mk install PREFIX="$P" SYSCONFDIR="$P/etc"
PU=$P/lib/systemd/system/uvsd.service
t_check "a non-/usr PREFIX puts the unit in PREFIX/lib/systemd/system" \
	all_there "$PU"
t_check "its ExecStart names PREFIX/sbin/uvsd" \
	grep -q "^ExecStart=$P/sbin/uvsd " "$PU"

# The body of a `/bin/sh -c '...'` line, as the shell will get it.
unit_sh() {
	sed -n "s|^$1=/bin/sh -c '\\(.*\\)'\$|\\1|p" "$PU" | sed 's/\$\$/$/g'
}
START=$(unit_sh ExecStartPre)
STOP=$(unit_sh ExecStop)
t_check "ExecStartPre and ExecStop are /bin/sh -c lines" \
	test -n "$START" -a -n "$STOP"
# systemd expands a lone $ itself: every shell $ must be written $$.
t_check "no lone \$ in the unit's shell lines" \
	bash -c '! grep -E "^Exec(StartPre|Stop)=" "$1" | sed "s/\\$\\$//g" | grep -q "\\$"' _ "$PU"

RULES=$P/etc/uvs/rules
t_check "start refuses an empty UVSD_IFACE" \
	bash -c '! UVSD_IFACE= sh -c "$1" 2>/dev/null' _ "$START"
t_check "start with no rules file makes an empty one" \
	bash -c 'UVSD_IFACE=eth0 sh -c "$1" && test -f "$2" -a ! -s "$2"' \
	_ "$START" "$RULES"
echo "-A -t 192.168.10.10:80 -s wlc" >"$RULES"
t_check "start keeps an existing rules file" \
	bash -c 'UVSD_IFACE=eth0 sh -c "$1" && grep -q "^-A " "$2"' \
	_ "$START" "$RULES"

# A stub uvsadm in place of the installed one: -S prints a table or fails.
cat >"$P/sbin/uvsadm" <<'EOF'
#!/bin/sh
[ "$1 $2" = "-S -n" ] || exit 2
[ -n "$STUB_FAIL" ] && { echo "-A -t 192.168.10.10:80 -s rr"; exit 2; }
echo "-A -t 192.168.10.10:80 -s rr"
echo "-a -t 192.168.10.10:80 -r 192.168.10.11:80 -g -w 1"
EOF
chmod 0755 "$P/sbin/uvsadm"
cp "$RULES" "$TMP/before"
t_check "stop with no main process (uvsd died) leaves the rules alone" \
	bash -c 'MAINPID= sh -c "$1" && cmp -s "$2" "$3"' \
	_ "$STOP" "$RULES" "$TMP/before"
t_check "stop whose save fails keeps the old rules, no temp file left" \
	bash -c '! MAINPID=1 STUB_FAIL=1 sh -c "$1" 2>/dev/null &&
		cmp -s "$2" "$3" && ! ls "$2".* >/dev/null 2>&1' \
	_ "$STOP" "$RULES" "$TMP/before"
t_check "stop saves uvsadm -S -n into the rules file" \
	bash -c 'MAINPID=1 sh -c "$1" && test "$(wc -l <"$2")" = 2 &&
		grep -q "^-a .* -r 192.168.10.11:80" "$2" && ! ls "$2".* >/dev/null 2>&1' \
	_ "$STOP" "$RULES"
t_check "make uninstall PREFIX=<tmp>" \
	mk uninstall PREFIX="$P" SYSCONFDIR="$P/etc"
t_check "uninstall leaves the saved rules" test -s "$RULES"

[ "$T_FAILED" = 0 ]
