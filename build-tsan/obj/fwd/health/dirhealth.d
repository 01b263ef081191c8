build-tsan/obj/fwd/health/dirhealth.o: fwd/health/dirhealth.c \
 fwd/control/ctl.h fwd/control/director.h fwd/data/capture.h \
 fwd/data/forward.h arp/arp.h fwd/data/drop.h fwd/data/parse.h \
 sched/sched.h sched/est.h fwd/data/tunnel.h sched/conn.h sched/sched.h \
 fwd/control/guard.h arp/kernel/nft.h fwd/data/workers.h \
 fwd/data/pktloop.h fwd/data/tunq.h fwd/health/dirhealth.h \
 fwd/health/health.h fwd/health/checkconf.h fwd/lang/ctlmsg.h \
 fwd/health/keepalived.h fwd/lang/rules.h
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
fwd/health/dirhealth.h:
fwd/health/health.h:
fwd/health/checkconf.h:
fwd/lang/ctlmsg.h:
fwd/health/keepalived.h:
fwd/lang/rules.h:
