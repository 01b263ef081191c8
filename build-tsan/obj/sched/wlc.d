build-tsan/obj/sched/wlc.o: sched/wlc.c sched/pickheap.h sched/sched.h \
 sched/est.h
sched/pickheap.h:
sched/sched.h:
sched/est.h:
