build-tsan/obj/fwd/data/capture.o: fwd/data/capture.c fwd/data/capture.h \
 fwd/data/ring.h fwd/data/trace.h
fwd/data/capture.h:
fwd/data/ring.h:
fwd/data/trace.h:
