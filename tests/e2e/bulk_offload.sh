#!/bin/bash
# With the lab's default offloads on (veth: checksum offload, TSO/GSO), a
# 20 MB upload through the VIP and a 20 MB download complete byte-exact.
# The upload crosses uvsd as partial-checksum GSO frames.
. "$(dirname "$0")/../lab/lab.sh"
lab_cluster 3
lab_service rr || exit 1
size=20000000
python3 "$LAB_ROOT/tests/lab/rs_httpd.py" --gen-blob "$size" >"$LAB_DIR/blob"
want=$(sha256sum <"$LAB_DIR/blob" | awk '{print $1}')

got=$(lab_exec c curl -s -m 30 --data-binary @"$LAB_DIR/blob" "http://$VIP/upload")
t_check "20 MB upload arrives byte-exact ($got)" [ "$got" = "$want $size" ]
got=$(lab_exec c curl -s -m 30 "http://$VIP/blob?size=$size" | sha256sum | awk '{print $1}')
t_check "20 MB download arrives byte-exact" [ "$got" = "$want" ]
big=$(lab_counter fwd_bytes)
t_check "uvsd carried the upload ($big bytes)" [ "$big" -ge "$size" ]
t_check "no frame was refused on send" [ "$(lab_counter drop_send_error)" = 0 ]
t_done
