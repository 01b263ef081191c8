# bigrules NSVC NDEST [NVIP]: a rules file (uvsadm -S -n lines) of NSVC
# TCP services spread over NVIP VIPs (198.18.0.10, then 198.18.0.21 on;
# default 1), each with NDEST real servers among 198.18.0.11..(10+NDEST).
# For load-time and all-or-nothing tests.
bigrules() {
	local nsvc=$1 ndest=$2 nvip=${3:-1}
	awk -v ns="$nsvc" -v nd="$ndest" -v nv="$nvip" 'BEGIN {
		for (i = 0; i < ns; i++) {
			v = i % nv; vip = v ? "198.18.0." (20 + v) : "198.18.0.10"
			port = 1000 + int(i / nv)
			printf "-A -t %s:%d -s wlc\n", vip, port
			for (k = 1; k <= nd; k++)
				printf "-a -t %s:%d -r 198.18.0.%d:%d -g -w 1\n", vip, port, 10 + k, port
		}
	}'
}
