build-tsan/obj/fwd/data/ring.o: fwd/data/ring.c fwd/data/capture.h \
 fwd/data/ring.h
fwd/data/capture.h:
fwd/data/ring.h:
