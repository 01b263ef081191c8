#!/bin/bash
# IPv6 services from uvsadm to uvsd's table, beside a v4 one: -A/-a with
# [v6]:port and bare v6 real servers, -M as a prefix length; -L -n prints
# what ipvsadm 1.31 prints (v4 first, brackets, no cutting of v6 names);
# -S | -R | -S is the same; --json carries the v6 addresses; -L -c
# still lists the v4 flows; a real server of the other family is refused
# by uvsadm (ipvsadm's words) and, in a tunnel, by uvsd; a rules file
# with v6 lines and one bad line changes nothing. Addresses from
# 2001:db8::/32. The packet path and the neighbours are other slices':
# a v6 real server here has no MAC, which the table allows.
. "$(dirname "$0")/../lab/lab.sh"
lab_cluster 2
lab_service rr || exit 1
V6=2001:db8::10

uvsadm -A -t "[$V6]:80" -s rr
uvsadm -a -t "[$V6]:80" -r "[2001:db8::11]:80" -g -w 2
uvsadm -a -t "[$V6]:80" -r 2001:db8::12 -g
uvsadm -A -u "[$V6]:53" -s sh -b sh-fallback
uvsadm -a -u "[$V6]:53" -r 2001:db8::11 -g
uvsadm -A -t "[2001:db8::20]:0" -s mh -p 300 -M 64
uvsadm -a -t "[2001:db8::20]:0" -r 2001:db8::21 -g
t_check "uvsd took the v6 services and dests" \
	[ "$(uvsadm -S -n | grep -c '2001:db8')" = 7 ]
# ipvsadm's parse_service: a bracket needs its ":port"
uvsadm -a -u "[$V6]:53" -r "[2001:db8::12]" -g 2>"$LAB_DIR/err"
rc=$?
t_check "-r [v6] without a port: exit 2, illegal real server address" all \
	[ "$rc" = 2 ] --and \
	grep -qx "illegal real server address\[:port\] specified" "$LAB_DIR/err"

# the v4 service still forwards, and -L -c lists its flow beside them
lab_exec c curl -s -m 5 "http://$VIP/" >/dev/null
uvsadm -L -c -n >"$LAB_DIR/conns"
t_check "-L -c keeps ipvsadm's titles and lists the v4 flow" all \
	grep -qx 'IPVS connection entries' "$LAB_DIR/conns" --and \
	grep -q "^TCP .* 198.18.0.100:[0-9]* *198.18.0.10:80 *198.18.0.1[12]:80$" "$LAB_DIR/conns"

# ipvsadm's -L -n formats (print_service_entry), written out here again
d() { printf '  -> %-28s %-7s %-6d %-10u %-10u\n' "$1" Route "$2" "$3" "$4"; }
{
	echo "Prot LocalAddress:Port Scheduler Flags"
	echo "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn"
	echo "TCP  198.18.0.10:80 rr"
	uvsadm -L -n | awk '$2 == "198.18.0.11:80" || $2 == "198.18.0.12:80" {
		printf "  -> %-28s %-7s %-6d %-10u %-10u\n", $2, $3, $4, $5, $6 }'
	echo "TCP  [2001:db8::10]:80 rr"
	d "[2001:db8::11]:80" 2 0 0
	d "[2001:db8::12]:80" 1 0 0
	echo "TCP  [2001:db8::20]:0 mh persistent 300 mask 64"
	d "[2001:db8::21]:0" 1 0 0
	echo "UDP  [2001:db8::10]:53 sh (sh-fallback)"
	d "[2001:db8::11]:53" 1 0 0
} >"$LAB_DIR/want"
uvsadm -L -n >"$LAB_DIR/list"
t_check "-L -n lists v4 first, then the v6 services as ipvsadm does" \
	same "$LAB_DIR/want" <(tail -n +2 "$LAB_DIR/list")
t_check "-L -n's first line is ipvsadm's header" \
	grep -q '^IP Virtual Server version 1.2.1 (size=[0-9]*)$' "$LAB_DIR/list"
t_check "-L -n -t [v6]:80 lists that service alone" \
	same <(sed -n '1,2p;6,8p' "$LAB_DIR/want") <(uvsadm -L -n -t "[$V6]:80")
t_check "-L (names) brackets a v6 address it cannot name" \
	grep -q '^TCP  \[2001:db8::10\]:http rr$' <(uvsadm -L)
t_check "--stats lists the v6 services" \
	grep -q '^UDP  \[2001:db8::10\]:53  ' <(uvsadm -L -n --stats)

cat >"$LAB_DIR/s_want" <<EOT
-A -t 198.18.0.10:80 -s rr
-a -t 198.18.0.10:80 -r 198.18.0.11:80 -g -w 1
-a -t 198.18.0.10:80 -r 198.18.0.12:80 -g -w 1
-A -t [2001:db8::10]:80 -s rr
-a -t [2001:db8::10]:80 -r [2001:db8::11]:80 -g -w 2
-a -t [2001:db8::10]:80 -r [2001:db8::12]:80 -g -w 1
-A -t [2001:db8::20]:0 -s mh -p 300 -M 64
-a -t [2001:db8::20]:0 -r [2001:db8::21]:0 -g -w 1
-A -u [2001:db8::10]:53 -s sh -b sh-fallback
-a -u [2001:db8::10]:53 -r [2001:db8::11]:53 -g -w 1
EOT
uvsadm -S -n >"$LAB_DIR/s1"
t_check "-S -n writes ipvsadm's rules for v4 and v6" \
	same "$LAB_DIR/s_want" "$LAB_DIR/s1"
uvsadm -C
uvsadm -R <"$LAB_DIR/s1"
t_check "-R reads the v6 rules back" [ $? = 0 ]
t_check "-S | -C | -R | -S gives the same rules" \
	same "$LAB_DIR/s1" <(uvsadm -S -n)

uvsadm -L -n --json >"$LAB_DIR/json"
t_check "--json carries v6 addresses and the prefix as a number" \
	python3 - "$LAB_DIR/json" <<'EOT'
import json, sys
t = json.load(open(sys.argv[1]))
svcs = {(s['protocol'], s['address'], s['port']): s for s in t['services']}
s = svcs[('TCP', '2001:db8::10', 80)]
assert [d['address'] for d in s['dests']] == ['2001:db8::11', '2001:db8::12']
assert svcs[('TCP', '2001:db8::20', 0)]['netmask'] == 64
assert svcs[('TCP', '198.18.0.10', 80)]['netmask'] is None
EOT


# mixed families: uvsadm refuses as ipvsadm 1.31 does (exit 2) ...
for args in "-a -t [$V6]:80 -r 198.18.0.11:80 -g" \
    "-a -t $VIP:80 -r [2001:db8::11]:80 -g"; do
	# shellcheck disable=SC2086
	uvsadm $args >"$LAB_DIR/out" 2>"$LAB_DIR/err"
	rc=$?
	t_check "uvsadm $args: exit 2, ipvsadm's words" all \
		[ "$rc" = 2 ] --and \
		grep -qx "Different address family is allowed only for tunneling servers" "$LAB_DIR/err"
done
# ... and a tunnel, which ipvsadm lets mix, uvsd refuses (IPv4 outside)
uvsadm -a -t "$VIP:80" -r "[2001:db8::11]:80" -i >"$LAB_DIR/out" 2>"$LAB_DIR/err"
rc=$?
t_check "a v6 tunnel under a v4 VIP is refused by uvsd (exit $rc)" all \
	[ "$rc" = 255 ] --and \
	grep -q "Operation not supported with specified address family" "$LAB_DIR/err"
t_check "and nothing changed" same "$LAB_DIR/s1" <(uvsadm -S -n)

# all or nothing: v6 lines before a refused one leave the table as it was
printf '%s\n' "-A -t [2001:db8::30]:80 -s wlc" \
	"-a -t [2001:db8::30]:80 -r [2001:db8::31]:80 -g" \
	"-a -t [2001:db8::30]:80 -r [2001:db8::31]:80 -g" >"$LAB_DIR/bad"
uvsadm -R <"$LAB_DIR/bad" 2>"$LAB_DIR/err"
t_check "-R with a refused third line fails and names it" all \
	not [ $? = 0 ] --and grep -q "line 3" "$LAB_DIR/err"
t_check "and adds none of the v6 lines before it" \
	same "$LAB_DIR/s1" <(uvsadm -S -n)

# the bad words of a v6 address, as ipvsadm prints them
for a in "[$V6:80" "[$V6]" "[2001:db8::g]:80"; do
	uvsadm -A -t "$a" 2>"$LAB_DIR/err"
	rc=$?
	t_check "-A -t $a: exit 2, illegal virtual server address" all \
		[ "$rc" = 2 ] --and \
		grep -qx "illegal virtual server address\[:port\] specified" "$LAB_DIR/err"
done
uvsadm -E -t "[$V6]:80" -s rr -p -M 129 2>"$LAB_DIR/err"
rc=$?
t_check "-M 129 for a v6 service: exit 2, ipvsadm's words" all \
	[ "$rc" = 2 ] --and grep -qx "illegal ipv6 netmask specified" "$LAB_DIR/err"
t_done
