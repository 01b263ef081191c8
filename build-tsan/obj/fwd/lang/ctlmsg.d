build-tsan/obj/fwd/lang/ctlmsg.o: fwd/lang/ctlmsg.c fwd/lang/ctlmsg.h
fwd/lang/ctlmsg.h:
