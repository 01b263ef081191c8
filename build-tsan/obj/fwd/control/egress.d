build-tsan/obj/fwd/control/egress.o: fwd/control/egress.c \
 arp/kernel/route.h fwd/control/director.h fwd/data/capture.h \
 fwd/data/forward.h arp/arp.h fwd/data/drop.h fwd/data/parse.h \
 sched/sched.h sched/est.h fwd/data/tunnel.h sched/conn.h sched/sched.h \
 fwd/control/guard.h arp/kernel/nft.h fwd/data/workers.h \
 fwd/data/pktloop.h fwd/data/tunq.h
arp/kernel/route.h:
fwd/control/director.h:
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
fwd/control/guard.h:
arp/kernel/nft.h:
fwd/data/workers.h:
fwd/data/pktloop.h:
fwd/data/tunq.h:
