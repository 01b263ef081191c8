#!/bin/bash
# A keep-alive connection carrying several requests stays on one server,
# and the next connection moves on (rr).
. "$(dirname "$0")/../lab/lab.sh"
lab_cluster 3
lab_service rr || exit 1

lab_exec c curl -s -m 5 "http://$VIP/" "http://$VIP/" "http://$VIP/" \
	"http://$VIP/" "http://$VIP/" >"$LAB_DIR/ka"
t_check "5 requests on one connection were all answered" [ "$(wc -l <"$LAB_DIR/ka")" = 5 ]
t_check "they were all answered by the same server" [ "$(sort -u "$LAB_DIR/ka" | wc -l)" = 1 ]
t_check "uvsd created exactly one flow for them" [ "$(lab_counter conns_new)" = 1 ]
first=$(head -1 "$LAB_DIR/ka")
next=$(lab_exec c curl -s -m 5 "http://$VIP/")
t_check "the next connection goes to another server ($first then $next)" [ -n "$next" -a "$next" != "$first" ]
t_done
