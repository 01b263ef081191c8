build-tsan/obj/arp/kernel/rtnl.o: arp/kernel/rtnl.c arp/kernel/rtnl.h
arp/kernel/rtnl.h:
