build-tsan/obj/sched/twos.o: sched/twos.c sched/twos.h sched/sched.h \
 sched/est.h
sched/twos.h:
sched/sched.h:
sched/est.h:
