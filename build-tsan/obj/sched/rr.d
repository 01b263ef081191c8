build-tsan/obj/sched/rr.o: sched/rr.c sched/sched.h sched/est.h
sched/sched.h:
sched/est.h:
