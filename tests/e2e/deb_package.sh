#!/bin/bash
# `make deb` builds uvs_*.deb with Debian's hardening flags, lintian finds
# no error (nor warning), the build leaves no file in the work tree, and
# the package installs, runs and purges without a trace.
#
# How it is installed: dpkg itself, with the package's real maintainer
# scripts, into this host's own root, but inside a private mount namespace
# (unshare -m) where /usr, /etc and /var (and /lib, where it is not a
# link into /usr) are overlays whose writable upper layers are a tmpfs;
# /run/systemd is hidden, so no script talks to a systemd on the host. The installed /usr/sbin/uvsd and uvsadm are run from
# their installed paths, against the host's real libraries, so "it runs"
# means what it would on a server. dpkg --root into an empty directory
# was not chosen: its maintainer scripts run chrooted there, with no
# /bin/sh and no deb-systemd-helper, so the postinst and postrm would not
# run as they do on a real system. A debootstrap chroot would, but costs
# minutes and hundreds of MB. The upper layers hold exactly what dpkg
# changed, so after a purge they are read file by file: anything left but
# dpkg's own bookkeeping (its status database and log, man-db's index) is
# a leftover. The check is first shown to fail, after the install (with
# the unit enabled by systemctl and /etc/uvs/rules made by the unit's
# start) and after a plain remove (which keeps the conffile). When the
# namespace ends, its mounts go with it; what the host's dpkg says of uvs
# and the package's paths on the host are compared before and after.
# No network: nothing here sends a frame.
# Not alone beside the other stream (tests/run.sh): make deb loads both
# cores for a while, but nothing here measures a time, and a test that
# does runs alone.
# shellcheck disable=SC2016  # the $ in sh -c strings are the inner shell's

cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD

T_FAILED=0
t_ok() { echo "ok - $*"; }
t_fail() { echo "not ok - $*"; T_FAILED=$((T_FAILED + 1)); }
t_check() { local desc=$1; shift; if "$@"; then t_ok "$desc"; else t_fail "$desc"; fi; }
note() { echo "# $*"; }
show() {
	local l
	[ -z "$1" ] || while IFS= read -r l; do echo "#   $l"; done <<<"$1"
}

# ---- inside the mount namespace ------------------------------------------
# Dpkg's own bookkeeping, which any install and purge rewrites: its status
# database and log, and man-db's index (its trigger reruns on purge).
dpkg_own() {
	case $1 in
	/var/lib/dpkg/status | /var/lib/dpkg/status-old | \
		/var/lib/dpkg/available | /var/lib/dpkg/available-old | \
		/var/lib/dpkg/lock | /var/lib/dpkg/lock-frontend | \
		/var/lib/dpkg/triggers/* | /var/log/dpkg.log | /var/cache/man/*)
		return 0 ;;
	esac
	return 1
}

# What dpkg left in the overlays' upper layers beyond its bookkeeping, one
# line each: a file made or changed, a directory that was not there
# before, a host file deleted (a whiteout: a 0/0 character device).
leftovers() {
	local d type rel
	for d in $OV_DIRS; do
		while read -r type rel; do
			case $type in
			d) [ -d "$OV/lower/$d/$rel" ] || echo "new dir /$d/$rel" ;;
			c) echo "deleted /$d/$rel" ;;
			*) dpkg_own "/$d/$rel" || echo "file /$d/$rel" ;;
			esac
		done < <(find "$OV/up/$d" -mindepth 1 -printf '%y %P\n')
	done
}

# Enabled: a .wants link in /etc/systemd/system, what systemd starts at
# boot.
unit_enabled() { ls /etc/systemd/system/*.wants/uvsd.service >/dev/null 2>&1; }

# dpkg with its output kept, shown when it fails.
run_dpkg() {
	local out
	out=$(DEBIAN_FRONTEND=noninteractive dpkg "$@" 2>&1) && return 0
	show "$out"
	return 1
}

# The unit's ExecStartPre, as systemd would run it ($$ made $).
unit_start_pre() {
	local line
	line=$(sed -n "s|^ExecStartPre=/bin/sh -c '\(.*\)'\$|\1|p" \
		/lib/systemd/system/uvsd.service | sed 's/\$\$/$/g')
	[ -n "$line" ] && UVSD_IFACE=eth0 sh -c "$line"
}

deb_inside() {
	local deb=$1 d out left
	OV=$2/ov
	OV_DIRS="usr etc var"
	[ -L /lib ] || OV_DIRS="$OV_DIRS lib"
	mkdir -p "$OV"
	if ! mount -t tmpfs uvsdeb "$OV"; then
		t_fail "a tmpfs for the overlays"
		return 1
	fi
	for d in $OV_DIRS; do
		mkdir -p "$OV/lower/$d" "$OV/up/$d" "$OV/work/$d"
		if ! mount --bind "/$d" "$OV/lower/$d" ||
			! mount -t overlay uvsdeb -o "lowerdir=$OV/lower/$d,upperdir=$OV/up/$d,workdir=$OV/work/$d" "/$d"; then
			t_fail "overlay on /$d"
			return 1
		fi
	done
	# A systemd on the host would get a daemon-reload from the postinst:
	# hidden, the scripts see a system without systemd running.
	[ ! -d /run/systemd ] || mount -t tmpfs uvsdeb /run/systemd
	touch /usr/.uvsdeb-probe
	t_check "writes to /usr land in the tmpfs layer (not on the host)" \
		test -e "$OV/up/usr/.uvsdeb-probe"
	rm -f /usr/.uvsdeb-probe
	left=$(leftovers)
	show "$left"
	t_check "the leftover check starts empty" test -z "$left"
	cp /var/lib/dpkg/status "$OV/status.before"

	t_check "dpkg -i uvs_*.deb" run_dpkg -i "$deb"
	t_check "dpkg says uvs is installed" \
		test "$(dpkg-query -W -f='${Status}' uvs 2>/dev/null)" = "install ok installed"
	t_check "/usr/sbin/uvsd, uvsadm and uvs-rs belong to uvs" \
		bash -c 'for p in uvsd uvsadm uvs-rs; do dpkg -S /usr/sbin/$p | grep -qx "uvs: /usr/sbin/$p" || exit 1; done'
	out=$(/usr/sbin/uvsadm -h 2>&1)
	t_check "the installed uvsadm -h prints its usage" \
		grep -q '^Usage:' <<<"$out"
	show "$(head -2 <<<"$out")"
	out=$(/usr/sbin/uvsd --help 2>&1)
	t_check "the installed uvsd --help prints its usage" \
		grep -q '^usage: uvsd -i IFACE' <<<"$out"
	show "$(head -1 <<<"$out")"
	t_check "the installed uvs-rs --help prints its usage" \
		bash -c '/usr/sbin/uvs-rs --help 2>&1 | grep -q "^usage: uvs-rs"'
	t_check "uvsadm -v names the package's version" \
		bash -c '/usr/sbin/uvsadm -v | grep -q "^uvsadm v$(dpkg-query -W -f="\${Version}" uvs) "'
	if command -v man >/dev/null 2>&1; then
		t_check "man finds uvsd(8), uvsadm(8), uvs-rs(8)" \
			bash -c 'for p in uvsd uvsadm uvs-rs; do test "$(man -w 8 $p)" = /usr/share/man/man8/$p.8.gz || exit 1; done'
	fi
	# --no-enable: UVSD_IFACE must be set before uvsd can run, and a
	# disabled unit is one deb-systemd-invoke does not start
	t_check "the unit is installed but not enabled" \
		bash -c 'test -f /lib/systemd/system/uvsd.service &&
			! ls /etc/systemd/system/*.wants/uvsd.service >/dev/null 2>&1'
	# The admin enables it (systemctl works on the files when systemd is
	# not running): the check sees it, and the purge must take the link.
	out=$(systemctl enable uvsd.service 2>&1)
	show "$out"
	t_check "control: after systemctl enable the unit is seen enabled" unit_enabled
	t_check "the prerm stops uvsd.service on remove" \
		grep -q "deb-systemd-invoke stop .*uvsd.service" /var/lib/dpkg/info/uvs.prerm

	# The unit's first start makes /etc/uvs/rules; a stop saves into it.
	t_check "the unit's ExecStartPre makes /etc/uvs/rules" unit_start_pre
	cp /usr/share/doc/uvs/examples/rules /etc/uvs/rules
	left=$(leftovers)
	t_check "control: after the install the check lists uvsd and the rules" \
		bash -c 'grep -qx "file /usr/sbin/uvsd" <<<"$1" && grep -qx "file /etc/uvs/rules" <<<"$1"' _ "$left"

	t_check "dpkg -r uvs" run_dpkg -r uvs
	t_check "remove takes the programs" test ! -e /usr/sbin/uvsd -a ! -e /usr/sbin/uvsadm
	left=$(leftovers)
	show "$left"
	t_check "control: after a remove the check lists the kept conffile and rules" \
		bash -c 'grep -qx "file /etc/default/uvsd" <<<"$1" && grep -qx "file /etc/uvs/rules" <<<"$1"' _ "$left"

	t_check "dpkg -P uvs" run_dpkg -P uvs
	left=$(leftovers)
	show "$left"
	t_check "purge leaves nothing in /usr, /etc, /var but dpkg's own records" \
		test -z "$left"
	t_check "dpkg no longer knows uvs" bash -c '! dpkg -s uvs >/dev/null 2>&1'
	t_check "dpkg's status database is byte for byte what it was" \
		cmp -s "$OV/status.before" /var/lib/dpkg/status
	[ "$T_FAILED" = 0 ] && t_ok "purge leaves nothing: every check in the namespace passed"
}

# The part run inside the mount namespace: $0 --inside DEB TMP
if [ "$1" = "--inside" ]; then
	deb_inside "$2" "$3"
	exit
fi

if [ "$(id -u)" != 0 ]; then
	echo "# SKIP: needs root (dpkg, mount namespaces)"
	exit 77
fi
for c in dpkg-buildpackage dh lintian unshare readelf; do
	command -v "$c" >/dev/null 2>&1 || {
		echo "# SKIP: no $c here (make test installs it)"
		exit 77
	}
done

TMP=$(mktemp -d "/tmp/uvsdeb$$.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# What the host has before, to compare after: a leak out of the namespace
# would show in dpkg's database or as an installed uvsd.
# Only uvs's own record and paths: other packages may be installed on the
# host meanwhile (make deps of another run) and are no concern here.
host_state() {
	dpkg-query -W -f='${Status}\n' uvs 2>&1
	ls -d /usr/sbin/uvsd /usr/sbin/uvsadm /usr/sbin/uvs-rs /etc/default/uvsd \
		/lib/systemd/system/uvsd.service /usr/share/doc/uvs 2>/dev/null
}
host_state >"$TMP/host.before"
# Files the build could leave: untracked or ignored entries (an edit made
# meanwhile to a tracked file is not the build's doing).
tree_state() {
	git -C "$ROOT" status --porcelain --ignored 2>/dev/null | grep -E '^(\?\?|!!) '
}
tree_state >"$TMP/tree.before"

# --- build ---------------------------------------------------------------
LOG=$TMP/make.log
start=$(date +%s)
# noddebs: the -dbgsym package is not needed here and costs time
if DEB_BUILD_OPTIONS=noddebs make -C "$ROOT" --no-print-directory deb \
	B="$TMP/b" >"$LOG" 2>&1; then
	t_ok "make deb builds the package and lintian finds no error"
else
	tail -25 "$LOG" | sed 's/^/#   /'
	t_fail "make deb builds the package and lintian finds no error"
	exit 1
fi
note "make deb took $(($(date +%s) - start)) s"
debs=("$TMP"/b/deb/uvs_*.deb)
DEB=${debs[0]}
t_check "it made uvs_<version>_<arch>.deb" test -f "$DEB"
[ -f "$DEB" ] || exit 1
note "$(basename "$DEB"), $(stat -c %s "$DEB") bytes"

# lintian's lines (make deb ran it): errors fail above; warnings are listed.
lint=$(grep -E '^[EWIPN]: ' "$LOG" | grep -v '^N: *$')
show "lintian: ${lint:-(nothing)}"
t_check "lintian: no error lines" bash -c '! grep -q "^E: " "$1"' _ "$LOG"
t_check "lintian: no warning lines" bash -c '! grep -q "^W: " "$1"' _ "$LOG"

tree_state >"$TMP/tree.after"
t_check "the build leaves no new file in the work tree (git status)" \
	bash -c 'diff "$1" "$2" >&2' _ "$TMP/tree.before" "$TMP/tree.after"

# --- hardening: in the build log and in the binaries ---------------------
# every compile has fortify and the strong stack protector, every link
# full RELRO; -Werror was dropped (WERROR=)
compiles=$(grep -E '^cc .* -c [^ ]+\.c ' "$LOG")
links=$(grep -E '^cc .* -o debian/build/(uvsd|uvsadm|uvs-rs)( |$)' "$LOG")
t_check "the build compiled something and linked the three programs" \
	test -n "$compiles" -a "$(grep -c . <<<"$links")" = 3
t_check "every compile has -D_FORTIFY_SOURCE=2 and -fstack-protector-strong" \
	bash -c '! grep -v -e "-D_FORTIFY_SOURCE=2 .*-fstack-protector-strong" <<<"$1" | grep -q .' \
	_ "$compiles"
t_check "every link has -z relro -z now" \
	bash -c '! grep -v -e "-Wl,-z,relro -Wl,-z,now" <<<"$1" | grep -q .' _ "$links"
t_check "no -Werror in a package build" bash -c '! grep -q -e "-Werror " <<<"$1"' _ "$compiles"
# blhc reads the architecture from the log: on amd64 gcc makes PIE by
# default, so no -fPIE is asked for; --bindnow asks for -z now as well.
if command -v blhc >/dev/null 2>&1; then
	out=$(blhc --bindnow "$LOG" 2>&1)
	show "$out"
	t_check "blhc finds no missing hardening flag" test -z "$out"
fi

# The binaries as shipped: PIE, BIND_NOW, GNU_RELRO, __stack_chk_fail and
# fortified *_chk calls.
X=$TMP/x
dpkg-deb -x "$DEB" "$X"
hardened() {
	local f=$1 dyn
	dyn=$(readelf -W -d "$f")
	readelf -W -h "$f" | grep -q 'Type:.*DYN' &&
		readelf -W -l "$f" | grep -q GNU_RELRO &&
		grep -q 'BIND_NOW\|FLAGS_1.*NOW' <<<"$dyn" &&
		readelf -W --dyn-syms "$f" | grep -q __stack_chk_fail &&
		readelf -W --dyn-syms "$f" | grep -q '__[a-z]*_chk@'
}
for p in uvsd uvsadm uvs-rs; do
	t_check "$p as packaged: PIE, full RELRO (BIND_NOW), stack protector, fortify" \
		hardened "$X/usr/sbin/$p"
done
# negative control: a plain `make` build is not linked with -z now
if [ -x "${B:-build}/uvsd" ]; then
	t_check "control: a plain make's uvsd fails the same check (no BIND_NOW)" \
		bash -c '! readelf -W -d "$1" | grep -q "BIND_NOW\|FLAGS_1.*NOW"' _ "${B:-build}/uvsd"
fi

# --- contents ------------------------------------------------------------
want="./usr/sbin/uvsd ./usr/sbin/uvsadm ./usr/sbin/uvs-rs
./usr/share/man/man8/uvsd.8.gz ./usr/share/man/man8/uvsadm.8.gz
./usr/share/man/man8/uvs-rs.8.gz ./lib/systemd/system/uvsd.service
./etc/default/uvsd ./usr/share/doc/uvs/copyright
./usr/share/doc/uvs/examples/rules ./usr/share/doc/uvs/examples/keepalived.conf
./usr/share/doc/uvs/examples/bird-director.conf
./usr/share/doc/uvs/examples/bird-router.conf"
list=$(dpkg-deb -c "$DEB" | awk '{ print $6 }')
missing=""
for f in $want; do grep -qx "$f" <<<"$list" || missing="$missing $f"; done
show "${missing:+missing:$missing}"
t_check "the package holds the programs, man pages, unit, defaults, examples" \
	test -z "$missing"
t_check "/etc/default/uvsd is a conffile" \
	bash -c 'dpkg-deb -f "$1" Package >/dev/null && dpkg-deb --ctrl-tarfile "$1" | tar -xO ./conffiles | grep -qx /etc/default/uvsd' _ "$DEB"
t_check "the unit names /usr/sbin/uvsd" \
	grep -q '^ExecStart=/usr/sbin/uvsd ' "$X/lib/systemd/system/uvsd.service"
t_check "the package's version is debian/changelog's" \
	test "$(dpkg-deb -f "$DEB" Version)" = "$(dpkg-parsechangelog -l "$ROOT/debian/changelog" -S Version)"

# --- install, run, remove, purge: in a mount namespace -------------------
unshare -m --propagation private bash "$0" --inside "$DEB" "$TMP" >"$TMP/inside.log" 2>&1
cat "$TMP/inside.log"
n=$(grep -c '^not ok - ' "$TMP/inside.log")
T_FAILED=$((T_FAILED + n))
t_check "the namespace's checks all ran to the end" \
	grep -q '^ok - purge leaves nothing: every check' "$TMP/inside.log"

host_state >"$TMP/host.after"
t_check "on the host, dpkg still knows no uvs and no uvs file appeared" \
	bash -c 'diff "$1" "$2" >&2' _ "$TMP/host.before" "$TMP/host.after"

[ "$T_FAILED" = 0 ]
