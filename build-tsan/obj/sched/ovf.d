build-tsan/obj/sched/ovf.o: sched/ovf.c sched/sched.h sched/est.h
sched/sched.h:
sched/est.h:
