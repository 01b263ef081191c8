build-tsan/obj/fwd/data/flowlog.o: fwd/data/flowlog.c fwd/data/flowlog.h \
 sched/conn.h sched/sched.h sched/est.h sched/hash.h
fwd/data/flowlog.h:
sched/conn.h:
sched/sched.h:
sched/est.h:
sched/hash.h:
