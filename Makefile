# uvs: user-space Linux Virtual Server, Direct Routing.
#   make          build uvsd, uvsadm, uvs-rs into build/
#   make test     install what is missing, build, run unit + end-to-end tests;
#                 skipped end-to-end tests (not root) fail it unless ALLOW_SKIP=1
#   make demo     install what is missing, build, walk through a DR lab
#   make lesson   DR hop by hop from real captures (docs/how-dr-works.md);
#                 BREAK=arp|novip|announce|offload|kernelvip breaks it on purpose
#   make asan     the same tests under AddressSanitizer + UBSan
#   make bench    scheduler speed, connection table cost, cluster simulation,
#                 and (as root) the forwarding bench (bench/README.md)
#   make bench-fwd the forwarding bench alone: uvsd against its peers in a lab
#   make sim      the cluster simulation alone, fixed seed
#   make fuzz     libFuzzer harnesses (clang) for the frame parser, the forward
#                 stage, uvsadm's arguments, rules files, keepalived.conf and the
#                 control protocol, FUZZ_SECONDS (60) each (tests/fuzz/README.md)
#   make install  install the programs, man pages, systemd unit and
#                 /etc/default/uvsd (kept if there); PREFIX=/usr/local,
#                 DESTDIR, SBINDIR, MANDIR, UNITDIR, SYSCONFDIR=/etc
#   make uninstall remove what install put there (an edited /etc/default/uvsd
#                 and /etc/uvs/rules stay)

CC      ?= cc
B       ?= build
CFLAGS  ?= -O2 -g
override CFLAGS += -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -I. -MMD -MP
LDLIBS_PCAP = -lpcap
LDLIBS_NET  = -lnet
LDLIBS_MNL  = -lmnl

SCHED_SRC = $(sort $(wildcard sched/*.c))
FWD_SRC   = fwd/drop.c fwd/parse.c fwd/capture.c fwd/filter.c fwd/director.c fwd/trace.c fwd/flowlog.c \
            fwd/diagnose.c fwd/ctlclient.c fwd/forward.c fwd/ctl.c fwd/ctlmsg.c fwd/ctlreq.c fwd/batch.c \
            fwd/ipvsargs.c fwd/rules.c
FWD_SRC  += fwd/guard.c fwd/ring.c fwd/pktloop.c fwd/workers.c
# health checks: configs, probes, the engine, its director side, keepalived.conf
CHECK_SRC = fwd/checkconf.c fwd/ctlmsg.c
FWD_SRC  += fwd/checkconf.c fwd/md5.c fwd/probe.c fwd/health.c fwd/dirhealth.c \
            fwd/keepalived.c
ARP_SRC   = arp/reply.c arp/nl.c arp/addr.c arp/rtnl.c arp/nft.c
UVSADM_SRC = fwd/uvsadm.c fwd/uvsadm_list.c fwd/ctlmsg.c fwd/ctlclient.c \
             fwd/ipvsargs.c fwd/rules.c
UVSADM_SRC += fwd/checkconf.c
RS_SRC    = arp/rs.c arp/addr.c arp/rtnl.c arp/sysctl.c arp/nft.c arp/netns.c

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))

PROGS = $(B)/uvsd $(B)/uvsadm $(B)/uvs-rs
UNIT  = $(B)/test_parse $(B)/test_forward $(B)/test_ctlmsg $(B)/test_uvsadm_list $(B)/test_uvsadm_golden $(B)/test_rules $(B)/test_batch $(SCHED_TESTS)

UNIT += $(B)/test_flowlog
UNIT += $(B)/test_keepalived $(B)/test_health $(B)/test_checkconf $(B)/test_md5 $(B)/test_probe
UNIT += $(B)/test_nft

all: $(PROGS)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(B)/uvsd: $(call obj,fwd/uvsd.c $(FWD_SRC) $(ARP_SRC) $(SCHED_SRC))
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS_PCAP) $(LDLIBS_NET) $(LDLIBS_MNL)

$(B)/uvsadm: $(call obj,$(UVSADM_SRC) $(SCHED_SRC))
	$(CC) $(CFLAGS) $^ -o $@

$(B)/uvs-rs: $(call obj,$(RS_SRC))
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS_MNL)

$(B)/test_parse: $(call obj,tests/unit/test_parse.c fwd/parse.c fwd/drop.c)
	$(CC) $(CFLAGS) $^ -o $@ -lcmocka

# every tests/unit/test_sched*.c and test_conn*.c tests sched/ alone
SCHED_TESTS = $(patsubst tests/unit/%.c,$(B)/%,$(wildcard tests/unit/test_sched*.c tests/unit/test_conn*.c))
$(SCHED_TESTS): $(B)/%: $(B)/obj/tests/unit/%.o $(call obj,$(SCHED_SRC) bench/sched_ref.c)
	$(CC) $(CFLAGS) $^ -o $@ -lcmocka

$(B)/test_forward: $(call obj,tests/unit/test_forward.c fwd/forward.c fwd/parse.c fwd/drop.c arp/reply.c $(SCHED_SRC))
	$(CC) $(CFLAGS) $^ -o $@ -lcmocka $(LDLIBS_NET)

$(B)/test_ctlmsg: $(call obj,tests/unit/test_ctlmsg.c fwd/ctlmsg.c)
	$(CC) $(CFLAGS) $^ -o $@ -lcmocka

$(B)/test_nft: $(call obj,tests/unit/test_nft.c arp/nft.c)
	$(CC) $(CFLAGS) $^ -o $@ -lcmocka $(LDLIBS_MNL)

$(B)/test_flowlog: $(call obj,tests/unit/test_flowlog.c fwd/flowlog.c $(SCHED_SRC))
	$(CC) $(CFLAGS) $^ -o $@ -lcmocka

$(B)/test_uvsadm_list: $(call obj,tests/unit/test_uvsadm_list.c fwd/uvsadm_list.c fwd/ctlmsg.c fwd/ctlclient.c fwd/checkconf.c)
	$(CC) $(CFLAGS) $^ -o $@ -lcmocka

# tests/golden/*.reply through the printers, byte for byte against *.out;
# names come from tests/golden/services and hosts, not from this host
$(B)/test_uvsadm_golden: $(call obj,tests/unit/test_uvsadm_golden.c fwd/uvsadm_list.c fwd/ctlmsg.c fwd/ctlclient.c fwd/checkconf.c)
	$(CC) $(CFLAGS) $^ -o $@ -lcmocka \
		-Wl,--wrap=getservbyport,--wrap=gethostbyaddr

$(B)/test_rules: $(call obj,tests/unit/test_rules.c fwd/rules.c fwd/ipvsargs.c $(CHECK_SRC))
	$(CC) $(CFLAGS) $^ -o $@ -lcmocka

$(B)/test_keepalived: $(call obj,tests/unit/test_keepalived.c fwd/keepalived.c fwd/rules.c fwd/ipvsargs.c $(CHECK_SRC))
	$(CC) $(CFLAGS) $^ -o $@ -lcmocka

$(B)/test_health: $(call obj,tests/unit/test_health.c fwd/health.c fwd/probe.c fwd/md5.c $(CHECK_SRC))
	$(CC) $(CFLAGS) $^ -o $@ -lcmocka

$(B)/test_checkconf: $(call obj,tests/unit/test_checkconf.c $(CHECK_SRC))
	$(CC) $(CFLAGS) $^ -o $@ -lcmocka

$(B)/test_md5: $(call obj,tests/unit/test_md5.c fwd/md5.c)
	$(CC) $(CFLAGS) $^ -o $@ -lcmocka

$(B)/test_probe: $(call obj,tests/unit/test_probe.c fwd/probe.c fwd/md5.c $(CHECK_SRC))
	$(CC) $(CFLAGS) $^ -o $@ -lcmocka

$(B)/test_batch: $(call obj,tests/unit/test_batch.c fwd/batch.c fwd/ctlreq.c fwd/ctlmsg.c fwd/checkconf.c $(SCHED_SRC))
	$(CC) $(CFLAGS) $^ -o $@ -lcmocka

$(B)/badframes: $(call obj,tests/lab/badframes.c)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS_NET)

$(B)/bench_sched: $(call obj,bench/sched.c bench/sched_ref.c $(SCHED_SRC))
	$(CC) $(CFLAGS) $^ -o $@

$(B)/bench_sim: $(call obj,bench/sim.c $(SCHED_SRC))
	$(CC) $(CFLAGS) $^ -o $@ -lm

$(B)/naive_fwd: $(call obj,bench/naive_fwd.c)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS_PCAP)

# What each target installs on a fresh Debian/Ubuntu (README says so too),
# always with --no-install-recommends: a Recommends can pull in packages that
# replace the user's own (netsniff-ng's pulls ntpsec, which removes
# systemd-timesyncd).
#   build (make, make demo): compiler, the three libraries, iproute2,
#   nftables (uvsd's guard), curl and python3 (the demo's client and
#   servers), arping (iputils-arping when no arping is on PATH).
#   test (make test) adds: cmocka, wrk, tcpdump, clang (the fuzz smoke;
#   libFuzzer's runtime is libclang-rt-dev), netsniff-ng (trafgen),
#   iputils-ping and netbase.
BUILD_PKGS = gcc make pkg-config libc6-dev libpcap-dev libnet1-dev libmnl-dev \
             iproute2 nftables curl python3
TEST_PKGS  = $(BUILD_PKGS) libcmocka-dev iputils-ping netbase wrk tcpdump \
             clang libclang-rt-dev netsniff-ng
APT_INSTALL = DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends

# $(call install_missing,PACKAGES): installs those not yet installed, and an
# arping if none is on PATH (either flavour will do).
define install_missing
	@missing=""; \
	for p in $(1); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	command -v arping >/dev/null 2>&1 || missing="$$missing iputils-arping"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" != 0 ]; then echo "run as root to install:$$missing" >&2; exit 1; fi; \
		apt-get update -q && $(APT_INSTALL) $$missing; \
	fi
endef

deps:
	$(call install_missing,$(TEST_PKGS))

demo-deps:
	$(call install_missing,$(BUILD_PKGS))

tools: $(B)/badframes

unit: $(UNIT)

# In CI (CI=true), or with ASAN=1, the whole suite runs a second time on
# the ASan+UBSan build, and the closing line counts both runs.
ASAN_CFLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer
ifneq ($(filter true 1,$(CI) $(ASAN)),)
TEST_BUILDS = $(B) build-asan
endif

test: deps
	$(MAKE) all tools unit
	$(if $(TEST_BUILDS),$(MAKE) B=build-asan CFLAGS="$(ASAN_CFLAGS)" all tools unit)
	ASAN_OPTIONS=detect_leaks=1 tests/run.sh $(or $(TEST_BUILDS),$(B))

asan:
	$(MAKE) deps
	$(MAKE) B=build-asan CFLAGS="$(ASAN_CFLAGS)" all tools unit
	ASAN_OPTIONS=detect_leaks=1 tests/run.sh build-asan

demo: demo-deps
	$(MAKE) all
	B=$(B) tests/lab/demo.sh

# tests/lab/lesson.sh installs what it needs beyond deps (tcpdump, gnuplot)
lesson: deps
	$(MAKE) all
	B=$(B) BREAK=$(BREAK) tests/lab/lesson.sh

# Benches are optional: gnuplot-nox only draws bench/out/sim.png, so it is
# installed when we are root and skipped otherwise. Speed never fails them.
plotdeps:
	@command -v gnuplot >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then \
			(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q gnuplot-nox) >/dev/null 2>&1 || \
			echo "gnuplot-nox did not install: no plots"; \
		else echo "not root, no gnuplot: no plots"; fi; }

bench: deps plotdeps $(B)/bench_sched $(B)/bench_sim
	$(B)/bench_sched
	$(B)/bench_sim
	$(MAKE) bench-fwd

# a namespace lab, so root only (it says SKIP otherwise); installs its own
# tools (bench/fwd/packages); about 3 minutes
bench-fwd: deps
	$(MAKE) all $(B)/naive_fwd
	B=$(B) bench/fwd/run.sh

sim: deps plotdeps $(B)/bench_sim
	$(B)/bench_sim

# libFuzzer harnesses (tests/fuzz/README.md): clang with ASan and UBSan,
# built apart in build-fuzz/ (never mixed with gcc's build/), each run for
# FUZZ_SECONDS from a scratch copy of its seed corpus, without network.
FUZZ_SECONDS ?= 60
FUZZ_NAMES    = parse forward ipvsargs rules keepalived ctl
FUZZ_CFLAGS   = -O1 -g -fno-omit-frame-pointer \
                -fsanitize=fuzzer-no-link,address,undefined \
                -fno-sanitize-recover=undefined
# Each harness links what uvsd links (less its main), so a library file
# that gains a dependency does not break the fuzz build.
FUZZ_LIB      = $(FWD_SRC) $(ARP_SRC) $(SCHED_SRC)

$(B)/fuzz_%: $(B)/obj/tests/fuzz/fuzz_%.o $(call obj,$(FUZZ_LIB))
	$(CC) $(CFLAGS) -fsanitize=fuzzer $^ -o $@ $(LDLIBS_PCAP) $(LDLIBS_NET) \
		$(LDLIBS_MNL)

fuzzers: $(addprefix $(B)/fuzz_,$(FUZZ_NAMES))

fuzz-build:
	$(MAKE) B=build-fuzz CC=clang CFLAGS="$(FUZZ_CFLAGS)" fuzzers

# A crash fails the run and names the input (kept in build-fuzz/crashes/).
fuzz: deps
	$(MAKE) fuzz-build
	FUZZ_B=build-fuzz tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_NAMES)

.PHONY: fuzz fuzz-build fuzzers

# Where uvsd's cycles go under a 64-byte UDP load (bench/fwd/perf.sh).
perf: deps
	$(MAKE) all
	B=$(B) bench/fwd/perf.sh

.PHONY: perf

# Install paths. The unit goes where systemd looks for packaged units:
# /lib/systemd/system for PREFIX=/usr, else $(PREFIX)/lib/systemd/system
# (/usr/local/lib/systemd/system is on systemd's path too). Its ExecStart
# and ExecStop name $(SBINDIR), filled in from packaging/uvsd.service.in.
# An existing /etc/default/uvsd is the admin's: install leaves it alone.
PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR    ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
MANPAGES    = man/uvsd.8 man/uvsadm.8 man/uvs-rs.8

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/default
	install -m 0755 $(PROGS) $(DESTDIR)$(SBINDIR)/
	install -m 0644 $(MANPAGES) $(DESTDIR)$(MANDIR)/man8/
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		packaging/uvsd.service.in > $(DESTDIR)$(UNITDIR)/uvsd.service.tmp
	chmod 0644 $(DESTDIR)$(UNITDIR)/uvsd.service.tmp
	mv -f $(DESTDIR)$(UNITDIR)/uvsd.service.tmp $(DESTDIR)$(UNITDIR)/uvsd.service
	[ -e $(DESTDIR)$(SYSCONFDIR)/default/uvsd ] || \
		install -m 0644 packaging/uvsd.default $(DESTDIR)$(SYSCONFDIR)/default/uvsd

# An edited /etc/default/uvsd and the saved rules (/etc/uvs/rules) stay.
uninstall:
	rm -f $(addprefix $(DESTDIR)$(SBINDIR)/,$(notdir $(PROGS))) \
		$(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(MANPAGES))) \
		$(DESTDIR)$(UNITDIR)/uvsd.service
	@f=$(DESTDIR)$(SYSCONFDIR)/default/uvsd; \
	if cmp -s packaging/uvsd.default "$$f"; then rm -f "$$f"; \
	elif [ -e "$$f" ]; then echo "kept $$f: it was edited"; fi

clean:
	rm -rf build build-asan build-fuzz

.PHONY: all deps demo-deps tools unit test asan demo lesson clean plotdeps bench bench-fwd sim \
	install uninstall
-include $(shell find $(B) -name '*.d' 2>/dev/null)
