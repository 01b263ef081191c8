build-tsan/obj/sched/registry.o: sched/registry.c sched/sched.h \
 sched/est.h sched/list.h
sched/sched.h:
sched/est.h:
sched/list.h:
