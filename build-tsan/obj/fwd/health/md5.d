build-tsan/obj/fwd/health/md5.o: fwd/health/md5.c fwd/health/md5.h
fwd/health/md5.h:
