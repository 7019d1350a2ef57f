# SPDX-License-Identifier: GPL-2.0-only
# Check suites for the hypervisor/common modules that run against fakes: the
# frame table (page_alloc.c) and the hypercall table with its common handlers.
# (Included before unit.mk, so UNIT_CFLAGS/UNIT_LIBS appear only in recipes.)
HVCOMMON2_HDRS := $(wildcard hypervisor/include/xenia/*.h) tests/unit/check_suite.h
HVCOMMON2_HC   := $(patsubst %,hypervisor/common/%.c,hypercall version \
	sched_op guest_range domain)

$(BUILD)/tests/unit/test_frames: tests/unit/test_frames.c \
		hypervisor/common/page_alloc.c $(HVCOMMON2_HDRS) \
		tests/unit/hvcommon2.mk | $(XEN_INC)/xen/xen.h
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^) $(UNIT_LIBS)

# xenia/sched.h reaches <asm/regs.h>: the x86 headers are needed, not its
# code.  host_compat.h declares strlcpy where the C library has none.
$(BUILD)/tests/unit/test_hypercall: tests/unit/test_hypercall.c \
		$(HVCOMMON2_HC) $(HVCOMMON2_HDRS) tests/unit/host_compat.h \
		$(wildcard hypervisor/arch/x86/include/asm/*.h) \
		tests/unit/hvcommon2.mk | $(XEN_INC)/xen/xen.h
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) -Ihypervisor/arch/x86/include \
		-include tests/unit/host_compat.h -o $@ \
		$(filter %.c,$^) $(UNIT_LIBS)

UNIT_TESTS += $(BUILD)/tests/unit/test_frames $(BUILD)/tests/unit/test_hypercall
