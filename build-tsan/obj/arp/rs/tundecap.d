build-tsan/obj/arp/rs/tundecap.o: arp/rs/tundecap.c arp/rs/tundecap.h
arp/rs/tundecap.h:
