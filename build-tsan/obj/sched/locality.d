build-tsan/obj/sched/locality.o: sched/locality.c sched/locality.h \
 sched/sched.h sched/est.h
sched/locality.h:
sched/sched.h:
sched/est.h:
