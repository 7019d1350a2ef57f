# SPDX-License-Identifier: GPL-2.0-only
# Toolstack: the xenia CLI (build/xenia), `make iso`, and their tests.

TOOLS_CFLAGS := -D_GNU_SOURCE -MMD -MP
XENIA_SRCS   := tools/xenia.c tools/boot.c tools/boot_args.c tools/boot_qemu.c
XENIA_OBJS   := $(XENIA_SRCS:%.c=$(BUILD)/%.o)

$(BUILD)/tools/%.o: tools/%.c
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(TOOLS_CFLAGS) -c $< -o $@

$(BUILD)/xenia: $(XENIA_OBJS)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $^

ALL_TARGETS += $(BUILD)/xenia
-include $(XENIA_OBJS:.o=.d)

# Check suites over the pure parts of `xenia boot`.
XENIA_PURE := tools/boot_args.c tools/boot_qemu.c

$(BUILD)/tests/unit/test_xenia_%: tests/unit/test_xenia_%.c $(XENIA_PURE) \
		tools/boot_args.h tests/unit/check_suite.h | deps-build
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) -D_GNU_SOURCE -Itools -o $@ \
		$(filter %.c,$^) $(UNIT_LIBS)

UNIT_TESTS += $(BUILD)/tests/unit/test_xenia_args \
	$(BUILD)/tests/unit/test_xenia_qemu

# GRUB rescue ISO: the hypervisor with pvguest as dom0 in its demo role.
XENIA_ISO_DIR := $(BUILD)/iso

$(BUILD)/xenia.iso: $(BUILD)/hypervisor/xenia $(BUILD)/pvguest/pvguest \
		tools/iso/grub.cfg | deps-iso
	$(Q)rm -rf $(XENIA_ISO_DIR)
	$(Q)mkdir -p $(XENIA_ISO_DIR)/boot/grub
	$(Q)cp $(BUILD)/hypervisor/xenia $(BUILD)/pvguest/pvguest \
		$(XENIA_ISO_DIR)/boot/
	$(Q)cp tools/iso/grub.cfg $(XENIA_ISO_DIR)/boot/grub/grub.cfg
	$(Q)grub-mkrescue -o $@.tmp $(XENIA_ISO_DIR) >$(BUILD)/xenia.iso.log 2>&1 \
		|| { cat $(BUILD)/xenia.iso.log >&2; rm -f $@.tmp; exit 1; }
	$(Q)mv $@.tmp $@
	@echo "iso: $@"

iso: $(BUILD)/xenia.iso

TEST_STEPS += tests/guest/iso.sh
