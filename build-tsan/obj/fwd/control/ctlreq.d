build-tsan/obj/fwd/control/ctlreq.o: fwd/control/ctlreq.c \
 fwd/control/ctlreq.h fwd/health/checkconf.h fwd/lang/ctlmsg.h \
 sched/sched.h sched/est.h
fwd/control/ctlreq.h:
fwd/health/checkconf.h:
fwd/lang/ctlmsg.h:
sched/sched.h:
sched/est.h:
