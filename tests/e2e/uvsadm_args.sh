#!/usr/bin/env bash
# uvsadm refuses a bad command line the way ipvsadm 1.31 does: exactly one
# line on stderr, nothing on stdout, ipvsadm's exit status, and nothing
# sent. No uvsd is needed: UVS_SOCKET points nowhere, so a command line
# that wrongly got through would print "cannot reach uvsd" instead.
# Exit statuses: 2 from ipvsadm's fail(); 255 where ipvsadm exits with -1
# (its "Try ... -h" hint and popt's option errors).
set -u
cd "$(dirname "$0")/../.." || exit 1

UVSADM="${B:-build}/uvsadm"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export UVS_SOCKET="$tmp/no-uvsd-here.sock"
failed=0

if [ ! -x "$UVSADM" ]; then
	echo "not ok - $UVSADM is not built"
	exit 1
fi

# check STATUS MESSAGE ARGS...: uvsadm ARGS exits STATUS, prints MESSAGE
# as its only stderr line and nothing on stdout.
check() {
	local want_rc=$1 want=$2 rc
	shift 2
	"$UVSADM" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" = "$want_rc" ] && [ ! -s "$tmp/out" ] &&
	    [ "$(cat "$tmp/err")" = "$want" ] &&
	    [ "$(wc -l <"$tmp/err")" = 1 ]; then
		echo "ok - uvsadm $*: $want"
	else
		echo "not ok - uvsadm $*: want [$want_rc] $want," \
		    "got [$rc] $(cat "$tmp/err") $(cat "$tmp/out")"
		failed=$((failed + 1))
	fi
}

svc=198.18.0.10:80
check 2 "You need to supply the 'service-address' option for the 'add-service' command" -A
check 2 "You need to supply the 'real-server' option for the 'add-server' command" -a -t $svc
check 2 "Illegal 'real-server' option with the 'add-service' command" -A -t $svc -r 198.18.0.11
check 2 "Illegal 'numeric' option with the 'flush' command" -C -n
check 2 "illegal virtual server address[:port] specified" -A -t 198.18.0.10:99999
check 2 "illegal virtual server address[:port] specified" -A -u 80
check 2 "illegal real server address[:port] specified" -a -t $svc -r 198.18.0.11:70000
check 2 "illegal weight specified" -a -t $svc -r 198.18.0.11 -w 65536
check 2 "illegal u_threshold specified" -a -t $svc -r 198.18.0.11 -x -1
check 2 "Zero port specified for non-persistent service" -A -t 198.18.0.10:0
check 2 "multiple 'service-address' options specified" -A -t $svc -u 198.18.0.10:53
check 2 "invalid timeout value \`0' specified" -A -t $svc -p 0
check 2 "unexpected argument foo" -L foo
check 2 "The option 'service-address' conflicts with the 'connection' option in the 'list' command" -L -t $svc -c
check 2 "options conflicts in the list command" -Ln -c --stats
check 2 "--set option requires 3 timeout values" --set 900 120
# ipvsadm 1.31 never reaches "multiple commands specified": popt hands a
# second command to the option loop, which calls it an invalid option.
check 2 "invalid option \`-E'" -A -t $svc -E
check 2 "uvsadm: -m (masquerading/NAT) is not supported: uvs forwards by direct routing (-g) or tunnelling (-i), never rewriting addresses" -a -t $svc -r 198.18.0.11 -m
check 2 "--tun-type gue needs --tun-port" -a -t $svc -r 198.18.0.11 -i --tun-type gue
check 2 "uvsadm: --sctp-service is not supported: uvs forwards TCP and UDP only" -A --sctp-service $svc
check 2 "uvsadm: -6 (IPv6 firewall-mark services) is not supported: uvs matches services by protocol, address and port" -A -t '[2001:db8::1]:80' -6
# a v6 service parses: it gets as far as the (absent) uvsd
check 2 "uvsadm: cannot reach uvsd at $UVS_SOCKET: No such file or directory (is uvsd running?)" -A -t '[2001:db8::1]:80'
check 2 "illegal virtual server address[:port] specified" -A -t '[2001:db8::1:80'
check 2 "illegal ipv6 netmask specified" -A -t '[2001:db8::1]:80' -p -M 129
check 2 "Different address family is allowed only for tunneling servers" -a -t '[2001:db8::1]:80' -r 198.18.0.11
check 255 "Try \`uvsadm -h' or 'uvsadm --help' for more information." --no-such-option
check 255 "Try \`uvsadm -h' or 'uvsadm --help' for more information." -nL
check 255 "-s: missing argument" -A -t $svc -s
check 255 "--bogus: unknown option" -L --bogus
check 2 "uvsadm: cannot reach uvsd at $UVS_SOCKET: No such file or directory (is uvsd running?)" -L -n
# port names come from /etc/services (netbase: make deps installs it)
check 2 "uvsadm: cannot reach uvsd at $UVS_SOCKET: No such file or directory (is uvsd running?)" -A -t 198.18.0.10:http -s rr

# ipvsadm's commands_v_options: one illegal pair per command, with the
# required options given so the illegal one is what stops it
r=198.18.0.11:80
ill() { check 2 "Illegal '$1' option with the '$2' command" "${@:3}"; }
ill weight add-service -A -t $svc -w 2
ill connection add-service -A -t $svc -c
ill stats edit-service -E -t $svc --stats
ill scheduler delete-service -D -t $svc -s rr
ill service-address flush -C -t $svc
ill scheduler add-server -a -t $svc -r $r -s rr
ill persistent add-server -a -t $svc -r $r -p 10
ill netmask edit-server -e -t $svc -r $r -M 255.255.255.0
ill weight delete-server -d -t $svc -r $r -w 3
ill scheduler list -L -s rr
ill real-server list -L -r $r
ill numeric zero -Z -n
ill numeric set --set 1 2 3 -n
ill service-address save -S -t $svc
ill numeric restore -R -n
ill ops add-server -a -t $svc -r $r -o
check 2 "The option 'service-address' conflicts with the 'connection' option in the 'list' command" -L -c -t $svc
check 2 "The option 'daemon' conflicts with the 'timeout' option in the 'list' command" -L --timeout --daemon
check 2 "options conflicts in the list command" -L -c --stats
check 2 "options conflicts in the list command" -L --timeout --persistent-conn
check 2 "--json lists services with every figure; it takes no other list option but -n" -L --json --rate
check 2 "multiple 'weight' options specified" -a -t $svc -r $r -w 1 -w 2
check 2 "multiple 'service-address' options specified" -A -t $svc -u $svc
# what uvs cannot do: one line each, nothing sent
check 2 "Tunnel options conflict with forward method" -a -t $svc -r $r --tun-type gre
check 2 "uvsadm: --sctp-service is not supported: uvs forwards TCP and UDP only" -A --sctp-service $svc
check 2 "uvsadm: --pe is not supported: uvs has no persistence engines" -A -t $svc -p --pe sip
# the sync daemon's words, as ipvsadm checks them
check 2 "illegal start-daemon parameter specified" --start-daemon primary
check 2 "illegal stop_daemon parameter specified" --stop-daemon both
check 2 "illegal syncid specified" --start-daemon master --syncid 256
check 2 "illegal mcast-port specified" --start-daemon backup --mcast-port 0
check 2 "illegal mcast-ttl specified" --start-daemon master --mcast-ttl 256
check 2 "illegal sync-maxlen specified" --start-daemon master --sync-maxlen 65508
check 2 "invalid IPv4 mcast-group \`224.0.0.256'" --start-daemon master --mcast-group 224.0.0.256
check 2 "invalid IPv4 mcast-group \`10.0.0.1'" --start-daemon master --mcast-group 10.0.0.1
check 2 "uvsadm: --mcast-group: IPv6 groups are not supported" --start-daemon master --mcast-group ff02::1

if [ "$failed" -ne 0 ]; then
	echo "# $failed failed"
	exit 1
fi
