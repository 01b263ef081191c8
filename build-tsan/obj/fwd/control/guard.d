build-tsan/obj/fwd/control/guard.o: fwd/control/guard.c arp/arp.h \
 arp/kernel/nft.h fwd/control/guard.h
arp/arp.h:
arp/kernel/nft.h:
fwd/control/guard.h:
