build-tsan/obj/fwd/data/trace.o: fwd/data/trace.c fwd/data/trace.h
fwd/data/trace.h:
