# SPDX-License-Identifier: GPL-2.0-only
# pvguest: the Xenia PV guest kernel (one ELF64 image, role from its cmdline).

PVG_DIR   := pvguest
PVG_OUT   := $(BUILD)/pvguest
PVG_ELF   := $(PVG_OUT)/pvguest
PVG_SRCS  := $(wildcard $(PVG_DIR)/*.c $(PVG_DIR)/*.S)
PVG_OBJS  := $(patsubst $(PVG_DIR)/%,$(PVG_OUT)/%.o,$(PVG_SRCS))
# The hypervisor's freestanding string functions and vsnprintf serve here too.
PVG_SHARED := string vsnprintf
PVG_OBJS  += $(patsubst %,$(PVG_OUT)/common/%.c.o,$(PVG_SHARED))
PVG_CFLAGS := $(KERNEL_CFLAGS) -I$(PVG_DIR)
# native.c takes the descriptor layouts from the hypervisor's <asm/desc.h>.
$(PVG_OUT)/native.c.o: PVG_CFLAGS += -Ihypervisor/include -Ihypervisor/arch/x86/include

ALL_TARGETS += $(PVG_ELF)

$(PVG_OUT)/%.c.o: $(PVG_DIR)/%.c | $(XEN_INC)/xen/xen.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(PVG_CFLAGS) -c $< -o $@

$(PVG_OUT)/common/%.c.o: hypervisor/common/%.c hypervisor/include/xenia/lib.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) -Ihypervisor/include -c $< -o $@

# User programs: position-independent ring-3 code (see uprog.c).
$(PVG_OUT)/uprog.c.o: PVG_CFLAGS = $(filter-out -fno-pic -fno-pie -mcmodel=kernel,\
	$(KERNEL_CFLAGS)) -fpie -fvisibility=hidden -I$(PVG_DIR)

$(PVG_OUT)/%.S.o: $(PVG_DIR)/%.S | $(XEN_INC)/xen/xen.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_ASFLAGS) -I$(PVG_DIR) -c $< -o $@

$(PVG_ELF): $(PVG_OBJS) $(PVG_DIR)/pvguest.lds
	$(Q)$(LD) $(KERNEL_LDFLAGS) -T $(PVG_DIR)/pvguest.lds -o $@ $(PVG_OBJS)

-include $(PVG_OBJS:.o=.d)

# pvguest's self-tests on the reference: Debian's Xen 4.17 under QEMU TCG.
TEST_STEPS += tests/compat/xen417/run-pvguest.sh

# The kernel's self-tests natively, on Xenia and on Xen 4.17: same verdicts.
TEST_STEPS += tests/compat/pvguest-3way.sh

# lmbench-style rows natively, on Xenia and on Xen 4.17, with the ratios.
BENCH_STEPS += tests/bench/pvkernel.py
