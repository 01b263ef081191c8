build-tsan/obj/sched/lblc.o: sched/lblc.c sched/locality.h sched/sched.h \
 sched/est.h
sched/locality.h:
sched/sched.h:
sched/est.h:
