build-tsan/obj/sched/svc.o: sched/svc.c sched/sched.h sched/est.h
sched/sched.h:
sched/est.h:
