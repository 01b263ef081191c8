build-tsan/obj/fwd/data/filter.o: fwd/data/filter.c fwd/data/filter.h
fwd/data/filter.h:
