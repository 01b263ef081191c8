build-tsan/obj/fwd/health/keepalived.o: fwd/health/keepalived.c \
 fwd/lang/ipvsargs.h fwd/health/checkconf.h fwd/lang/ctlmsg.h \
 fwd/health/keepalived.h fwd/lang/rules.h
fwd/lang/ipvsargs.h:
fwd/health/checkconf.h:
fwd/lang/ctlmsg.h:
fwd/health/keepalived.h:
fwd/lang/rules.h:
