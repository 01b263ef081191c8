build-tsan/obj/fwd/uvsadm/uvsadm_list.o: fwd/uvsadm/uvsadm_list.c \
 fwd/health/checkconf.h fwd/lang/ctlmsg.h fwd/uvsadm/uvsadm.h \
 fwd/lang/ipvsargs.h
fwd/health/checkconf.h:
fwd/lang/ctlmsg.h:
fwd/uvsadm/uvsadm.h:
fwd/lang/ipvsargs.h:
