# Makefile - leakscope
#
#   make            build build/leakscope (installs missing dependencies)
#   make demo       build, then analyse the bundled sample data
#   make check      every test: unit (cmocka), CLI golden, corpus (skips
#                   without ../shared/corpus)
#   make conformance  compare `top` with go tool pprof's goldens in
#                   ../shared/corpus/external
#   make check SANITIZE=1   the same under ASan+UBSan (in build/san)
#   make check VALGRIND=1   unit tests and golden commands under valgrind
#                   --leak-check=full (memcheck errors fail the run)
#   make fuzz       build the libFuzzer harnesses (clang) in build/fuzz and
#                   run each FUZZ_SECONDS (60) seconds; crashes are written
#                   to build/fuzz/crashes/ (fuzz/README.md)
#   make hostile    the hostile-input suite at full size (1 GB lines,
#                   10 GB gzip bombs, 10^7 samples); `make check` runs it
#                   at reduced sizes
#   make V=1        show full command lines

.DEFAULT_GOAL := all
SANITIZE ?=
V ?=
CC ?= cc
ifeq ($(origin CC),default)
CC := cc
endif

FUZZ ?=
VALGRIND ?=
ifeq ($(FUZZ),1)
# libFuzzer harnesses: the library instrumented for coverage, ASan+UBSan.
BUILD ?= build/fuzz
SAN_FLAGS = -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
OPT ?= -O1
else ifeq ($(SANITIZE),1)
BUILD ?= build/san
SAN_FLAGS = -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all -fno-omit-frame-pointer
OPT ?= -O1
else
BUILD ?= build
SAN_FLAGS =
OPT ?= -O2
endif

CFLAGS ?= $(OPT) -g
WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers
# Profile values are int64 with Go's wrap-around on overflow (pprof sums
# them so); -fwrapv gives C the same meaning instead of undefined behaviour.
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -pthread -fwrapv $(WARN) $(CFLAGS) $(SAN_FLAGS) -Iinclude -I$(BUILD)/gen $(DEP_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SAN_FLAGS) -pthread

ifeq ($(V),1)
Q =
else
Q = @
endif

# Dependencies: the first make installs what is missing, then records the
# flags pkg-config gives. GNU make rebuilds an included makefile first and
# restarts, so this happens before anything is compiled.
ifeq ($(filter clean distclean,$(MAKECMDGOALS)),)
-include $(BUILD)/config.mk
endif
$(BUILD)/config.mk: scripts/install-deps
	@mkdir -p $(BUILD)
	@./scripts/install-deps
	@{ echo "DEP_CFLAGS = $$(pkg-config --cflags libprotobuf-c zlib jansson)"; \
	   echo "DEP_LIBS = $$(pkg-config --libs libprotobuf-c zlib jansson) -lm"; \
	   echo "CMOCKA_CFLAGS = $$(pkg-config --cflags cmocka)"; \
	   echo "CMOCKA_LIBS = $$(pkg-config --libs cmocka)"; } > $@.tmp
	@mv $@.tmp $@

# Rebuild everything when the compiler or flags change.
BUILD_CONFIG = $(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)
$(BUILD)/.build-config: FORCE
	@mkdir -p $(BUILD)
	@echo '$(BUILD_CONFIG)' | cmp -s - $@ || echo '$(BUILD_CONFIG)' > $@

GEN = $(BUILD)/gen/profile.pb-c.c $(BUILD)/gen/profile.pb-c.h
CMD_SRCS = src/main.c src/cli.c $(wildcard src/cmd_*.c)
LIB_SRCS = $(filter-out $(CMD_SRCS),$(wildcard src/*.c))
LIB_OBJS = $(LIB_SRCS:src/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/profile.pb-c.o
CMD_OBJS = $(CMD_SRCS:src/%.c=$(BUILD)/obj/%.o)
LIB = $(BUILD)/libleakscope.a
BIN = $(BUILD)/leakscope

TEST_SRCS = $(wildcard tests/test_*.c)
TEST_BINS = $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)

# Fuzz harnesses: fuzz/fuzz_NAME.c. Linked with libFuzzer in build/fuzz
# (make fuzz), and with fuzz/replay.c in every other build, to replay the
# seeds and the crashers found so far (make regress, part of check).
FUZZ_NAMES = $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
REPLAY_BINS = $(FUZZ_NAMES:%=$(BUILD)/replay/replay_%)
FUZZ_BINS = $(FUZZ_NAMES:%=build/fuzz/fuzz/fuzz_%)
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 1
FUZZ_FLAGS ?=
FUZZ_SEEDS ?=

ifeq ($(VALGRIND),1)
VALGRIND_CMD = valgrind -q --error-exitcode=99 --leak-check=full
VALGRIND_DEPS = valgrind-deps
else
VALGRIND_CMD =
VALGRIND_DEPS =
endif

.PHONY: all check unit golden corpus-tests conformance demo bench clean FORCE \
	regress hostile hostile-check fuzz fuzz-build valgrind-deps cli-tests
all: $(BIN)

$(BUILD)/gen/profile.pb-c.c $(BUILD)/gen/profile.pb-c.h: proto/profile.proto $(BUILD)/config.mk
	@mkdir -p $(BUILD)/gen
	@echo "  PROTOC  $<"
	$(Q)protoc-c --c_out=$(BUILD)/gen -Iproto $<

$(BUILD)/obj/profile.pb-c.o: $(BUILD)/gen/profile.pb-c.c $(BUILD)/.build-config
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -c -o $@ $<

$(BUILD)/obj/%.o: src/%.c $(GEN) $(BUILD)/.build-config
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN): $(CMD_OBJS) $(LIB)
	@echo "  LINK    $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(CMD_OBJS) $(LIB) $(DEP_LIBS)

$(BUILD)/tests/%: tests/%.c $(LIB) $(GEN) $(BUILD)/.build-config
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -Wno-missing-prototypes -MMD -MP -o $@ $< $(LIB) $(ALL_LDFLAGS) $(DEP_LIBS) $(CMOCKA_LIBS)

$(BUILD)/replay/replay_%: fuzz/fuzz_%.c fuzz/replay.c $(wildcard fuzz/*.h) $(LIB) $(GEN) $(BUILD)/.build-config
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Ifuzz -Wno-missing-prototypes -o $@ fuzz/replay.c $< $(LIB) $(ALL_LDFLAGS) $(DEP_LIBS)

build/fuzz/fuzz/fuzz_%: fuzz/fuzz_%.c $(wildcard fuzz/*.h) $(LIB) $(GEN) $(BUILD)/.build-config
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Ifuzz -fsanitize=fuzzer -o $@ $< $(LIB) $(ALL_LDFLAGS) -fsanitize=fuzzer $(DEP_LIBS)

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/tests/*.d)

# Tests. Each unit test binary is a cmocka suite; the golden and corpus
# scripts print "N passed, M failed" lines of their own.
check: unit golden regress hostile-check corpus-tests cli-tests

valgrind-deps:
	@./scripts/install-deps valgrind

unit: $(TEST_BINS) $(VALGRIND_DEPS)
	@fail=0; for t in $(TEST_BINS); do \
		echo "  TEST    $$t"; \
		LEAKSCOPE_TESTDATA=testdata $(VALGRIND_CMD) $$t || fail=1; \
	done; exit $$fail

golden: $(BIN) $(VALGRIND_DEPS)
	$(Q)LEAKSCOPE=$(BIN) LEAKSCOPE_WRAPPER="$(VALGRIND_CMD)" sh tests/golden.sh

# Every crasher the fuzzers found, and every seed, through its harness.
regress: $(REPLAY_BINS) $(VALGRIND_DEPS)
	@fail=0; for n in $(FUZZ_NAMES); do \
		$(VALGRIND_CMD) $(BUILD)/replay/replay_$$n fuzz/regress/$$n fuzz/corpus/$$n || fail=1; \
	done; exit $$fail

# Hostile input (tests/hostile.sh): check runs reduced sizes, hostile the
# full ones. Neither under valgrind, which would take hours.
HOSTILE_GEN = $(BUILD)/tests/hostile_gen
$(HOSTILE_GEN): tests/hostile_gen.c $(BUILD)/config.mk
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -o $@ $< $(DEP_LIBS)

hostile-check: $(BIN) $(HOSTILE_GEN)
	$(Q)LEAKSCOPE=$(BIN) HOSTILE_GEN=$(HOSTILE_GEN) LEAKSCOPE_HOSTILE=$(if $(VALGRIND_CMD),skip,$(if $(filter 1,$(SANITIZE)),small,check)) sh tests/hostile.sh

hostile: $(BIN) $(HOSTILE_GEN)
	$(Q)LEAKSCOPE=$(BIN) HOSTILE_GEN=$(HOSTILE_GEN) LEAKSCOPE_HOSTILE=full sh tests/hostile.sh

# libFuzzer (clang; the fuzzer runtime comes with libclang-rt-14-dev on
# Debian 12). Each harness runs FUZZ_SECONDS on a working corpus in
# build/fuzz/corpus/NAME seeded from fuzz/corpus/NAME (and FUZZ_SEEDS,
# read-only); crashers go to build/fuzz/crashes/.
fuzz-build:
	@./scripts/install-deps clang libclang-rt-14-dev
	$(Q)$(MAKE) --no-print-directory FUZZ=1 CC=clang BUILD=build/fuzz $(FUZZ_BINS)

fuzz: fuzz-build
	@mkdir -p build/fuzz/crashes
	@fail=0; for n in $(FUZZ_NAMES); do \
		mkdir -p build/fuzz/corpus/$$n; \
		echo "  FUZZ    $$n ($(FUZZ_SECONDS) s)"; \
		build/fuzz/fuzz/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) \
			-rss_limit_mb=2048 -timeout=20 -print_final_stats=1 \
			-artifact_prefix=build/fuzz/crashes/$$n- $(FUZZ_FLAGS) \
			build/fuzz/corpus/$$n fuzz/corpus/$$n $(FUZZ_SEEDS) \
			>build/fuzz/$$n.log 2>&1 || { fail=1; tail -n 60 build/fuzz/$$n.log; }; \
		grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' build/fuzz/$$n.log | tr '\n' ' '; echo; \
	done; exit $$fail

# Flame graphs in headless Chromium (skips without it), colour and
# progress on a terminal, bash completion, README and man page examples
# (issue 7).
cli-tests: $(BIN)
	$(Q)LEAKSCOPE=$(BIN) sh tests/svg.sh
	$(Q)LEAKSCOPE=$(BIN) sh tests/tty.sh
	$(Q)LEAKSCOPE=$(BIN) bash tests/completion.sh
	$(Q)LEAKSCOPE=$(BIN) sh tests/examples.sh

corpus-tests: $(BIN)
	$(Q)LEAKSCOPE=$(BIN) sh tests/run-suite.sh corpus tests/corpus

conformance: $(BIN)
	$(Q)LEAKSCOPE=$(BIN) sh tests/run-suite.sh conformance tests/conformance

demo: $(BIN)
	$(Q)LEAKSCOPE=$(BIN) sh scripts/demo.sh

# Benchmarks side by side with go tool pprof and panicparse (bench/README.md).
# run.sh builds its own optimised tree in build/bench and the inputs.
bench:
	$(Q)sh bench/run.sh

clean:
	rm -rf build

FORCE:
