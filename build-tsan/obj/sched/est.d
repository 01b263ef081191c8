build-tsan/obj/sched/est.o: sched/est.c sched/est.h
sched/est.h:
