#!/bin/bash
# uvsd as started by default (no -j) with ~5 000 flows and a control
# client that reads the flow list slowly. Only worker threads forward,
# without -j too, so the control thread blocked on the slow reader holds
# up no frame: requests keep being served while the listing is read.
# (When the main thread forwarded, it sat in the reply's writes for
# seconds: 2 of the 5 requests below were served, the rest timed out.)
# run.sh: alone
. "$(dirname "$0")/../lab/lab.sh"
. "$(dirname "$0")/../lab/slow_reader.sh"
LAB_UVSD_QUIET=1
lab_cluster 2
t_check "uvsd runs one worker without -j" \
	grep -q '(1 [a-z0-9-]* worker, fanout by client)' "$LAB_DIR/uvsd.log"
N=5000
sr_setup "$N"
sr_serve_while_reading 0.05
rx=$(lab_counter rx_frames) w0=$(lab_counter worker0_rx_frames)
t_check "--counters: the one worker took every frame ($w0 of $rx)" \
	all [ "${rx:-0}" -ge "$N" ] --and [ "$w0" = "$rx" ]
t_check "uvsd is alive" kill -0 "$LAB_UVSD_PID"
t_absent "no sanitizer report in uvsd's log" 'Sanitizer|runtime error' "$LAB_DIR/uvsd.log"
t_done
