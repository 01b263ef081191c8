#!/bin/bash
# uvs-rs on a real server: `up` puts the VIP on lo and the host stays
# silent to ARP for it, `check` tells the two states apart, and `down` puts
# back exactly what was there before (addresses and sysctl values alike).
# Lab, all in namespaces named uvsrs<pid>-*: a bridge, a client and two
# real servers (two, to show the default state file is per namespace).
# A negative control proves the ARP probe can see a reply at all.
# shellcheck disable=SC2317  # functions run through t() and the trap

cd "$(dirname "$0")/../.." || exit 1
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root"
	exit 77
fi

# the lab's helpers (arping above all); this test builds its own hosts
LAB_P=uvsrs$$
. tests/lab/lab.sh
BIN=$B/uvs-rs
P=$LAB_P-
BR=${P}br CL=${P}cl RS=${P}rs RS2=${P}rs2
VIP=198.18.0.10 VIP2=198.18.0.30 OLD=198.18.0.20
RS_IP=198.18.0.11 RS2_IP=198.18.0.12 CL_IP=198.18.0.100
TMP=$LAB_DIR
FAILED=0

cleanup() {
	local ns
	for ns in "$RS" "$RS2" "$CL" "$BR"; do
		# our default state files, should a case have left one behind
		[ -e "/run/netns/$ns" ] &&
			rm -f "/run/uvs/rs-$(stat -L -c %i "/run/netns/$ns").state"
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; FAILED=$((FAILED + 1)); }
t() { local desc=$1; shift; if [ $# -gt 0 ] && "$@"; then ok "$desc"; else not_ok "$desc"; fi; }

if [ ! -x "$BIN" ]; then
	not_ok "$BIN is built"
	exit 1
fi
if ! arping_flavour >/dev/null; then
	not_ok "arping is installed (iputils-arping or arping)"
	exit 1
fi

# uvs-rs in a namespace: stdout to $TMP/out, stderr to $TMP/err.
rs_in() {
	local ns=$1; shift
	ip netns exec "$ns" "$BIN" "$@" >"$TMP/out" 2>"$TMP/err"
}
ns_state() { echo "/run/uvs/rs-$(stat -L -c %i "/run/netns/$1").state"; }
knob() { ip netns exec "$1" cat "/proc/sys/net/ipv4/conf/$2/$3"; }

# What uvs-rs may touch in a namespace: lo's addresses, the two sysctls on
# all and eth0, the state file.
snapshot() {
	local f k
	ip -n "$1" -4 -o addr show dev lo | awk '{ print $4 }'
	for f in all eth0; do
		for k in arp_ignore arp_announce; do
			echo "$f.$k=$(knob "$1" "$f" "$k")"
		done
	done
	[ -e "$(ns_state "$1")" ] && echo "state file"
}

# MACs answering ARP for $1 from the client, each once (lab.sh's
# lab_arping, from this test's client): "arping failed: ..." when arping
# did not run, which equals no MAC and no silence.
arp_replies() { lab_arping_from "$CL" "$1"; }

on_lo() { ip -n "$1" -4 -o addr show dev lo | grep -q " inet $2/32 "; }
# ip answered, and lo has its own address but not $2 ("not on_lo" would
# pass when ip itself failed)
off_lo() {
	local out
	out=$(ip -n "$1" -4 -o addr show dev lo) || return 1
	grep -q " inet 127.0.0.1/8 " <<<"$out" && ! grep -q " inet $2/32 " <<<"$out"
}
# The namespace's snapshot equals $2, a whole one (all four sysctls read:
# two snapshots that both failed to read them would be equal too).
as_before() {
	[ "$(snapshot "$1")" = "$2" ] && [ "$(grep -c '=[0-9]' <<<"$2")" = 4 ]
}
one_line_err() { [ "$(wc -l <"$TMP/err")" -eq 1 ] && [ ! -s "$TMP/out" ]; }

rs_host() {
	local ns=$1 addr=$2 port=$3
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip -n "$BR" link add "$port" type veth peer name eth0 netns "$ns"
	ip -n "$BR" link set "$port" master br0 up
	ip -n "$ns" addr add "$addr/24" dev eth0
	ip -n "$ns" link set eth0 up
}

ip netns add "$BR" || exit 1
ip -n "$BR" link add br0 type bridge
ip -n "$BR" link set br0 up
rs_host "$CL" "$CL_IP" p-cl || exit 1
rs_host "$RS" "$RS_IP" p-rs || exit 1
rs_host "$RS2" "$RS2_IP" p-rs2 || exit 1
# A value that is not the default, to see down restore "before", not "0".
ip netns exec "$RS" sysctl -qw net.ipv4.conf.eth0.arp_announce=1

rs_mac=$(ip netns exec "$RS" cat /sys/class/net/eth0/address)
before2=$(snapshot "$RS2")
t "lab: the real server answers ARP for its own address" \
	[ "$(arp_replies "$RS_IP")" = "$rs_mac" ]

# --- bad input changes nothing -------------------------------------------
before=$(snapshot "$RS")
for args in "up 300.1.2.3" "frob $VIP" "" "up $VIP 300.1.2.3" "up" \
	"up 224.0.0.5" "down $VIP --state"; do
	# shellcheck disable=SC2086  # word splitting is the point
	rs_in "$RS" $args
	rc=$?
	t "'uvs-rs $args' exits non-zero" [ "$rc" -ne 0 ]
	t "'uvs-rs $args' says why in one line: $(cat "$TMP/err")" one_line_err
	t "'uvs-rs $args' changes nothing" as_before "$RS" "$before"
done

# --- check, up, check ------------------------------------------------------
rs_in "$RS" check "$VIP"
t "check fails before up" [ $? -ne 0 ]
t "check says the VIP is not on lo" grep -q "$VIP is not on lo" "$TMP/out"
t "check names a sysctl that is wrong" \
	grep -q "arp_ignore is 0 on eth0 (need 1)" "$TMP/out"

rs_in "$RS" up "$VIP"
t "up succeeds" [ $? -eq 0 ]
rs_in "$RS" check "$VIP"
t "check passes after up" [ $? -eq 0 ]
t "check prints one ok line" \
	[ "$(grep -c ': ok: ' "$TMP/out")/$(wc -l <"$TMP/out")" = 1/1 ]
t "the VIP is on lo as /32" on_lo "$RS" "$VIP"
t "arp_ignore=1 and arp_announce=2 on all and eth0" [ "$(snapshot "$RS" |
	grep '=' | tr '\n' ' ')" = "all.arp_ignore=1 all.arp_announce=2 eth0.arp_ignore=1 eth0.arp_announce=2 " ]
t "the state file is per namespace" [ -e "$(ns_state "$RS")" ]
t "no ARP reply for the VIP" [ -z "$(arp_replies "$VIP")" ]
t "the real server still answers ARP for its own address" \
	[ "$(arp_replies "$RS_IP")" = "$rs_mac" ]
t "the other real server is untouched" as_before "$RS2" "$before2"

# --- up twice, then down ----------------------------------------------------
rs_in "$RS" up "$VIP"
t "a second up succeeds" [ $? -eq 0 ]
rs_in "$RS" check "$VIP"
t "check passes after a second up" [ $? -eq 0 ]
rs_in "$RS" down "$VIP"
t "down succeeds" [ $? -eq 0 ]
rs_in "$RS" check "$VIP"
t "check fails after down" [ $? -ne 0 ]
t "the VIP is gone from lo" off_lo "$RS" "$VIP"
t "sysctls and lo are back as before up, state file removed" \
	as_before "$RS" "$before"

# --- negative control: VIP on lo, default ARP sysctls -> it answers ----------
ip -n "$RS" addr add "$VIP/32" dev lo
t "control: VIP on lo without uvs-rs gets an ARP reply" \
	[ "$(arp_replies "$VIP")" = "$rs_mac" ]
ip -n "$RS" addr del "$VIP/32" dev lo

# --- an address already on lo survives down ---------------------------------
ip -n "$RS" addr add "$OLD/32" dev lo
before=$(snapshot "$RS")
rs_in "$RS" up "$VIP" "$OLD"
t "up with one VIP already on lo succeeds" [ $? -eq 0 ]
rs_in "$RS" check "$VIP" "$OLD"
t "check passes for both" [ $? -eq 0 ]
rs_in "$RS" down "$VIP" "$OLD"
t "down succeeds" [ $? -eq 0 ]
t "the address that was there before up is still on lo" on_lo "$RS" "$OLD"
t "everything else is back as before" as_before "$RS" "$before"
ip -n "$RS" addr del "$OLD/32" dev lo

# --- down one of two VIPs keeps ARP quiet for the other ----------------------
before=$(snapshot "$RS")
rs_in "$RS" up "$VIP" "$VIP2"
rs_in "$RS" down "$VIP"
t "down of one VIP succeeds" [ $? -eq 0 ]
rs_in "$RS" check "$VIP2"
t "the other VIP still passes check" [ $? -eq 0 ]
t "and gets no ARP reply" [ -z "$(arp_replies "$VIP2")" ]
rs_in "$RS" down "$VIP2"
t "down of the last VIP restores everything" \
	as_before "$RS" "$before"
rs_in "$RS" down "$VIP"
t "down of a VIP not put up fails" [ $? -ne 0 ]
t "and says so" grep -q "was not put up" "$TMP/err"

# --- two namespaces, two default state files; --state overrides -------------
rs_in "$RS" up "$VIP"
rs_in "$RS2" up "$VIP"
t "the first real server has its state file" test -e "$(ns_state "$RS")"
t "the second one has its own" test -e "$(ns_state "$RS2")"
t "and they are two files" [ "$(ns_state "$RS")" != "$(ns_state "$RS2")" ]
rs_in "$RS" down "$VIP"
rs_in "$RS2" check "$VIP"
t "down on one real server leaves the other up" [ $? -eq 0 ]
rs_in "$RS2" down "$VIP"
t "down on the other restores it" as_before "$RS2" "$before2"

rs_in "$RS" --state "$TMP/my.state" up "$VIP"
t "--state FILE is where up records" [ -e "$TMP/my.state" ]
t "and not the default state file" not test -e "$(ns_state "$RS")"
rs_in "$RS" down "$VIP" --state "$TMP/my.state"
t "down with --state FILE restores everything" \
	as_before "$RS" "$before"
t "and removes that file" not test -e "$TMP/my.state"

if [ "$FAILED" -ne 0 ]; then
	echo "# $FAILED failed"
	exit 1
fi
exit 0
