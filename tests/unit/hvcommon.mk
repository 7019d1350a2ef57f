# SPDX-License-Identifier: GPL-2.0-only
# Check suites for the pure hypervisor/common modules: ELF notes, command line,
# PV initial layout, page-table entry rules. Each test binary links its
# module's .c directly.
# (Included before unit.mk, so UNIT_CFLAGS/UNIT_LIBS appear only in recipes.)
HVCOMMON_UNIT := $(patsubst %,$(BUILD)/tests/unit/test_%,elf cmdline pv_layout pgtable)

$(HVCOMMON_UNIT): $(BUILD)/tests/unit/test_%: tests/unit/test_%.c \
		hypervisor/common/%.c hypervisor/include/xenia/%.h \
		hypervisor/include/xenia/lib.h tests/unit/hvcommon.mk tests/unit/check_suite.h \
		| $(XEN_INC)/xen/xen.h
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^) $(UNIT_LIBS)

$(BUILD)/tests/unit/test_pv_layout: hypervisor/include/xenia/elf.h

UNIT_TESTS += $(HVCOMMON_UNIT)
