build-tsan/obj/fwd/data/tunnel.o: fwd/data/tunnel.c fwd/data/tunnel.h \
 sched/sched.h sched/est.h
fwd/data/tunnel.h:
sched/sched.h:
sched/est.h:
