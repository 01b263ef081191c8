build-tsan/obj/fwd/health/health.o: fwd/health/health.c \
 fwd/health/health.h fwd/health/checkconf.h fwd/lang/ctlmsg.h \
 fwd/health/probe.h fwd/health/md5.h
fwd/health/health.h:
fwd/health/checkconf.h:
fwd/lang/ctlmsg.h:
fwd/health/probe.h:
fwd/health/md5.h:
