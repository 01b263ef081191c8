build-tsan/obj/fwd/data/pktloop.o: fwd/data/pktloop.c fwd/data/pktloop.h \
 fwd/data/capture.h fwd/data/forward.h arp/arp.h fwd/data/drop.h \
 fwd/data/parse.h sched/sched.h sched/est.h fwd/data/tunnel.h \
 sched/conn.h sched/sched.h fwd/data/tunq.h
fwd/data/pktloop.h:
fwd/data/capture.h:
fwd/data/forward.h:
arp/arp.h:
fwd/data/drop.h:
fwd/data/parse.h:
sched/sched.h:
sched/est.h:
fwd/data/tunnel.h:
sched/conn.h:
sched/sched.h:
fwd/data/tunq.h:
