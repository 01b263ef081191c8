build-tsan/obj/sched/sh.o: sched/sh.c sched/hash.h sched/sched.h \
 sched/est.h
sched/hash.h:
sched/sched.h:
sched/est.h:
