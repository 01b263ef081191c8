build-tsan/obj/fwd/control/ctl.o: fwd/control/ctl.c fwd/control/batch.h \
 fwd/lang/ctlmsg.h sched/sched.h sched/est.h fwd/control/ctl.h \
 fwd/control/director.h fwd/data/capture.h fwd/data/forward.h arp/arp.h \
 fwd/data/drop.h fwd/data/parse.h fwd/data/tunnel.h sched/conn.h \
 sched/sched.h fwd/control/guard.h arp/kernel/nft.h fwd/data/workers.h \
 fwd/data/pktloop.h fwd/data/tunq.h fwd/control/ctlreq.h \
 fwd/health/checkconf.h fwd/health/health.h
fwd/control/batch.h:
fwd/lang/ctlmsg.h:
sched/sched.h:
sched/est.h:
fwd/control/ctl.h:
fwd/control/director.h:
fwd/data/capture.h:
fwd/data/forward.h:
arp/arp.h:
fwd/data/drop.h:
fwd/data/parse.h:
fwd/data/tunnel.h:
sched/conn.h:
sched/sched.h:
fwd/control/guard.h:
arp/kernel/nft.h:
fwd/data/workers.h:
fwd/data/pktloop.h:
fwd/data/tunq.h:
fwd/control/ctlreq.h:
fwd/health/checkconf.h:
fwd/health/health.h:
