# The forwarding bench's output (sourced by run.sh): the table, the
# ratios against the peers of the same run with the issue's goals, the
# CSV and the gnuplot chart. Results live in associative arrays indexed by
# path name (R_KFPS, R_LOSS, R_CONN, R_REQ, R_P50, R_P99, R_CPU, R_NOTE), in the
# order of PATHS; an empty cell means "not measured on this path".

# ratio A B: A/B with two decimals, empty when either is missing or B is 0.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "" || b == "" || b + 0 == 0) exit
		printf "%.2f", a / b }'
}

cell() { [ -n "$1" ] && echo "$1" || echo -; }

report_table() {
	local p
	printf '%-15s %8s %7s %9s %9s %8s %8s %11s %6s\n' path kfps 'lost %' \
		conn/s req/s 'p50 ms' 'p99 ms' 'cpu s/Mpkt' 'cpu %'
	for p in "${PATHS[@]}"; do
		printf '%-15s %8s %7s %9s %9s %8s %8s %11s %6s\n' "$p" \
			"$(cell "${R_KFPS[$p]}")" "$(cell "${R_LOSS[$p]}")" \
			"$(cell "${R_CONN[$p]}")" \
			"$(cell "${R_REQ[$p]}")" "$(cell "${R_P50[$p]}")" \
			"$(cell "${R_P99[$p]}")" "$(cell "${R_CPU[$p]}")" \
			"$(cell "${R_UTIL[$p]}")"
	done
	for p in "${PATHS[@]}"; do
		[ -n "${R_NOTE[$p]}" ] && echo "  $p: ${R_NOTE[$p]}"
		starved "$p" && echo "  $p: lost ${R_LOSS[$p]}% of the frames" \
			"at ${R_UTIL[$p]}% cpu (${R_CORES[$p]:-1} core(s) allowed):" \
			"something else held its core (other work on the machine?)," \
			"so its kfps says little; run again"
	done
	return 0
}

# starved PATH: the forwarder dropped frames (over 5 %) while it used
# under 80 % of the cores it may use: it was waiting for a core, not busy.
starved() {
	[ -n "${R_UTIL[$1]}" ] && [ -n "${R_LOSS[$1]}" ] &&
		awk -v l="${R_LOSS[$1]}" -v u="${R_UTIL[$1]}" -v n="${R_CORES[$1]:-1}" \
			'BEGIN { exit !(l > 5 && u < 80 * n) }'
}

# goal_max NAME VALUE MAX: the same for a figure that must stay below.
goal_max() {
	local verdict=-
	[ -n "$2" ] && verdict=$(awk -v v="$2" -v m="$3" \
		'BEGIN { print (v <= m) ? "met" : "NOT met" }')
	printf '  %-48s %7s   goal <= %-5s %s\n' "$1" "$(cell "${2:+${2}x}")" \
		"${3}x" "$verdict"
}

# goal NAME VALUE MIN: one line, "met" or "NOT met" (never an exit code).
goal() {
	local verdict=-
	[ -n "$2" ] && verdict=$(awk -v v="$2" -v m="$3" \
		'BEGIN { print (v >= m) ? "met" : "NOT met" }')
	printf '  %-48s %7s   goal >= %-5s %s\n' "$1" "$(cell "${2:+${2}x}")" \
		"${3}x" "$verdict"
}

report_ratios() {
	local p c=ceiling
	echo
	echo "share of the ceiling (same run):"
	printf '  %-15s %8s %8s %8s\n' path kfps conn/s req/s
	for p in "${PATHS[@]}"; do
		[ "$p" = "$c" ] && continue
		printf '  %-15s %8s %8s %8s\n' "$p" \
			"$(cell "$(ratio "${R_KFPS[$p]}" "${R_KFPS[$c]}")")" \
			"$(cell "$(ratio "${R_CONN[$p]}" "${R_CONN[$c]}")")" \
			"$(cell "$(ratio "${R_REQ[$p]}" "${R_REQ[$c]}")")"
	done
	report_xdp
	for p in "${PATHS[@]}"; do
		case $p in uvsd-xdp) continue ;; uvsd*) ;; *) continue ;; esac
		echo
		echo "$p against its peers (issue 17's goals for the default backend):"
		goal "frames/s  $p / ceiling" \
			"$(ratio "${R_KFPS[$p]}" "${R_KFPS[ceiling]}")" 0.9
		goal_max "cpu/frame $p / naive" \
			"$(ratio "${R_CPU[$p]}" "${R_CPU[naive]}")" 0.4
		goal "req/s     $p / nft-dr (keep-alive)" \
			"$(ratio "${R_REQ[$p]}" "${R_REQ[nft-dr]}")" 0.95
		goal_max "p50       $p / nft-dr (keep-alive)" \
			"$(ratio "${R_P50[$p]}" "${R_P50[nft-dr]}")" 1.1
		goal "conn/s    $p / ceiling" \
			"$(ratio "${R_CONN[$p]}" "${R_CONN[ceiling]}")" 0.95
	done
}

# The AF_XDP backend's goals (issue 17): frames/s against the kernel's
# DR and the bridge alone, CPU per forwarded frame against the naive
# loop (each the forwarder process's own CPU time, user and system:
# what the kernel does in its syscalls is charged to it, softirq work
# on the generator's core is not, for every path alike).
report_xdp() {
	local p=uvsd-xdp
	[ -n "${KIND[$p]}" ] || return 0
	echo
	echo "$p (issue 17's AF_XDP goals):"
	goal "frames/s  $p / nft-dr" \
		"$(ratio "${R_KFPS[$p]}" "${R_KFPS[nft-dr]}")" 1.3
	goal "frames/s  $p / ceiling" \
		"$(ratio "${R_KFPS[$p]}" "${R_KFPS[ceiling]}")" 0.85
	goal_max "cpu/frame $p / naive" \
		"$(ratio "${R_CPU[$p]}" "${R_CPU[naive]}")" 0.25
}

# vips-1000 against vips-1: the issue's "within 10 %" of frames/s.
report_vips() {
	[ -n "${KIND[vips-1]}" ] && [ -n "${KIND[vips-1000]}" ] || return 0
	echo
	echo "many VIPs (the same uvsd, the same load to one VIP):"
	goal "frames/s  vips-1000 / vips-1" \
		"$(ratio "${R_KFPS[vips-1000]}" "${R_KFPS[vips-1]}")" 0.9
	goal "conn/s    vips-1000 / vips-1" \
		"$(ratio "${R_CONN[vips-1000]}" "${R_CONN[vips-1]}")" 0.9
}

# flows-1m against vips-1: issue 17's "within 15 %" of frames/s with 1 M
# live flows; and what a frame cost the forwarder in each.
report_flows() {
	[ -n "${KIND[vips-1]}" ] && [ -n "${KIND[flows-1m]}" ] || return 0
	echo
	echo "1 M live flows (the same uvsd; its UDP load over 64 100 flows, or 1 M):"
	goal "frames/s  flows-1m / vips-1" \
		"$(ratio "${R_KFPS[flows-1m]}" "${R_KFPS[vips-1]}")" 0.85
	goal_max "cpu/frame flows-1m / vips-1" \
		"$(ratio "${R_CPU[flows-1m]}" "${R_CPU[vips-1]}")" 1.15
}

report_csv() {
	local p
	echo "path,kfps,lost_pct,conn_per_s,req_per_s,p50_ms,p99_ms,cpu_s_per_mpkt,cpu_pct"
	for p in "${PATHS[@]}"; do
		echo "$p,${R_KFPS[$p]},${R_LOSS[$p]},${R_CONN[$p]},${R_REQ[$p]},${R_P50[$p]},${R_P99[$p]},${R_CPU[$p]},${R_UTIL[$p]}"
	done
}

# Two bar charts side by side: frames/s, and connections and requests/s.
report_png() {
	local csv=$1 png=$2 gp=${2%.png}.gp
	command -v gnuplot >/dev/null 2>&1 || {
		echo "no gnuplot: no $png" >&2; return 0; }
	cat >"$gp" <<-EOT
	set terminal png size 1200,520 noenhanced
	set output '$png'
	set datafile separator ','
	set datafile missing ''
	set datafile columnheaders
	set style data histogram
	set style histogram clustered gap 1
	set style fill solid 0.8 border -1
	set grid ytics
	set yrange [0:*]
	set offsets 0, 0, graph 0.08, 0
	set xtics rotate by -30
	set multiplot layout 1,2 title 'uvs forwarding bench: one lab, one run ($(date +%F), $(nproc) CPUs)'
	set title '64 B UDP frames/s at the real servers'
	set ylabel 'kfps'
	plot '$csv' using 2:xtic(1) title 'kfps' lc rgb '#3060a0', \\
		'' using 0:2:2 with labels offset 0,0.8 notitle
	set title 'HTTP through the path (wrk -t1 -c32)'
	set ylabel 'per second'
	plot '$csv' using 4:xtic(1) title 'new conn/s', '' using 5 title 'req/s keep-alive'
	unset multiplot
	EOT
	gnuplot "$gp" 2>"$LAB_DIR/gnuplot.err" ||
		{ echo "gnuplot failed:" >&2; cat "$LAB_DIR/gnuplot.err" >&2; }
}
