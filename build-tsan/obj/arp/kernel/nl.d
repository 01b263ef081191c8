build-tsan/obj/arp/kernel/nl.o: arp/kernel/nl.c arp/arp.h \
 arp/kernel/rtnl.h
arp/arp.h:
arp/kernel/rtnl.h:
