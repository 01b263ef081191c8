build-tsan/obj/sched/tcp_state.o: sched/tcp_state.c sched/conn.h \
 sched/sched.h sched/est.h
sched/conn.h:
sched/sched.h:
sched/est.h:
