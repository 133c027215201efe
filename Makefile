# Makefile - leakscope
#
#   make            build build/leakscope (installs missing dependencies)
#   make demo       build, then analyse the bundled sample data
#   make check      every test: unit (cmocka), CLI golden, corpus (skips
#                   without ../shared/corpus)
#   make conformance  compare `top` with go tool pprof's goldens in
#                   ../shared/corpus/external
#   make check SANITIZE=1   the same under ASan+UBSan (in build/san)
#   make V=1        show full command lines

.DEFAULT_GOAL := all
SANITIZE ?=
V ?=
CC ?= cc
ifeq ($(origin CC),default)
CC := cc
endif

ifeq ($(SANITIZE),1)
BUILD ?= build/san
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
OPT ?= -O1
else
BUILD ?= build
SAN_FLAGS =
OPT ?= -O2
endif

CFLAGS ?= $(OPT) -g
WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SAN_FLAGS) -Iinclude -I$(BUILD)/gen $(DEP_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SAN_FLAGS)

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

.PHONY: all check unit golden corpus-tests conformance demo bench clean FORCE
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

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/tests/*.d)

# Tests. Each unit test binary is a cmocka suite; the golden and corpus
# scripts print "N passed, M failed" lines of their own.
check: unit golden corpus-tests

unit: $(TEST_BINS)
	@fail=0; for t in $(TEST_BINS); do \
		echo "  TEST    $$t"; \
		LEAKSCOPE_TESTDATA=testdata $$t || fail=1; \
	done; exit $$fail

golden: $(BIN)
	$(Q)LEAKSCOPE=$(BIN) sh tests/golden.sh

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
