# The forwarding bench's lab and its paths (sourced by run.sh after
# tests/lab/lab.sh). The lab is built once; each path is then set up,
# measured and torn down in turn, so every path sees the same hosts, the
# same bridge and the same real servers. A path is set up by
# path_up KIND ARGS and removed by path_down; path_up leaves:
#   PATH_MAC   where the client sends VIP frames (its neighbour entry
#              for the VIP, and trafgen's destination MAC)
#   PATH_URL   what wrk fetches
#   PATH_UDP   1 when the path forwards UDP (HAProxy here is TCP only)
#   PATH_PID   the forwarder process, whose CPU time is read (or empty)
#   PATH_CORES how many cores it may use
#   PATH_LOG   its stdout and stderr
# Every process started is killed by its PID (bench_stop), never by name.
# A one-thread forwarder (naive, haproxy, uvsd, uvsd -j 1) is pinned to
# FWD_CPU, away from the load generator's core (load.sh, LOAD_CPU), so
# the scheduler cannot put both on one core in one run and not the next;
# uvsd -j N with N > 1 may use every core.

FWD_CPU=${FWD_CPU:-1}
UDP_PORT=9	# discard: the real servers drop it at ingress (fwd_lab_up)
TRAFGEN_PAYLOAD=18	# 14 + 20 + 8 + 18 = 60 B, a 64 B frame with its FCS
PATH_PID=

# Kills one process this bench started, waits for it, forgets its PID
# (so lab_down never signals a PID the system may have reused).
bench_stop() {
	local pid=$1 p keep=()
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	for p in "${LAB_PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
	LAB_PIDS=("${keep[@]}")
}

# Real server i: the VIP on lo without ARP (uvs-rs), nginx on :80 with a
# tiny page, and the bench's UDP frames dropped at ingress, so the server
# spends nothing on them (each path is charged the same).
fwd_rs_up() {
	local i=$1
	lab_exec "rs$i" "$B/uvs-rs" --state "$LAB_DIR/rs$i.state" up "$VIP" \
		>/dev/null || return 1
	lab_exec "rs$i" nft -f - <<-EOT || return 1
	table netdev bench {
		chain ingress {
			type filter hook ingress device eth0 priority 0;
			udp dport $UDP_PORT counter drop
		}
	}
	EOT
	fwd_nginx_up "$i"
}

# Real server i's nginx on :80 answering "rsI" (the ECMP bench runs it
# too, bench/ecmp/run.sh).
fwd_nginx_up() {
	local i=$1 dir=$LAB_DIR/nginx-rs$1
	lab_exec "rs$i" sysctl -qw net.core.somaxconn=4096 \
		net.ipv4.tcp_max_syn_backlog=4096
	mkdir -p "$dir"
	cat >"$dir/nginx.conf" <<-EOT
	daemon off;
	master_process off;
	worker_processes 1;
	user root;
	pid $dir/nginx.pid;
	error_log $dir/error.log warn;
	events { worker_connections 8192; }
	http {
		access_log off;
		client_body_temp_path $dir/body;
		proxy_temp_path $dir/proxy;
		fastcgi_temp_path $dir/fastcgi;
		uwsgi_temp_path $dir/uwsgi;
		scgi_temp_path $dir/scgi;
		keepalive_requests 1000000;
		server {
			listen 80 backlog=4096;
			location / { return 200 "rs$i\n"; }
		}
	}
	EOT
	lab_bg "rs$i" "$dir/stderr" nginx -p "$dir" -e "$dir/error.log" \
		-c "$dir/nginx.conf"
}

# The lab: client, director, three real servers on one bridge.
fwd_lab_up() {
	local i
	lab_up 3 || return 1
	# naive_fwd sends the bytes it reads: a TCP segment whose checksum
	# veth left for the "NIC" would arrive broken. The client computes
	# its checksums itself for every path alike (bench/README.md).
	lab_exec c ethtool -K eth0 tx off >/dev/null 2>&1 || return 1
	# 5 s of Connection: close at 15 k/s outruns the default port range
	lab_exec c sysctl -qw net.ipv4.ip_local_port_range="1024 65535" \
		net.ipv4.tcp_tw_reuse=1
	lab_exec d sysctl -qw net.ipv4.ip_local_port_range="1024 65535" \
		net.ipv4.tcp_tw_reuse=1 net.core.somaxconn=4096
	for i in 1 2 3; do fwd_rs_up "$i" || return 1; done
	for i in 1 2 3; do lab_wait_port "rs$i" 80 || return 1; done
	MAC_C=$(lab_mac c)
	MAC_D=$(lab_mac d)
	MAC_RS=("$(lab_mac rs1)" "$(lab_mac rs2)" "$(lab_mac rs3)")
	# every host speaks once, so the bridge knows every port's MAC
	for i in 1 2 3; do
		lab_exec "rs$i" ping -c1 -W1 "$CLIENT_IP" >/dev/null || return 1
	done
	lab_exec d ping -c1 -W1 "$CLIENT_IP" >/dev/null || return 1
}

# Each TCP load speaks from a new client address (198.18.0.101 on): the
# real servers keep a TIME_WAIT for every closed connection for 60 s, and
# a later path reusing the same address and ports would collide with the
# earlier paths' (the kernel takes such a SYN, but by a slower way), so
# the order of the paths would show in their figures.
CLIENT_SRC_N=0
fwd_client_next_src() {
	local a=198.18.0.$((101 + CLIENT_SRC_N))
	CLIENT_SRC_N=$((CLIENT_SRC_N + 1))
	lab_exec c ip addr add "$a/24" dev eth0 &&
		lab_exec c ip route replace 198.18.0.0/24 dev eth0 proto kernel \
			scope link src "$a"
}

fwd_client_neigh() {
	lab_exec c ip neigh replace "$VIP" lladdr "$1" dev eth0 nud permanent
}

# Waits (bounded, about 4 s) until the path answers an HTTP request.
fwd_path_ready() {
	local n
	for n in $(seq 20); do
		lab_exec c curl -s -m 1 "$PATH_URL" 2>/dev/null | grep -q '^rs' &&
			return 0
		sleep 0.2
	done
	return 1
}

# The kernel's own DR, as a peer: an nftables netdev ingress rule on the
# director rewrites the MACs (real server by a hash of the client address
# and port, so a TCP connection stays put) and sends the frame back out.
path_nft_up() {
	local map="{ 0 : ${MAC_RS[0]}, 1 : ${MAC_RS[1]}, 2 : ${MAC_RS[2]} }"
	lab_exec d nft -f - <<-EOT
	table netdev benchdr {
		chain ingress {
			type filter hook ingress device eth0 priority 0;
			ip daddr $VIP udp dport $UDP_PORT ether saddr set $MAC_D ether daddr set jhash ip saddr . udp sport mod 3 map $map fwd to eth0
			ip daddr $VIP tcp dport 80 ether saddr set $MAC_D ether daddr set jhash ip saddr . tcp sport mod 3 map $map fwd to eth0
		}
	}
	EOT
}

path_haproxy_up() {
	local cfg=$LAB_DIR/haproxy.cfg i
	# maxconn asks for 2 fds per connection: keep it under a hard
	# RLIMIT_NOFILE of 20000 (wrk opens 32)
	{
		printf 'global\n\tnbthread 1\n\tmaxconn 4096\n'
		printf 'defaults\n\tmode tcp\n\ttimeout connect 5s\n'
		printf '\ttimeout client 30s\n\ttimeout server 30s\n'
		printf 'frontend fe\n\tbind %s:80\n\tdefault_backend be\n' \
			"$DIR_IP"
		printf 'backend be\n\tbalance roundrobin\n'
		for i in 1 2 3; do
			printf '\tserver rs%d %s:80\n' "$i" "$(rs_ip "$i")"
		done
	} >"$cfg"
	PATH_LOG=$LAB_DIR/haproxy.log
	lab_bg d "$PATH_LOG" taskset -c "$FWD_CPU" \
		haproxy -db -f "$cfg"
	PATH_PID=${LAB_PIDS[-1]}
	lab_wait_port d 80
}

path_naive_up() {
	PATH_LOG=$LAB_DIR/naive.log
	lab_bg d "$PATH_LOG" taskset -c "$FWD_CPU" \
		"$B/naive_fwd" -i eth0 --vip "$VIP" --max-time 600 "${MAC_RS[@]}"
	PATH_PID=${LAB_PIDS[-1]}
}

# uvsd as lab_start_uvsd starts it, but without -v: logging every new
# flow would be measured too.
path_uvsd_up() {
	local n i cpus=$FWD_CPU
	[[ " $* " =~ \ -j\ *([0-9]+)\  ]] && [ "${BASH_REMATCH[1]}" -gt 1 ] &&
		cpus=0-$(($(nproc) - 1)) PATH_CORES=$(nproc)
	rm -f "$LAB_SOCK"
	PATH_LOG=$LAB_DIR/uvsd.log
	ip netns exec "$(lab_ns d)" taskset -c "$cpus" "$B/uvsd" -i eth0 \
		--socket "$LAB_SOCK" "$@" >"$PATH_LOG" 2>&1 &
	PATH_PID=$!
	LAB_PIDS+=("$PATH_PID")
	for n in $(seq 50); do
		[ -S "$LAB_SOCK" ] && break
		kill -0 "$PATH_PID" 2>/dev/null || break
		sleep 0.1
	done
	if [ ! -S "$LAB_SOCK" ]; then
		sed 's/^/  uvsd: /' "$LAB_DIR/uvsd.log" >&2
		return 1
	fi
	uvsadm -A -t "$VIP:80" -s rr && uvsadm -A -u "$VIP:$UDP_PORT" -s rr ||
		return 1
	for i in 1 2 3; do
		uvsadm -a -t "$VIP:80" -r "$(rs_ip "$i"):80" -g &&
			uvsadm -a -u "$VIP:$UDP_PORT" -r "$(rs_ip "$i")" -g ||
			return 1
	done
	lab_wait_resolved
}

# uvsd as path_uvsd_up starts it (default backend, no -j) with N VIPs in
# its table: VIP's two services and N - 1 more VIPs (198.19.100.100 on,
# as tests/e2e/many_vips.sh numbers them) with a UDP service over the
# same three real servers each, loaded with one uvsadm -R. The load
# still goes to VIP, so rows vips-1 and vips-1000 differ only in the
# table's size: what 1 000 VIPs cost a frame.
path_uvsd_vips_up() {
	local n=$1
	path_uvsd_up || return 1
	[ "$n" -gt 1 ] || return 0
	awk -v n="$((n - 1))" -v port="$UDP_PORT" \
		-v rs="$(rs_ip 1) $(rs_ip 2) $(rs_ip 3)" 'BEGIN {
		split(rs, r, " ")
		b = 198 * 2^24 + 19 * 2^16 + 100 * 256 + 100
		for (i = 0; i < n; i++) {
			v = b + i
			a = sprintf("%d.%d.%d.%d", int(v / 2^24), int(v / 2^16) % 256,
			    int(v / 256) % 256, v % 256)
			print "-A -u " a ":" port " -s rr"
			for (k = 1; k <= 3; k++)
				print "-a -u " a ":" port " -r " r[k] " -g"
		} }' | uvsadm -R
}

# uvsd as path_uvsd_up starts it, its table made room for twice FLOWS,
# under a UDP load spread over FLOWS flows (1 000 clients, prime source
# port counts) instead of the usual 64 100: the row flows-1m, read
# against vips-1 (the same uvsd, the same frames/s load). The load's
# warm-up lasts until every flow is in the table, so the seconds counted
# are lookups of a table with a million live entries, not insertions.
# UDP only: the TCP loads would measure nothing the table's size changes.
path_uvsd_flows_up() {
	local flows=$1
	PATH_CLIENTS=1000
	PATH_PORTS=$(awk -v n="$((flows / 1000))" 'BEGIN {
		for (p = n; ; p++) {	# the first prime from flows / 1000 on
			for (d = 2; d * d <= p && p % d; d++) ;
			if (d * d > p) { print p; exit }
		} }')
	PATH_TCP=0 PATH_WARM=4
	path_uvsd_up --conn-max "$((2 * flows))"
}

# path_up KIND [ARGS]: KIND is ceiling, nft, naive, haproxy, uvsd (ARGS
# then are uvsd's extra options), uvsdvips (ARGS: the VIP count) or
# uvsdflows (ARGS: the flow count). Returns non-zero if the path is not
# up. PATH_CLIENTS x PATH_PORTS are the UDP load's flows, PATH_WARM its
# warm-up in seconds, PATH_TCP 0 when the path has no TCP loads.
path_up() {
	local kind=$1; shift
	PATH_PID= PATH_UDP=1 PATH_MAC=$MAC_D PATH_URL="http://$VIP/" PATH_CORES=1
	PATH_LOG=/dev/null PATH_TCP=1 PATH_WARM=1
	PATH_CLIENTS=$UDP_CLIENTS PATH_PORTS=$UDP_PORTS
	case $kind in
	ceiling) PATH_MAC=${MAC_RS[0]} ;;
	nft) path_nft_up || return 1 ;;
	naive) path_naive_up || return 1 ;;
	haproxy) PATH_UDP=0 PATH_URL="http://$DIR_IP/"
		path_haproxy_up || return 1 ;;
	uvsd) path_uvsd_up "$@" || return 1 ;;
	uvsdvips) path_uvsd_vips_up "$@" || return 1 ;;
	uvsdflows) path_uvsd_flows_up "$@" || return 1 ;;
	*) echo "bench: unknown path kind $kind" >&2; return 1 ;;
	esac
	fwd_client_neigh "$PATH_MAC"
	fwd_path_ready
}

# True when the path's forwarder has exited (crashed or gave up); says
# so on stderr with the end of its log.
path_died() {
	[ -n "$PATH_PID" ] && ! kill -0 "$PATH_PID" 2>/dev/null || return 1
	echo "bench: the forwarder (PID $PATH_PID) has exited; its log ends:" >&2
	tail -5 "$PATH_LOG" | sed 's/^/  /' >&2
}

path_down() {
	lab_exec d nft delete table netdev benchdr 2>/dev/null
	bench_stop "$PATH_PID"
	PATH_PID=
	rm -f "$LAB_SOCK"
}
