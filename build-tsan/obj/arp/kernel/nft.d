build-tsan/obj/arp/kernel/nft.o: arp/kernel/nft.c arp/kernel/nft.h
arp/kernel/nft.h:
