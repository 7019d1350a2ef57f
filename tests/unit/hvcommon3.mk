# SPDX-License-Identifier: GPL-2.0-only
# Check suites for event channels (event_channel.c) and the scheduling policy
# (sched.c), each linked alone against the fakes in its test file.
# (Included before unit.mk, so UNIT_CFLAGS/UNIT_LIBS appear only in recipes.)
HVCOMMON3_HDRS := $(wildcard hypervisor/include/xenia/*.h) \
	$(wildcard hypervisor/arch/x86/include/asm/*.h) tests/unit/host_compat.h \
	tests/unit/check_suite.h
HVCOMMON3_UNIT := $(patsubst %,$(BUILD)/tests/unit/test_%,evtchn sched)

# xenia/sched.h reaches <asm/regs.h>: the x86 headers are needed, not its
# code.  host_compat.h declares strlcpy where the C library has none.
$(BUILD)/tests/unit/test_evtchn: hypervisor/common/event_channel.c
$(BUILD)/tests/unit/test_sched: hypervisor/common/sched.c

$(HVCOMMON3_UNIT): $(BUILD)/tests/unit/test_%: tests/unit/test_%.c \
		$(HVCOMMON3_HDRS) tests/unit/hvcommon3.mk | $(XEN_INC)/xen/xen.h
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) -Ihypervisor/arch/x86/include \
		-include tests/unit/host_compat.h -o $@ \
		$(filter %.c,$^) $(UNIT_LIBS)

UNIT_TESTS += $(HVCOMMON3_UNIT)
