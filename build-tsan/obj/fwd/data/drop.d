build-tsan/obj/fwd/data/drop.o: fwd/data/drop.c fwd/data/drop.h
fwd/data/drop.h:
