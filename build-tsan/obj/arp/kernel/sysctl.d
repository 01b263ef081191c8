build-tsan/obj/arp/kernel/sysctl.o: arp/kernel/sysctl.c \
 arp/kernel/sysctl.h
arp/kernel/sysctl.h:
