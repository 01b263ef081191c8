#!/bin/bash
# make lesson BREAK=novip, as a test: a real server without the VIP on lo
# leaves its share of connections hanging (its kernel drops frames for an
# address it does not have); uvs-rs check names the missing VIP and the
# fix; after uvs-rs up every request is answered.
. "$(dirname "$0")/../lab/lab.sh"
. "$LAB_ROOT/tests/lab/ladder.sh"
. "$LAB_ROOT/tests/lab/breaks.sh"
t_need_root
trap lab_down EXIT
break_run novip
