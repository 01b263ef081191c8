build-tsan/obj/sched/pickheap.o: sched/pickheap.c sched/pickheap.h \
 sched/sched.h sched/est.h
sched/pickheap.h:
sched/sched.h:
sched/est.h:
