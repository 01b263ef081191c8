build-tsan/obj/fwd/lang/ctlclient.o: fwd/lang/ctlclient.c \
 fwd/lang/ctlclient.h fwd/lang/ctlmsg.h
fwd/lang/ctlclient.h:
fwd/lang/ctlmsg.h:
