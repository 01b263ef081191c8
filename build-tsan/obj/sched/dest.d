build-tsan/obj/sched/dest.o: sched/dest.c sched/sched.h sched/est.h
sched/sched.h:
sched/est.h:
