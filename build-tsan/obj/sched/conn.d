build-tsan/obj/sched/conn.o: sched/conn.c sched/conn.h sched/sched.h \
 sched/est.h
sched/conn.h:
sched/sched.h:
sched/est.h:
