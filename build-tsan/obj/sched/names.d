build-tsan/obj/sched/names.o: sched/names.c sched/sched.h sched/est.h \
 sched/list.h
sched/sched.h:
sched/est.h:
sched/list.h:
