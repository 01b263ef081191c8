build-tsan/obj/fwd/uvsadm/uvsadm.o: fwd/uvsadm/uvsadm.c \
 fwd/lang/ctlclient.h fwd/lang/ctlmsg.h fwd/lang/ipvsargs.h \
 fwd/health/checkconf.h fwd/lang/rules.h sched/sched.h sched/est.h \
 fwd/uvsadm/uvsadm.h
fwd/lang/ctlclient.h:
fwd/lang/ctlmsg.h:
fwd/lang/ipvsargs.h:
fwd/health/checkconf.h:
fwd/lang/rules.h:
sched/sched.h:
sched/est.h:
fwd/uvsadm/uvsadm.h:
