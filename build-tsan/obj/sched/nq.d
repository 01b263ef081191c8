build-tsan/obj/sched/nq.o: sched/nq.c sched/pickheap.h sched/sched.h \
 sched/est.h
sched/pickheap.h:
sched/sched.h:
sched/est.h:
