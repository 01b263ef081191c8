build-tsan/obj/fwd/lang/rules.o: fwd/lang/rules.c fwd/lang/ctlmsg.h \
 fwd/lang/ipvsargs.h fwd/health/checkconf.h fwd/lang/rules.h
fwd/lang/ctlmsg.h:
fwd/lang/ipvsargs.h:
fwd/health/checkconf.h:
fwd/lang/rules.h:
