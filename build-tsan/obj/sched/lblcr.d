build-tsan/obj/sched/lblcr.o: sched/lblcr.c sched/locality.h \
 sched/sched.h sched/est.h
sched/locality.h:
sched/sched.h:
sched/est.h:
