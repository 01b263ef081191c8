#!/bin/bash
# -S | -R round trip on a table that uses every option uvs keeps; a rules
# file with one bad line (bad words, or a refusal only the table can
# tell) changes nothing and names the line; the old sysconfig style
# (leading "ipvsadm", comments, blank lines) loads; uvsd --rules loads a
# saved table at start and refuses a bad one.
. "$(dirname "$0")/../lab/lab.sh"
lab_cluster 3
R1=$(rs_ip 1) R2=$(rs_ip 2) R3=$(rs_ip 3)
VIP2=198.18.0.20

uvsadm -A -t "$VIP:80" -s wlc
uvsadm -a -t "$VIP:80" -r "$R1:80" -g -w 3 -x 100 -y 50
uvsadm -a -t "$VIP:80" -r "$R2:80" -g -w 0
uvsadm -a -t "$VIP:80" -r "$R3" -g
uvsadm -A -t "$VIP:443" -s sh -b sh-port,sh-fallback -p 600 -M 255.255.255.0
uvsadm -a -t "$VIP:443" -r "$R1" -g -w 2
uvsadm -A -u "$VIP:53" -s rr -o
uvsadm -a -u "$VIP:53" -r "$R2" -g
uvsadm -A -t "$VIP2:0" -s mh -b mh-port -p
uvsadm -a -t "$VIP2:0" -r "$R3:0" -g -w 65535
uvsadm -A -u "$VIP2:9000" -s lblcr
uvsadm -a -u "$VIP2:9000" -r "$R1:9000" -g -x 7
uvsadm --set 1000 100 200

uvsadm -S -n >"$LAB_DIR/s1"
t_check "-S -n writes one line per service and dest (12)" \
	[ "$(wc -l <"$LAB_DIR/s1")" = 12 ]
uvsadm -S >"$LAB_DIR/s1names"
t_check "-S (names) writes the same lines with port names" \
	grep -qx -- "-A -t $VIP:http -s wlc" "$LAB_DIR/s1names"

uvsadm -C
t_check "-C empties the table" prints_nothing uvsadm -S -n
uvsadm -R <"$LAB_DIR/s1"
t_check "-R exits 0 on what -S wrote" [ $? = 0 ]
uvsadm -S -n >"$LAB_DIR/s2"
t_check "-S | -R | -S gives the same rules" same "$LAB_DIR/s1" "$LAB_DIR/s2"

uvsadm -C
uvsadm -R <"$LAB_DIR/s1names"
uvsadm -S -n >"$LAB_DIR/s3"
t_check "-S (names) | -R restores the same table" same "$LAB_DIR/s1" "$LAB_DIR/s3"

# one bad line in the middle: a bad weight, caught by the parser
{ sed -n 1,5p "$LAB_DIR/s1"; echo "-a -t $VIP:80 -r 198.18.0.14:80 -g -w 70000"; sed -n '6,$p' "$LAB_DIR/s1"; } >"$LAB_DIR/bad1"
uvsadm -C
uvsadm -A -t "$VIP:8080" -s rr
uvsadm -S -n >"$LAB_DIR/before"
uvsadm -R <"$LAB_DIR/bad1" 2>"$LAB_DIR/err1"; rc=$?
t_check "-R with a bad weight on line 6 exits 2 (got $rc)" [ "$rc" = 2 ]
t_check "the error names line 6 and ipvsadm's words ($(cat "$LAB_DIR/err1"))" \
	grep -q 'line 6: illegal weight specified' "$LAB_DIR/err1"
t_check "the table is unchanged after the bad file" \
	same "$LAB_DIR/before" <(uvsadm -S -n)

# a refusal only the table can tell: the service exists already (line 4)
printf '%s\n' "-A -t $VIP:81 -s rr" "-a -t $VIP:81 -r $R1:81 -g" "" \
	"-A -t $VIP:8080 -s wlc" >"$LAB_DIR/bad2"
uvsadm -R <"$LAB_DIR/bad2" 2>"$LAB_DIR/err2"; rc=$?
t_check "-R adding an existing service exits 255 (got $rc)" [ "$rc" = 255 ]
t_check "the error names line 4: Service already exists ($(cat "$LAB_DIR/err2"))" \
	grep -q 'line 4: Service already exists' "$LAB_DIR/err2"
t_check "lines 1-2 of the refused file were not applied either" \
	same "$LAB_DIR/before" <(uvsadm -S -n)

# a dest for a service the file deletes first
printf '%s\n' "-D -t $VIP:8080" "-a -t $VIP:8080 -r $R1 -g" >"$LAB_DIR/bad3"
uvsadm -R <"$LAB_DIR/bad3" 2>"$LAB_DIR/err3"
t_check "a dest after its service's -D is refused on line 2 ($(cat "$LAB_DIR/err3"))" \
	grep -q 'line 2: Service not defined' "$LAB_DIR/err3"
t_check "and the -D on line 1 did not happen" \
	same "$LAB_DIR/before" <(uvsadm -S -n)

printf '%s\n' "-L -n" >"$LAB_DIR/bad4"
uvsadm -R <"$LAB_DIR/bad4" 2>"$LAB_DIR/err4"; rc=$?
t_check "a listing inside a rules file is refused (rc $rc)" \
	grep -q 'line 1: only -A -E -D -C -a -e -d -Z and --set' "$LAB_DIR/err4"
printf '%s\n' "-A -t $VIP:82 -s nosuchsched" >"$LAB_DIR/bad5"
uvsadm -R <"$LAB_DIR/bad5" 2>"$LAB_DIR/err5"
t_check "an unknown scheduler is refused with ipvsadm's words" \
	grep -q 'line 1: Scheduler or persistence engine not found' "$LAB_DIR/err5"
printf '%s\n' "-A -f 1 -s rr" >"$LAB_DIR/bad6"
uvsadm -R <"$LAB_DIR/bad6" 2>"$LAB_DIR/err6"
t_check "-f in a rules file says uvs cannot do it" \
	grep -q 'line 1: uvsadm: -f (firewall-mark services) is not supported' "$LAB_DIR/err6"

# the old /etc/sysconfig/ipvsadm style, as the seed's `service ipvsadm save`
cat >"$LAB_DIR/sysconfig" <<EOT
# saved by service ipvsadm save

ipvsadm -C
/sbin/ipvsadm -A -t $VIP:80 -s rr
ipvsadm -a -t $VIP:80 -r $R1:80 -g -w 1
	ipvsadm -a -t $VIP:80 -r $R2:80 -g -w 1
ipvsadm -a -t $VIP:80 -r $R3:80 -g -w 1
EOT
uvsadm -R <"$LAB_DIR/sysconfig"
t_check "the sysconfig-style file loads (-C, 1 service, 3 dests)" \
	[ "$(uvsadm -S -n | wc -l)" = 4 ]
lab_wait_resolved
for n in $(seq 6); do lab_exec c curl -s -m 5 "http://$VIP/"; done >"$LAB_DIR/answers"
t_check "traffic flows after -R (6 answers, 2 each)" \
	[ "$(sort "$LAB_DIR/answers" | uniq -c | awk '$1 == 2' | wc -l)" = 3 ]

# uvsd --rules: a saved table at start, a bad one stops it
uvsadm -S -n >"$LAB_DIR/saved"
kill "$LAB_UVSD_PID"; wait "$LAB_UVSD_PID" 2>/dev/null
lab_start_uvsd --rules "$LAB_DIR/saved" || exit 1
t_check "uvsd --rules starts with the saved table" \
	same "$LAB_DIR/saved" <(uvsadm -S -n)
t_check "uvsd logs how many rules it loaded" \
	grep -q 'rules loaded' "$LAB_DIR/uvsd.log"
lab_wait_resolved
t_check "traffic flows right after a --rules start" \
	lab_exec c curl -s -m 5 -o /dev/null "http://$VIP/"
kill "$LAB_UVSD_PID"; wait "$LAB_UVSD_PID" 2>/dev/null
lab_exec d timeout 5 "$B/uvsd" -i eth0 --socket "$LAB_DIR/bad.sock" \
	--rules "$LAB_DIR/bad1" >"$LAB_DIR/badstart" 2>&1; rc=$?
t_check "uvsd --rules with a bad file exits 1 (got $rc)" [ "$rc" = 1 ]
t_check "and names the line ($(tail -1 "$LAB_DIR/badstart"))" \
	grep -q 'line 6: illegal weight specified' "$LAB_DIR/badstart"
lab_exec d timeout 5 "$B/uvsd" -i eth0 --socket "$LAB_DIR/bad.sock" \
	--rules "$LAB_DIR/nonexistent" >"$LAB_DIR/nofile" 2>&1; rc=$?
t_check "uvsd --rules with a missing file exits 1 and names it (got $rc: $(tail -1 "$LAB_DIR/nofile"))" \
	all [ "$rc" = 1 ] --and grep -q "$LAB_DIR/nonexistent" "$LAB_DIR/nofile"
t_done
