build-tsan/obj/sched/sed.o: sched/sed.c sched/pickheap.h sched/sched.h \
 sched/est.h
sched/pickheap.h:
sched/sched.h:
sched/est.h:
