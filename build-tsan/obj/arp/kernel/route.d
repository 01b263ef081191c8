build-tsan/obj/arp/kernel/route.o: arp/kernel/route.c arp/kernel/route.h \
 arp/kernel/rtnl.h
arp/kernel/route.h:
arp/kernel/rtnl.h:
