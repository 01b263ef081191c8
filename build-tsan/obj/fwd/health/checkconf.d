build-tsan/obj/fwd/health/checkconf.o: fwd/health/checkconf.c \
 fwd/health/checkconf.h fwd/lang/ctlmsg.h
fwd/health/checkconf.h:
fwd/lang/ctlmsg.h:
