build-tsan/obj/fwd/data/parse.o: fwd/data/parse.c fwd/data/parse.h \
 fwd/data/drop.h sched/sched.h sched/est.h
fwd/data/parse.h:
fwd/data/drop.h:
sched/sched.h:
sched/est.h:
