# uvs: user-space Linux Virtual Server, Direct Routing.
#   make          build uvsd, uvsadm, uvs-rs into build/
#   make test     install what is missing, build, run unit + end-to-end tests;
#                 skipped end-to-end tests (not root) fail it unless ALLOW_SKIP=1
#   make demo     install what is missing, build, walk through a DR lab
#   make demo-ha  two directors under keepalived VRRP with connection sync:
#                 a failover, and the counters that show nothing was lost
#   make lesson   DR hop by hop from real captures (docs/how-dr-works.md);
#                 BREAK=arp|novip|announce|offload|kernelvip|novip6|ndp|
#                 offload6|kernelvip6 breaks it on purpose (the last four
#                 over IPv6)
#   make asan     the same tests under AddressSanitizer + UBSan
#   make tsan     the threaded tests (uvsd -j) under ThreadSanitizer
#   make bench    scheduler speed, connection table cost, cluster simulation,
#                 and (as root) the forwarding bench (bench/README.md)
#   make bench-fwd the forwarding bench alone: uvsd against its peers in a lab
#   make sim      the cluster simulation alone, fixed seed
#   make fuzz     libFuzzer harnesses (clang) for the frame parser, the forward
#                 stage, uvsadm's arguments, rules files, keepalived.conf, the
#                 control protocol and the metrics endpoint's requests,
#                 FUZZ_SECONDS (60) each (tests/fuzz/README.md)
#   make install  install the programs, man pages, systemd unit and
#                 /etc/default/uvsd (kept if there); PREFIX=/usr/local,
#                 DESTDIR, SBINDIR, MANDIR, UNITDIR, SYSCONFDIR=/etc
#   make uninstall remove what install put there (an edited /etc/default/uvsd
#                 and /etc/uvs/rules stay)
#   make deb      the Debian package, build/deb/uvs_*.deb (debian/), checked
#                 by lintian; built in a copy, so the work tree stays clean

CC      ?= cc
B       ?= build
CFLAGS  ?= -O2 -g
# -Werror is for development and CI; a packager's build sets WERROR= and
# keeps the warnings as warnings. CPPFLAGS and LDFLAGS are honoured, so a
# distribution's hardening flags apply.
WERROR  ?= -Werror
PKG_CONFIG ?= pkg-config
LIB_CFLAGS := $(shell $(PKG_CONFIG) --cflags libpcap libmnl openssl libxdp libbpf 2>/dev/null)
override CFLAGS += -std=gnu11 -D_GNU_SOURCE -Wall -Wextra $(WERROR) -Wshadow -I. -MMD -MP
LDLIBS_PCAP := $(or $(shell $(PKG_CONFIG) --libs libpcap 2>/dev/null),-lpcap)
LDLIBS_MNL  := $(or $(shell $(PKG_CONFIG) --libs libmnl 2>/dev/null),-lmnl)
LDLIBS_NET  := $(or $(shell libnet-config --libs 2>/dev/null),-lnet)
# OpenSSL: SSL_GET's TLS and the HTTP checks' MD5 digest (fwd/health)
LDLIBS_SSL  := $(or $(shell $(PKG_CONFIG) --libs openssl 2>/dev/null),-lssl -lcrypto)
# libxdp (AF_XDP sockets) and libbpf (the XDP program): --backend xdp
LDLIBS_XDP  := $(or $(shell $(PKG_CONFIG) --libs libxdp libbpf 2>/dev/null),-lxdp -lbpf)
LDLIBS_ALL   = $(LDLIBS_PCAP) $(LDLIBS_NET) $(LDLIBS_MNL) $(LDLIBS_SSL) $(LDLIBS_XDP)

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))

# Each folder below is one static library; a program is its main plus the
# libraries it links (docs/design.md, "Layout"):
#   sched         services, dests, schedulers, the connection table (no I/O)
#   arp           ARP replies;  arp/kernel  rtnetlink, addresses, nftables, sysctl
#   arp/rs        uvs-rs's verbs, state file and tunnel decapsulation (its
#                 main is arp/rs/rs.c)
#   fwd/data      the packet path: capture, ring, parse, forward, workers
#   fwd/control   uvsd's table and its side effects, the control socket
#   fwd/health    health checks, probes, keepalived.conf
#   fwd/lang      ipvsadm's language: arguments, rules files, control messages
#   fwd/uvsadm    uvsadm's printers (its main is fwd/uvsadm/uvsadm.c)
LIBDIRS  = sched arp arp/kernel arp/rs fwd/data fwd/control fwd/health fwd/lang fwd/uvsadm
MAINS    = fwd/uvsd/uvsd.c fwd/uvsadm/uvsadm.c arp/rs/rs.c
lib      = $(B)/lib/lib$(subst /,_,$(1)).a
libsrc   = $(filter-out $(MAINS),$(sort $(wildcard $(1)/*.c)))
ALL_LIBS = $(foreach d,$(LIBDIRS),$(call lib,$(d)))
# Libraries call each other both ways (control <-> health, data -> arp), so
# every link takes them as one group and pulls only the objects it needs.
group    = -Wl,--start-group $(1) -Wl,--end-group

define lib_rule
$(call lib,$(1)): $(call obj,$(call libsrc,$(1)))
	@mkdir -p $$(dir $$@)
	rm -f $$@ && $$(AR) rcs $$@ $$^
endef
$(foreach d,$(LIBDIRS),$(eval $(call lib_rule,$(d))))

SCHED_SRC = $(call libsrc,sched)

# uvsd's XDP program (fwd/data/bpf/), compiled for the BPF target by
# clang whatever CC is, and carried inside uvsd (fwd/data/xdp_obj.c
# includes the object's bytes). -g gives the BTF libbpf needs for the
# maps; the prefix map keeps the work tree's path out of the object.
BPF_CC     ?= clang
BPF_CFLAGS  = -O2 -g -target bpf -Wall -Werror \
              -I/usr/include/$(shell $(CC) -print-multiarch 2>/dev/null) \
              -fdebug-prefix-map=$(CURDIR)=.
XDP_OBJ     = $(B)/bpf/xdp_redirect.o

$(XDP_OBJ): fwd/data/bpf/xdp_redirect.c
	@mkdir -p $(dir $@)
	$(BPF_CC) $(BPF_CFLAGS) -c $< -o $@

$(call obj,fwd/data/xdp_obj.c): $(XDP_OBJ)
$(call obj,fwd/data/xdp_obj.c): LIB_CFLAGS += -DUVS_XDP_OBJ='"$(XDP_OBJ)"'

PROGS = $(B)/uvsd $(B)/uvsadm $(B)/uvs-rs
# every tests/unit/test_X.c is one cmocka program linked against the libraries
UNIT  = $(patsubst tests/unit/%.c,$(B)/%,$(wildcard tests/unit/test_*.c))

all: $(PROGS)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LIB_CFLAGS) -c $< -o $@

$(B)/uvsd: $(call obj,fwd/uvsd/uvsd.c) $(ALL_LIBS)
	$(CC) $(CFLAGS) $(LDFLAGS) $< $(call group,$(ALL_LIBS)) -o $@ $(LDLIBS_ALL)

$(B)/uvsadm: $(call obj,fwd/uvsadm/uvsadm.c) $(ALL_LIBS)
	$(CC) $(CFLAGS) $(LDFLAGS) $< $(call group,$(ALL_LIBS)) -o $@ $(LDLIBS_SSL)

$(B)/uvs-rs: $(call obj,arp/rs/rs.c) $(ALL_LIBS)
	$(CC) $(CFLAGS) $(LDFLAGS) $< $(call group,$(ALL_LIBS)) -o $@ $(LDLIBS_MNL) $(LDLIBS_SSL)

# sched tests compare against bench/'s reference implementations
$(UNIT): $(B)/%: $(B)/obj/tests/unit/%.o $(call obj,bench/sched_ref.c) $(ALL_LIBS)
	$(CC) $(CFLAGS) $(LDFLAGS) $(UNIT_LDFLAGS) $< $(call obj,bench/sched_ref.c) \
		$(call group,$(ALL_LIBS)) -o $@ -lcmocka $(LDLIBS_ALL)

# tests/golden/*.reply through the printers, byte for byte against *.out;
# the printers' name look-ups answered from tests/golden/services and
# hosts, not from this host (tests/unit/test_uvsadm_golden.c)
$(B)/test_uvsadm_golden: UNIT_LDFLAGS = -Wl,--wrap=getservbyport,--wrap=gethostbyaddr

$(B)/badframes: $(call obj,tests/lab/badframes.c)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@ $(LDLIBS_NET)

$(B)/bench_sched: $(call obj,bench/sched.c bench/sched_ref.c) $(call lib,sched)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@

# the fragment tracker's cost, through the whole packet stage
$(B)/bench_frag: $(call obj,bench/frag.c) $(ALL_LIBS)
	$(CC) $(CFLAGS) $(LDFLAGS) $< $(call group,$(ALL_LIBS)) -o $@ $(LDLIBS_ALL)

$(B)/bench_vips: $(call obj,bench/vips.c) $(ALL_LIBS)
	$(CC) $(CFLAGS) $(LDFLAGS) $< $(call group,$(ALL_LIBS)) -o $@ $(LDLIBS_ALL)

# the connection table's size and the staged burst, through the packet stages
$(B)/bench_flows: $(call obj,bench/flows.c) $(ALL_LIBS)
	$(CC) $(CFLAGS) $(LDFLAGS) $< $(call group,$(ALL_LIBS)) -o $@ $(LDLIBS_ALL)

# IPv6 next to IPv4: table bytes per entry, frames/s, new connections/s
$(B)/bench_conn6: $(call obj,bench/conn6.c) $(ALL_LIBS)
	$(CC) $(CFLAGS) $(LDFLAGS) $< $(call group,$(ALL_LIBS)) -o $@ $(LDLIBS_ALL)

$(B)/bench_health: $(call obj,bench/health.c) $(ALL_LIBS)
	$(CC) $(CFLAGS) $(LDFLAGS) $< $(call group,$(ALL_LIBS)) -o $@ $(LDLIBS_ALL)

$(B)/bench_sim: $(call obj,bench/sim.c) $(call lib,sched)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@ -lm

$(B)/naive_fwd: $(call obj,bench/naive_fwd.c)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@ $(LDLIBS_PCAP)

# What each target installs on a fresh Debian/Ubuntu (README says so too),
# always with --no-install-recommends: a Recommends can pull in packages that
# replace the user's own (netsniff-ng's pulls ntpsec, which removes
# systemd-timesyncd).
#   build (make, make demo): compiler, the six libraries (libxdp and
#   libbpf for --backend xdp), clang (the XDP program), iproute2,
#   nftables (uvsd's guard), curl and python3 (the demo's client and
#   servers), arping (iputils-arping when no arping is on PATH).
#   test (make test) adds: cmocka, wrk, tcpdump, clang (the fuzz smoke;
#   libFuzzer's runtime is libclang-rt-dev), netsniff-ng (trafgen),
#   iputils-ping and netbase, prometheus (its server and promtool scrape
#   uvsd --metrics in tests/e2e/metrics_prometheus.sh), keepalived (its
#   sample configurations, which tests/e2e/keepalived_samples.sh loads; its
#   service does not start, as its unit needs an
#   /etc/keepalived/keepalived.conf Debian does not ship), openssl (the
#   certificate of the SSL_GET test's server), bird2 (the BGP speakers of
#   the ECMP tests, tests/e2e/ecmp_*.sh, and make demo-ecmp; its service
#   does not start under the lab, which runs its own in namespaces), and
#   what make deb needs (tests/e2e/deb_package.sh builds one).
#   deb (make deb): build-essential (dpkg-buildpackage checks for it),
#   debian/control's Build-Depends (debhelper among them) and lintian.
BUILD_PKGS = gcc make pkg-config libc6-dev libpcap-dev libnet1-dev libmnl-dev \
             libssl-dev libxdp-dev libbpf-dev clang iproute2 nftables curl \
             python3
DEB_PKGS   = build-essential pkg-config libpcap-dev libnet1-dev libmnl-dev \
             libssl-dev libxdp-dev libbpf-dev clang dpkg-dev debhelper lintian
TEST_PKGS  = $(BUILD_PKGS) libcmocka-dev iputils-ping netbase wrk tcpdump \
             clang libclang-rt-dev netsniff-ng prometheus keepalived openssl \
             bird2 build-essential dpkg-dev debhelper lintian
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

deb-deps:
	$(call install_missing,$(DEB_PKGS))

tools: $(B)/badframes

unit: $(UNIT)

# In CI (CI=true), or with ASAN=1, the suite runs a second time on the
# ASan+UBSan build, its tests shared with the first run's between
# tests/run.sh's lanes (it says how tests that time something keep
# to themselves), and the closing line counts both runs. Left out of
# that second run, so the whole of make test stays well under 30
# minutes (make asan still runs everything): the scripts that test no
# code of the build at hand (the package build, the clang fuzz smoke,
# make install, the lessons' teaching scripts); the real-Prometheus
# scrape (metrics_hostile keeps the metrics code under ASan); and two
# that mostly wait on timers for code other ASan scripts reach:
# health_sh_mh (sh/mh picks as health checks fail: test_health and
# health_checks cover the engine) and restart_mh (a restart within a
# timed bound; --rules at start is loaded by many others). The ECMP
# scripts wait mostly on BGP timers and Python clients; the uvsd code
# they reach (mid-flow scheduling with --sloppy-tcp, mh, gratuitous ARP
# left unanswered) runs on this pass in test_forward and
# test_sched_hash. backends.sh, mutants_fail.sh and ha_sync_failover.sh
# (its no-sync control) shorten themselves on this pass (see them).
ASAN_CFLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer
ASAN_SKIP   = !deb_package,!fuzz_smoke,!install,!lesson_*,!metrics_prometheus,!health_sh_mh,!restart_mh,!ecmp_*
ifneq ($(filter true 1,$(CI) $(ASAN)),)
TEST_BUILDS := $(B) build-asan:$(ASAN_SKIP)
endif
# In CI (CI=true), or with TSAN=1, the tests that stress the threads run
# once more on a ThreadSanitizer build: several workers (uvsd -j, the
# workers' unit test), the default one worker under a slow control
# reader, and the --trace file the threads share; a race report in
# uvsd's log fails them. Not the whole suite: every uvsd runs a worker
# thread beside its control thread, but the rest adds time under TSan
# (slow) more than it adds cases.
TSAN_CFLAGS = -O1 -g -fsanitize=thread -fno-omit-frame-pointer
TSAN_TESTS  = workers*,thresholds_workers,slow_reader_no_stall,trace_pcap,v6_trace
ifneq ($(filter true 1,$(CI) $(TSAN)),)
TEST_BUILDS := $(or $(TEST_BUILDS),$(B)) build-tsan:$(TSAN_TESTS)
endif

# The builds of make test use every core (CI runs a bare `make test`),
# the fuzz smoke's clang harnesses included, so the test itself need not
# build them (if that build fails, tests/e2e/fuzz_smoke.sh shows how).
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

test: deps
	$(MAKE) -j$(JOBS) all tools unit
	$(if $(filter build-asan%,$(TEST_BUILDS)),$(MAKE) -j$(JOBS) B=build-asan CFLAGS="$(ASAN_CFLAGS)" all tools unit)
	$(if $(filter build-tsan:%,$(TEST_BUILDS)),$(MAKE) -j$(JOBS) B=build-tsan CFLAGS="$(TSAN_CFLAGS)" all tools unit)
	@if command -v clang >/dev/null 2>&1; then $(MAKE) -s -j$(JOBS) fuzz-build >/dev/null 2>&1 || true; fi
	ASAN_OPTIONS=detect_leaks=1 TSAN_OPTIONS=halt_on_error=0 tests/run.sh $(or $(TEST_BUILDS),$(B))

asan:
	$(MAKE) deps
	$(MAKE) B=build-asan CFLAGS="$(ASAN_CFLAGS)" all tools unit
	ASAN_OPTIONS=detect_leaks=1 tests/run.sh build-asan

tsan:
	$(MAKE) deps
	$(MAKE) B=build-tsan CFLAGS="$(TSAN_CFLAGS)" all tools unit
	TSAN_OPTIONS=halt_on_error=0 tests/run.sh build-tsan:$(TSAN_TESTS)

demo: demo-deps
	$(MAKE) all
	B=$(B) tests/lab/demo.sh

demo-ha: demo-deps
	$(call install_missing,keepalived)
	$(MAKE) all
	B=$(B) tests/lab/demo_ha.sh

# three directors behind a bird2 router, one withdrawn, nothing lost
demo-ecmp:
	$(call install_missing,$(BUILD_PKGS) bird2)
	$(MAKE) all
	B=$(B) tests/lab/demo_ecmp.sh

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

bench: deps plotdeps $(B)/bench_sched $(B)/bench_sim $(B)/bench_frag \
    $(B)/bench_vips $(B)/bench_health $(B)/bench_flows $(B)/bench_conn6
	$(B)/bench_sched
	$(B)/bench_flows
	$(B)/bench_conn6
	$(B)/bench_frag
	$(B)/bench_health
	$(B)/bench_sim
	$(B)/bench_vips
	$(MAKE) bench-fwd
	$(MAKE) bench-ecmp

# a namespace lab, so root only (it says SKIP otherwise); installs its own
# tools (bench/fwd/packages); about 3 minutes
bench-fwd: deps
	$(MAKE) all $(B)/naive_fwd
	B=$(B) bench/fwd/run.sh

# new connections/s through 1, 2 and 3 directors on ECMP; root, about 30 s
bench-ecmp: deps
	$(MAKE) all
	B=$(B) bench/ecmp/run.sh

sim: deps plotdeps $(B)/bench_sim
	$(B)/bench_sim

# libFuzzer harnesses (tests/fuzz/README.md): clang with ASan and UBSan,
# built apart in build-fuzz/ (never mixed with gcc's build/), each run for
# FUZZ_SECONDS from a scratch copy of its seed corpus, without network.
FUZZ_SECONDS ?= 60
FUZZ_NAMES    = parse ndp forward ipvsargs rules keepalived ctl metrics
FUZZ_CFLAGS   = -O1 -g -fno-omit-frame-pointer \
                -fsanitize=fuzzer-no-link,address,undefined \
                -fno-sanitize-recover=undefined
# Each harness links what uvsd links (less its main), so a library file
# that gains a dependency does not break the fuzz build.
$(B)/fuzz_%: $(B)/obj/tests/fuzz/fuzz_%.o $(ALL_LIBS)
	$(CC) $(CFLAGS) $(LDFLAGS) -fsanitize=fuzzer $< $(call group,$(ALL_LIBS)) \
		-o $@ $(LDLIBS_ALL)

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

# dpkg-buildpackage writes its .deb, .changes and .buildinfo next to the
# source tree and debhelper leaves debian/uvs/ and friends in it, so the
# package is built from a copy in $(B)/deb/src: the results land in
# $(B)/deb/ and the work tree is left as it was. lintian fails the target
# on an error; its warnings are shown (there are none today).
DEB_DIR = $(B)/deb
deb: deb-deps
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/src
	tar -c --exclude=./.git --exclude='./build*' --exclude=./$(B) \
		--exclude=./bench/out --exclude=__pycache__ --exclude=./debian/uvs \
		--exclude=./debian/build --exclude='./debian/.debhelper' \
		--exclude='./debian/*debhelper*' --exclude=./debian/files \
		--exclude=./debian/uvs.substvars --exclude=./debian/uvs-dbgsym . | \
		tar -x -C $(DEB_DIR)/src
	cd $(DEB_DIR)/src && dpkg-buildpackage -us -uc -b -Jauto
	lintian --info $(DEB_DIR)/uvs_*.changes

clean:
	rm -rf build build-asan build-tsan build-fuzz

.PHONY: all deps demo-deps deb-deps deb tools unit test asan tsan demo demo-ha demo-ecmp lesson clean plotdeps bench bench-fwd bench-ecmp sim \
	install uninstall
-include $(shell find $(B) -name '*.d' 2>/dev/null)
