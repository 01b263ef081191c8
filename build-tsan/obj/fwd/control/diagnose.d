build-tsan/obj/fwd/control/diagnose.o: fwd/control/diagnose.c \
 arp/kernel/nft.h fwd/lang/ctlclient.h fwd/lang/ctlmsg.h \
 fwd/control/diagnose.h
arp/kernel/nft.h:
fwd/lang/ctlclient.h:
fwd/lang/ctlmsg.h:
fwd/control/diagnose.h:
