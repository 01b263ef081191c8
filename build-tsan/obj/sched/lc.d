build-tsan/obj/sched/lc.o: sched/lc.c sched/pickheap.h sched/sched.h \
 sched/est.h
sched/pickheap.h:
sched/sched.h:
sched/est.h:
