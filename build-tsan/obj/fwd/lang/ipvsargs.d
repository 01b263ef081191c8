build-tsan/obj/fwd/lang/ipvsargs.o: fwd/lang/ipvsargs.c \
 fwd/lang/ipvsargs.h fwd/health/checkconf.h fwd/lang/ctlmsg.h \
 sched/sched.h sched/est.h
fwd/lang/ipvsargs.h:
fwd/health/checkconf.h:
fwd/lang/ctlmsg.h:
sched/sched.h:
sched/est.h:
