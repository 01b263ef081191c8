#!/bin/bash
# make lesson BREAK=offload, as a test: uvsd --no-vnet drops checksum
# offload state, curl times out and the real servers count TcpInCsumErrors;
# uvs-rs check notes the bad checksums and names the fix; uvsd without
# --no-vnet carries the same requests.
. "$(dirname "$0")/../lab/lab.sh"
. "$LAB_ROOT/tests/lab/ladder.sh"
. "$LAB_ROOT/tests/lab/breaks.sh"
t_need_root
trap lab_down EXIT
break_run offload
