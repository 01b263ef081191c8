build-tsan/obj/sched/wrr.o: sched/wrr.c sched/sched.h sched/est.h
sched/sched.h:
sched/est.h:
