build-tsan/obj/fwd/control/batch.o: fwd/control/batch.c \
 fwd/control/batch.h fwd/lang/ctlmsg.h sched/sched.h sched/est.h \
 fwd/control/ctlreq.h fwd/health/checkconf.h
fwd/control/batch.h:
fwd/lang/ctlmsg.h:
sched/sched.h:
sched/est.h:
fwd/control/ctlreq.h:
fwd/health/checkconf.h:
