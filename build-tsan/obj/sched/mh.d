build-tsan/obj/sched/mh.o: sched/mh.c sched/sched.h sched/est.h
sched/sched.h:
sched/est.h:
