build-tsan/obj/arp/rs/rs.o: arp/rs/rs.c arp/kernel/addr.h arp/arp.h \
 arp/kernel/nft.h arp/kernel/rtnl.h arp/kernel/sysctl.h arp/rs/tundecap.h
arp/kernel/addr.h:
arp/arp.h:
arp/kernel/nft.h:
arp/kernel/rtnl.h:
arp/kernel/sysctl.h:
arp/rs/tundecap.h:
