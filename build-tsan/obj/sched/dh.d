build-tsan/obj/sched/dh.o: sched/dh.c sched/hash.h sched/sched.h \
 sched/est.h
sched/hash.h:
sched/sched.h:
sched/est.h:
