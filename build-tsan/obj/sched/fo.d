build-tsan/obj/sched/fo.o: sched/fo.c sched/sched.h sched/est.h
sched/sched.h:
sched/est.h:
