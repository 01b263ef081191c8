build-tsan/obj/fwd/uvsd/uvsd.o: fwd/uvsd/uvsd.c fwd/data/clock.h \
 fwd/control/ctl.h fwd/control/director.h fwd/data/capture.h \
 fwd/data/forward.h arp/arp.h fwd/data/drop.h fwd/data/parse.h \
 sched/sched.h sched/est.h fwd/data/tunnel.h sched/conn.h sched/sched.h \
 fwd/control/guard.h arp/kernel/nft.h fwd/data/workers.h \
 fwd/data/pktloop.h fwd/data/tunq.h fwd/lang/ctlmsg.h \
 fwd/control/diagnose.h fwd/health/dirhealth.h fwd/health/health.h \
 fwd/health/checkconf.h fwd/data/ring.h fwd/lang/rules.h \
 fwd/data/flowlog.h fwd/data/trace.h
fwd/data/clock.h:
fwd/control/ctl.h:
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
fwd/lang/ctlmsg.h:
fwd/control/diagnose.h:
fwd/health/dirhealth.h:
fwd/health/health.h:
fwd/health/checkconf.h:
fwd/data/ring.h:
fwd/lang/rules.h:
fwd/data/flowlog.h:
fwd/data/trace.h:
