build-tsan/obj/fwd/health/probe.o: fwd/health/probe.c fwd/health/probe.h \
 fwd/health/checkconf.h fwd/lang/ctlmsg.h fwd/health/md5.h
fwd/health/probe.h:
fwd/health/checkconf.h:
fwd/lang/ctlmsg.h:
fwd/health/md5.h:
