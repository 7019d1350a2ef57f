# SPDX-License-Identifier: GPL-2.0-only
# Check suite for pvguest's portable kernel: the frame allocator and address
# spaces (kmem.c, kpt.c) built for the host, their pv-ops answered by a fake
# table in the test (pvpatch.h's host form, no code patching).
PVKERNEL_UNIT := $(BUILD)/tests/unit/test_pvkernel

$(PVKERNEL_UNIT): tests/unit/test_pvkernel.c pvguest/kmem.c pvguest/kpt.c \
		$(wildcard pvguest/*.h) tests/unit/check_suite.h \
		tests/unit/pvkernel.mk | $(XEN_INC)/xen/xen.h
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) -Ipvguest -o $@ $(filter %.c,$^) $(UNIT_LIBS)

UNIT_TESTS += $(PVKERNEL_UNIT)
