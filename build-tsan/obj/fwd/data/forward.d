build-tsan/obj/fwd/data/forward.o: fwd/data/forward.c fwd/data/forward.h \
 arp/arp.h fwd/data/drop.h fwd/data/parse.h sched/sched.h sched/est.h \
 fwd/data/tunnel.h sched/conn.h sched/sched.h
fwd/data/forward.h:
arp/arp.h:
fwd/data/drop.h:
fwd/data/parse.h:
sched/sched.h:
sched/est.h:
fwd/data/tunnel.h:
sched/conn.h:
sched/sched.h:
