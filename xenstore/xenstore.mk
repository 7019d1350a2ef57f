# SPDX-License-Identifier: GPL-2.0-only
# xenstore: pure core, transports, xenstored, libxenstore.so.4, utilities, tests.

XS_OUT   := $(BUILD)/xenstore
XS_UOUT  := $(BUILD)/xenstore/unit
XS_CORE  := xs_codec xs_map xs_tree xs_domain xs_watch xs_txn xs_store \
	    xs_dispatch xs_persist
XS_TRANS := xs_ring xs_loop
XS_INC   := -Ixenstore/core -Ixenstore/transport
XS_CFLAGS := $(HOST_CFLAGS) -fPIC -fvisibility=hidden $(XS_INC) -MMD -MP
XS_UCFLAGS = $(UNIT_CFLAGS) $(XS_INC) -MMD -MP

XS_CORE_OBJ  := $(XS_CORE:%=$(XS_OUT)/core/%.o)
XS_TRANS_OBJ := $(XS_TRANS:%=$(XS_OUT)/transport/%.o)
XS_UCORE_OBJ := $(XS_CORE:%=$(XS_UOUT)/core/%.o) $(XS_TRANS:%=$(XS_UOUT)/transport/%.o)

XS_DAEMON := $(XS_OUT)/xenstored
XS_LIBSO  := $(XS_OUT)/lib/libxenstore.so.4
XS_CLIENT := $(XS_OUT)/bin/xenstore
XS_UTILS  := $(foreach u,read write ls rm chmod exists list watch control,$(XS_OUT)/bin/xenstore-$(u))
XS_BENCH  := $(XS_OUT)/xs-bench

ALL_TARGETS += $(XS_DAEMON) $(XS_LIBSO) $(XS_OUT)/lib/libxenstore.so \
	$(XS_CLIENT) $(XS_UTILS) $(XS_BENCH)

$(XS_OUT)/%.o: xenstore/%.c | $(XEN_INC)/xen/xen.h
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(XS_CFLAGS) -c $< -o $@

$(XS_UOUT)/%.o: xenstore/%.c | $(XEN_INC)/xen/xen.h
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(XS_UCFLAGS) -c $< -o $@

# ---- the daemon ----
$(XS_DAEMON): $(XS_OUT)/daemon/xenstored.o $(XS_TRANS_OBJ) $(XS_CORE_OBJ)
	$(Q)$(HOSTCC) -o $@ $^

# ---- libxenstore.so.4 ----
XS_LIB_OBJ := $(XS_OUT)/lib/xs_lib.o $(XS_OUT)/core/xs_codec.o
$(XS_OUT)/lib/xs_lib.o: XS_CFLAGS += -Ixenstore/include -fvisibility=default
$(XS_LIBSO): $(XS_LIB_OBJ) xenstore/lib/libxenstore.map
	$(Q)$(HOSTCC) -shared -o $@ -Wl,-soname,libxenstore.so.4 \
		-Wl,--version-script=xenstore/lib/libxenstore.map $(XS_LIB_OBJ) -lpthread
$(XS_OUT)/lib/libxenstore.so: $(XS_LIBSO)
	$(Q)ln -sf libxenstore.so.4 $@

# ---- utilities: one multi-call binary, linked by name ----
$(XS_OUT)/utils/xenstore_client.o: XS_CFLAGS += -Ixenstore/include
$(XS_CLIENT): $(XS_OUT)/utils/xenstore_client.o $(XS_OUT)/lib/libxenstore.so
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -o $@ $< -L$(XS_OUT)/lib -lxenstore -Wl,-rpath,'$$ORIGIN/../lib'
$(XS_UTILS): $(XS_CLIENT)
	$(Q)ln -sf xenstore $@

# ---- benchmark client (links Debian's or our libxenstore at run time) ----
$(XS_OUT)/bench/xs_bench.o: XS_CFLAGS += -Ixenstore/include
$(XS_BENCH): $(XS_OUT)/bench/xs_bench.o $(XS_OUT)/lib/libxenstore.so
	$(Q)$(HOSTCC) -o $@ $< -L$(XS_OUT)/lib -lxenstore
BENCH_STEPS += xenstore/bench/run-bench.sh

# ---- Check suites ----
XS_TESTS := test_codec test_tree test_perms test_txn test_watch test_quota \
	test_dispatch test_ring test_persist
XS_TEST_BINS := $(XS_TESTS:%=$(BUILD)/tests/unit/xenstore/%)
UNIT_TESTS += $(XS_TEST_BINS)

$(BUILD)/tests/unit/xenstore/%: tests/unit/xenstore/%.c \
		tests/unit/xenstore/xs_test.h $(XS_UCORE_OBJ) | $(XEN_INC)/xen/xen.h
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(XS_UCFLAGS) -Itests/unit/xenstore -o $@ $< $(XS_UCORE_OBJ) $(UNIT_LIBS)

# ---- compatibility steps (Debian's tools against ours) ----
XS_TEST_STEPS := tests/compat/xenstore/utils-vs-ours.sh \
	tests/compat/xenstore/wire.sh \
	tests/compat/xenstore/test-xenstore.sh \
	tests/compat/xenstore/ourlib-under-debian-utils.sh \
	tests/compat/xenstore/lib-stream.sh \
	tests/compat/xenstore/our-utils.sh \
	tests/compat/xenstore/bad-input.sh \
	tests/compat/xenstore/transports.sh \
	tests/compat/xenstore/fuzz.sh
TEST_STEPS += $(XS_TEST_STEPS)

# ---- fuzzing (libFuzzer, clang) ----
XS_FUZZ := $(XS_OUT)/fuzz/fuzz_dispatch $(XS_OUT)/fuzz/fuzz_ring
XS_FUZZ_CORE := $(XS_CORE:%=xenstore/core/%.c)
XS_FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -I$(XEN_INC) $(XEN_IFACE) $(XS_INC)
$(XS_OUT)/fuzz/fuzz_dispatch: xenstore/fuzz/fuzz_dispatch.c $(XS_FUZZ_CORE) \
		$(wildcard xenstore/core/*.h) | $(XEN_INC)/xen/xen.h
	@mkdir -p $(dir $@)
	$(Q)clang $(XS_FUZZ_FLAGS) -o $@ $< $(XS_FUZZ_CORE)
$(XS_OUT)/fuzz/fuzz_ring: xenstore/fuzz/fuzz_ring.c xenstore/transport/xs_ring.c \
		$(XS_FUZZ_CORE) $(wildcard xenstore/core/*.h) xenstore/transport/xs_ring.h \
		| $(XEN_INC)/xen/xen.h
	@mkdir -p $(dir $@)
	$(Q)clang $(XS_FUZZ_FLAGS) -o $@ $< xenstore/transport/xs_ring.c $(XS_FUZZ_CORE)

# clang and its libFuzzer runtime are in DEPS_BUILD (top Makefile).
ALL_TARGETS += $(XS_FUZZ)

fuzz:: $(XS_FUZZ)
	$(Q)XS_FUZZ_SECONDS=$${XS_FUZZ_SECONDS:-600} tests/compat/xenstore/fuzz.sh

# Everything of this component alone: make xenstore-all / xenstore-test.
.PHONY: xenstore-all xenstore-test
xenstore-all: $(filter $(XS_OUT)/%,$(ALL_TARGETS)) $(XS_TEST_BINS)
xenstore-test: xenstore-all
	$(Q)tests/run-all.sh "tests/unit/run.sh $(XS_TEST_BINS)" $(XS_TEST_STEPS)

-include $(shell find $(XS_OUT) -name '*.d' 2>/dev/null)

# ---- hostile client for tests/compat/xenstore/bad-input.sh ----
XS_BADCLIENT := $(XS_OUT)/xs-badclient
ALL_TARGETS += $(XS_BADCLIENT)
$(XS_BADCLIENT): tests/compat/xenstore/xs_badclient.c | $(XEN_INC)/xen/xen.h
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $<
