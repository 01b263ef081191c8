build-tsan/obj/arp/reply.o: arp/reply.c arp/arp.h
arp/arp.h:
