# pullout: pulloutd (the daemon), pullout (its CLI), tests, benchmarks and docs.
# `make` builds everything; `make check` and `make demo` first install missing Debian packages.

VERSION = 0.1.0

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share
SYSCONFDIR ?= /etc
DESTDIR ?=
DOCDIR ?= $(DATADIR)/doc/pullout

# Where the system looks for units, D-Bus files, sysusers/tmpfiles snippets and completions:
# pkg-config's answer when the package ships a .pc file, else the usual place.
pkg_variable = $(or $(shell $(PKG_CONFIG) --variable=$(1) $(2) 2>/dev/null),$(3))
SYSTEMD_SYSTEM_UNIT_DIR ?= $(call pkg_variable,systemdsystemunitdir,systemd,/usr/lib/systemd/system)
SYSTEMD_USER_UNIT_DIR ?= $(call pkg_variable,systemduserunitdir,systemd,/usr/lib/systemd/user)
SYSUSERS_DIR ?= $(call pkg_variable,sysusersdir,systemd,/usr/lib/sysusers.d)
TMPFILES_DIR ?= $(call pkg_variable,tmpfilesdir,systemd,/usr/lib/tmpfiles.d)
# dbus-daemon reads policies from <datadir>/dbus-1/system.d of its own prefix (and /etc), so
# the policy follows dbus-1.pc's datadir when there is one.
DBUS_POLICY_DIR ?= $(call pkg_variable,datadir,dbus-1,$(DATADIR))/dbus-1/system.d
DBUS_SYSTEM_SERVICES_DIR ?= $(call pkg_variable,system_bus_services_dir,dbus-1,$(DATADIR)/dbus-1/system-services)
DBUS_SESSION_SERVICES_DIR ?= $(call pkg_variable,session_bus_services_dir,dbus-1,$(DATADIR)/dbus-1/services)
BASH_COMPLETION_DIR ?= $(call pkg_variable,completionsdir,bash-completion,$(DATADIR)/bash-completion/completions)

# The units and activation files name the installed daemon.
SUBSTITUTE = sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@BINDIR@|$(BINDIR)|g'

PKG_CONFIG ?= pkg-config
# `make V=1` shows the commands; otherwise one short line per step.
ifeq ($(V),1)
Q =
else
Q = @
endif
CC ?= cc

ifeq ($(SANITIZE),1)
BUILDDIR ?= build-sanitize
SANITIZE_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILDDIR ?= build
SANITIZE_FLAGS =
endif

# Everything is found with pkg-config; libcsv ships no .pc file, so it is checked by header.
DAEMON_PKGS = libevent libevent_pthreads sqlite3 libical libsystemd json-c inih libcrypto clp
CLI_PKGS = libsystemd json-c
TEST_PKGS = check
ALL_PKGS = $(sort $(DAEMON_PKGS) $(CLI_PKGS) $(TEST_PKGS))

PKGS_PRESENT := $(shell $(PKG_CONFIG) --exists $(ALL_PKGS) 2>/dev/null && test -f /usr/include/csv.h && echo yes)
ifeq ($(PKGS_PRESENT),yes)
DAEMON_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(DAEMON_PKGS))
DAEMON_LIBS := $(shell $(PKG_CONFIG) --libs $(DAEMON_PKGS)) -lcsv -lpthread -lm
CLI_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(CLI_PKGS))
CLI_LIBS := $(shell $(PKG_CONFIG) --libs $(CLI_PKGS)) -lm
TEST_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(TEST_PKGS))
TEST_LIBS := $(shell $(PKG_CONFIG) --libs $(TEST_PKGS))
endif

WARNINGS = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter $(if $(findstring clang,$(CC)),,-Wno-format-truncation)
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=gnu11 $(WARNINGS) $(CFLAGS) $(SANITIZE_FLAGS) -D_GNU_SOURCE \
	-DPULLOUT_VERSION='"$(VERSION)"' -DSYSCONFDIR='"$(SYSCONFDIR)"' -Idaemon -I. -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SANITIZE_FLAGS)

# The core: everything of the daemon but main(), so unit tests and benchmarks link it.
CORE_SRC = $(sort $(filter-out daemon/main.c,$(wildcard daemon/*.c daemon/*/*.c)) $(wildcard ical/*.c))
CLI_SRC = $(sort $(wildcard cli/*.c)) daemon/model/timeutil.c
UNIT_SRC = $(sort $(wildcard tests/unit/*.c))
INTEGRATION_SRC = $(sort $(wildcard tests/integration/*.c))
BENCH_SRC = $(sort $(wildcard bench/*.c))
# The school generator: a library (tests and benchmarks build schools in memory) and a tool.
SCHOOLGEN_SRC = $(sort $(wildcard tools/schoolgen/*.c))

CORE_OBJ = $(CORE_SRC:%.c=$(BUILDDIR)/%.o)
CLI_OBJ = $(CLI_SRC:%.c=$(BUILDDIR)/cli-%.o)
UNIT_OBJ = $(UNIT_SRC:%.c=$(BUILDDIR)/%.o)
INTEGRATION_OBJ = $(INTEGRATION_SRC:%.c=$(BUILDDIR)/%.o)
SCHOOLGEN_LIB = $(BUILDDIR)/libschoolgen.a

PULLOUTD = $(BUILDDIR)/pulloutd
PULLOUT = $(BUILDDIR)/pullout
CHECK_UNIT = $(BUILDDIR)/check-unit
CHECK_INTEGRATION = $(BUILDDIR)/check-integration
BENCH_BINS = $(BENCH_SRC:bench/%.c=$(BUILDDIR)/bench-%)
GEN_SCHOOL = $(BUILDDIR)/pullout-gen-school

MAN_SRC = $(wildcard docs/*.scd)
MAN_PAGES = $(MAN_SRC:docs/%.scd=$(BUILDDIR)/man/%)

.PHONY: all deps check check-layers check-unit check-integration check-readme check-valgrind demo bench install uninstall clean \
	fuzz pkgs-present man
.SUFFIXES:

all: $(PULLOUTD) $(PULLOUT) $(GEN_SCHOOL) $(CHECK_UNIT) $(CHECK_INTEGRATION) man

pkgs-present:
	@test "$(PKGS_PRESENT)" = yes || { \
		echo "pullout: missing build dependencies ($(ALL_PKGS), libcsv);" >&2; \
		echo "pullout: run tools/install-deps.sh (or make check / make demo, which run it)" >&2; \
		exit 1; }

deps:
	@tools/install-deps.sh

$(BUILDDIR)/%.o: %.c | pkgs-present
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(DAEMON_CFLAGS) $(TEST_CFLAGS) -c $< -o $@

$(BUILDDIR)/cli-%.o: %.c | pkgs-present
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(CLI_CFLAGS) -c $< -o $@

$(BUILDDIR)/libpullout-core.a: $(CORE_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(SCHOOLGEN_LIB): $(SCHOOLGEN_SRC:%.c=$(BUILDDIR)/%.o)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(GEN_SCHOOL): $(BUILDDIR)/tools/gen-school.o $(SCHOOLGEN_LIB) $(BUILDDIR)/libpullout-core.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DAEMON_LIBS)

$(PULLOUTD): $(BUILDDIR)/daemon/main.o $(BUILDDIR)/libpullout-core.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DAEMON_LIBS)

$(PULLOUT): $(CLI_OBJ)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CLI_LIBS)

# Each test file defines `Suite *suite_NAME(void)`; the runner's list is generated from them,
# so adding a suite is adding a file.
define suite_list
$(BUILDDIR)/tests/$(1)/build-suites.inc: $(filter-out tests/$(1)/check-main.c,$(wildcard tests/$(1)/*.c))
	@mkdir -p $$(dir $$@)
	@sed -n 's/^Suite \*\(suite_[a-z0-9_]*\)(void).*/SUITE(\1)/p' $$^ /dev/null > $$@
$(BUILDDIR)/tests/$(1)/check-main.o: $(BUILDDIR)/tests/$(1)/build-suites.inc
$(BUILDDIR)/tests/$(1)/check-main.o: ALL_CFLAGS += -I$(BUILDDIR)/tests/$(1)
endef
# Check's START_TEST and the suite functions carry no separate prototypes.
$(BUILDDIR)/tests/%.o: ALL_CFLAGS += -Wno-missing-prototypes
$(eval $(call suite_list,unit))
$(eval $(call suite_list,integration))

$(CHECK_UNIT): $(UNIT_OBJ) $(SCHOOLGEN_LIB) $(BUILDDIR)/libpullout-core.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DAEMON_LIBS) $(TEST_LIBS)

$(CHECK_INTEGRATION): $(INTEGRATION_OBJ) $(SCHOOLGEN_LIB) $(BUILDDIR)/libpullout-core.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DAEMON_LIBS) $(TEST_LIBS)

$(BUILDDIR)/bench-%: $(BUILDDIR)/bench/%.o $(SCHOOLGEN_LIB) $(BUILDDIR)/libpullout-core.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DAEMON_LIBS)

man: $(MAN_PAGES)

$(BUILDDIR)/man/%: docs/%.scd
	@mkdir -p $(dir $@)
	@if command -v scdoc >/dev/null; then scdoc < $< > $@.tmp && mv $@.tmp $@; else echo "scdoc missing: skipping $@" >&2; fi

# The README's test command. Installs what is missing, builds, checks the floor plan, runs
# every suite.
check: deps
	@$(MAKE) --no-print-directory check-layers check-unit check-integration
	@$(MAKE) --no-print-directory check-readme

# SQL only in daemon/store/, sd-bus only in main.c and daemon/bus*.c, no circle of calls
# between modules: read from the symbols of pulloutd's objects.
check-layers: $(CORE_OBJ) $(BUILDDIR)/daemon/main.o
	@$(if $(Q),echo "  LAYERS  pulloutd")
	$(Q)tools/check-layers.sh $(BUILDDIR) $^

check-unit: $(CHECK_UNIT)
	$(CHECK_UNIT)

check-integration: $(CHECK_INTEGRATION) $(PULLOUTD) $(PULLOUT) $(GEN_SCHOOL)
	PULLOUTD=$(abspath $(PULLOUTD)) PULLOUT=$(abspath $(PULLOUT)) GEN_SCHOOL=$(abspath $(GEN_SCHOOL)) \
		PULLOUT_SOURCE=$(abspath .) $(CHECK_INTEGRATION)

# README.md's first hour, as written, against a real daemon: the README cannot rot.
check-readme: $(PULLOUTD) $(PULLOUT)
	tests/readme-first-hour.sh $(BUILDDIR)

# The unit suites under valgrind, in one process so leaks are seen (slow: minutes).
check-valgrind: $(CHECK_UNIT)
	CK_FORK=no valgrind --quiet --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		$(CHECK_UNIT)

# The main job on the bundled sample school, in a private user-mode daemon.
demo: deps
	@$(MAKE) --no-print-directory $(PULLOUTD) $(PULLOUT)
	@BUILDDIR=$(BUILDDIR) tools/demo.sh

bench: deps
	@$(MAKE) --no-print-directory $(BENCH_BINS) $(PULLOUTD) $(PULLOUT)
	@BUILDDIR=$(BUILDDIR) tools/bench.sh

install: $(PULLOUTD) $(PULLOUT) man
	install -Dm755 $(PULLOUTD) $(DESTDIR)$(SBINDIR)/pulloutd
	install -Dm755 $(PULLOUT) $(DESTDIR)$(BINDIR)/pullout
	install -Dm755 scripts/pullout-alert-mail $(DESTDIR)$(BINDIR)/pullout-alert-mail
	for page in $(MAN_PAGES); do \
		test -f $$page || continue; \
		section=$${page##*.}; \
		install -Dm644 $$page $(DESTDIR)$(MANDIR)/man$$section/$$(basename $$page); \
	done
	install -d $(DESTDIR)$(SYSTEMD_SYSTEM_UNIT_DIR) $(DESTDIR)$(SYSTEMD_USER_UNIT_DIR) \
		$(DESTDIR)$(DBUS_SYSTEM_SERVICES_DIR) $(DESTDIR)$(DBUS_SESSION_SERVICES_DIR)
	$(SUBSTITUTE) systemd/pulloutd.service.in > $(DESTDIR)$(SYSTEMD_SYSTEM_UNIT_DIR)/pulloutd.service
	$(SUBSTITUTE) systemd/pulloutd-user.service.in > $(DESTDIR)$(SYSTEMD_USER_UNIT_DIR)/pulloutd-user.service
	$(SUBSTITUTE) systemd/org.pullout.Scheduler1.service.in \
		> $(DESTDIR)$(DBUS_SYSTEM_SERVICES_DIR)/org.pullout.Scheduler1.service
	$(SUBSTITUTE) systemd/org.pullout.Scheduler1.session.service.in \
		> $(DESTDIR)$(DBUS_SESSION_SERVICES_DIR)/org.pullout.Scheduler1.service
	chmod 644 $(DESTDIR)$(SYSTEMD_SYSTEM_UNIT_DIR)/pulloutd.service \
		$(DESTDIR)$(SYSTEMD_USER_UNIT_DIR)/pulloutd-user.service \
		$(DESTDIR)$(DBUS_SYSTEM_SERVICES_DIR)/org.pullout.Scheduler1.service \
		$(DESTDIR)$(DBUS_SESSION_SERVICES_DIR)/org.pullout.Scheduler1.service
	install -Dm644 systemd/org.pullout.Scheduler1.conf $(DESTDIR)$(DBUS_POLICY_DIR)/org.pullout.Scheduler1.conf
	install -Dm644 systemd/pullout.sysusers $(DESTDIR)$(SYSUSERS_DIR)/pullout.conf
	install -Dm644 systemd/pullout.tmpfiles $(DESTDIR)$(TMPFILES_DIR)/pullout.conf
	install -Dm644 examples/pulloutd.conf $(DESTDIR)$(DOCDIR)/pulloutd.conf.example
	install -Dm644 tools/pullout.bash-completion $(DESTDIR)$(BASH_COMPLETION_DIR)/pullout

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/pulloutd $(DESTDIR)$(BINDIR)/pullout $(DESTDIR)$(BINDIR)/pullout-alert-mail
	for page in $(MAN_SRC); do \
		name=$$(basename $$page .scd); section=$${name##*.}; \
		rm -f $(DESTDIR)$(MANDIR)/man$$section/$$name; \
	done
	rm -f $(DESTDIR)$(SYSTEMD_SYSTEM_UNIT_DIR)/pulloutd.service \
		$(DESTDIR)$(SYSTEMD_USER_UNIT_DIR)/pulloutd-user.service \
		$(DESTDIR)$(DBUS_SYSTEM_SERVICES_DIR)/org.pullout.Scheduler1.service \
		$(DESTDIR)$(DBUS_SESSION_SERVICES_DIR)/org.pullout.Scheduler1.service \
		$(DESTDIR)$(DBUS_POLICY_DIR)/org.pullout.Scheduler1.conf \
		$(DESTDIR)$(SYSUSERS_DIR)/pullout.conf \
		$(DESTDIR)$(TMPFILES_DIR)/pullout.conf \
		$(DESTDIR)$(DOCDIR)/pulloutd.conf.example \
		$(DESTDIR)$(BASH_COMPLETION_DIR)/pullout
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null

# Fuzz targets for every parser of outside input (fuzz/*.c, libFuzzer): the core is rebuilt
# with clang's coverage in build-fuzz/. Run one with e.g. build-fuzz/fuzz-import -max_total_time=60.
FUZZ_SRC = $(sort $(wildcard fuzz/*.c))
FUZZ_FLAGS = -g -O1 -fsanitize=address,undefined
fuzz: pkgs-present
	$(MAKE) --no-print-directory BUILDDIR=build-fuzz CC=clang CFLAGS="$(FUZZ_FLAGS) -fsanitize=fuzzer-no-link" \
		build-fuzz/libpullout-core.a
	@for source in $(FUZZ_SRC); do \
		target=build-fuzz/$$(basename $$source .c); echo "  FUZZ    $$target"; \
		clang -std=gnu11 -D_GNU_SOURCE -Idaemon -I. $(DAEMON_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer \
			$$source build-fuzz/libpullout-core.a $(DAEMON_LIBS) -o $$target || exit 1; \
	done

clean:
	rm -rf build build-sanitize build-fuzz

-include $(shell find $(BUILDDIR) -name '*.d' 2>/dev/null)
