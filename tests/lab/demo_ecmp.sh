#!/bin/bash
# make demo-ecmp: three directors behind an ECMP router, each running
# uvsd and bird2 announcing the VIP by BGP; 90 keep-alive connections
# held open; one director withdrawn (its bird stopped); every connection
# asks again and is answered by the real server it had. The counters
# show it: per director before and after, and the broken ones (0). The
# lab (tests/lab/ecmp.sh) is removed at the end, also on Ctrl-C.
set -u
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/ecmp.sh"
if [ "$(id -u)" != 0 ]; then
	echo "make demo-ecmp needs root (it builds network namespaces)" >&2
	exit 1
fi
command -v bird >/dev/null || { echo "make demo-ecmp needs bird2" >&2; exit 1; }
trap 'lab_down; echo "lab removed."' EXIT
trap 'exit 130' INT TERM

if [ -t 1 ]; then
	say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
else
	say() { printf '\n%s\n' "$*"; }
fi
run() { printf '  %s\n' "\$ $*"; }
fail() { echo "demo-ecmp: $*" >&2; exit 1; }
N=90

say "1. A lab: client $CLIENT_IP behind router $ECMP_RTR_CLI/$ECMP_RTR_LAN (bird2, AS $ECMP_AS_RTR); directors d1-d3 $(ecmp_dir_ip 1)-$(ecmp_dir_ip 3); real servers rs1-rs3 $(rs_ip 1)-$(rs_ip 3); VIP $ECMP_VIP."
ecmp_up 3 3 || fail "could not build the lab"
run "sysctl net.ipv4.fib_multipath_hash_policy=1      # on the router: hash on L4"

say "2. Each director: the same rules, mh with --sloppy-tcp, and bird2 announcing the VIP."
ecmp_rules mh | sed 's/^/  rules: /'
run "uvsd -i eth0 --sloppy-tcp --rules /etc/uvs/rules &"
run "bird -c /etc/bird/bird.conf                   # docs/examples/bird-director.conf"
for i in 1 2 3; do ecmp_director "$i" mh || fail "d$i did not start"; done
ecmp_wait_nexthops 3 || fail "the router never learnt three next hops"
run "ip route show $ECMP_VIP                        # on the router"
lab_exec r ip -4 route show "$ECMP_VIP/32" | sed 's/^/  /'

say "3. The client opens $N keep-alive connections and makes one request on each."
ecmp_hold demo "$N" 10000 || fail "the client's connections"
ecmp_snapshot demo before
echo "  answered: $(ecmp_answered demo before)/$N; by real server:" \
	"$(awk '$1 == "before" { print $4 }' "$LAB_DIR/demo.conns" | sort | uniq -c | awk '{ printf "%s %s  ", $2, $1 }')"
echo "  open flows per director: $(cut -d' ' -f1 "$LAB_DIR/demo.before" | sort | uniq -c | awk '{ printf "%s %s  ", $2, $1 }')"

say "4. d3 withdraws: its BGP speaker stops (uvsd on d3 keeps running)."
run "kill \$(cat /run/bird/bird.pid)                # on d3"
ecmp_withdraw 3
ecmp_wait_nexthops 2 || fail "the router kept d3's route"
lab_exec r ip -4 route show "$ECMP_VIP/32" | sed 's/^/  /'

say "5. Every connection makes its second request."
ecmp_hold_go demo
ecmp_snapshot demo after
echo "  flows the router moved to another director: $(ecmp_moves demo | awk '{ printf "%s %s  ", $1, $2 }')(total $(ecmp_moved demo))"
for i in 1 2 3; do
	echo "  d$i: conns_new $(ecmp_counter "$i" conns_new), drop_tcp_nosyn $(ecmp_counter "$i" drop_tcp_nosyn)"
done
echo "  answered after: $(ecmp_answered demo after)/$N; broken (another server, reset, timeout): $(ecmp_broken demo)"
if [ "$(ecmp_broken demo)" = 0 ] && [ "$(ecmp_answered demo after)" = "$N" ]; then
	echo "  -> nothing was lost: each moved flow met mh on its new director, which picked the same real server."
else
	echo "  -> UNEXPECTED: some connections broke."
	exit 1
fi
