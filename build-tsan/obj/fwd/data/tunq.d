build-tsan/obj/fwd/data/tunq.o: fwd/data/tunq.c fwd/data/tunq.h \
 fwd/data/capture.h fwd/data/tunnel.h sched/sched.h sched/est.h
fwd/data/tunq.h:
fwd/data/capture.h:
fwd/data/tunnel.h:
sched/sched.h:
sched/est.h:
