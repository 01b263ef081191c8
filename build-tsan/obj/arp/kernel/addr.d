build-tsan/obj/arp/kernel/addr.o: arp/kernel/addr.c arp/kernel/addr.h \
 arp/kernel/rtnl.h
arp/kernel/addr.h:
arp/kernel/rtnl.h:
