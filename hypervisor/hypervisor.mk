# SPDX-License-Identifier: GPL-2.0-only
# The hypervisor: build/hypervisor/xenia (multiboot ELF32) and xenia-syms (ELF64).
HV_BUILD := $(BUILD)/hypervisor
HV_CFLAGS := $(filter-out -mcmodel=kernel -fno-pic -fno-pie,$(KERNEL_CFLAGS)) \
	-fpie -mcmodel=small -include hypervisor/include/xenia/visibility.h \
	-Ihypervisor/include -Ihypervisor/arch/x86/include -I$(HV_BUILD)/include
HV_ASFLAGS := -D__ASSEMBLY__ $(filter-out -std=gnu11 -include hypervisor/include/xenia/visibility.h,$(HV_CFLAGS))

HV_SRCS := $(wildcard hypervisor/common/*.c) \
	$(filter-out hypervisor/arch/x86/asm-offsets.c,$(wildcard hypervisor/arch/x86/*.c)) \
	$(wildcard hypervisor/arch/x86/pv/*.c) \
	$(wildcard hypervisor/arch/x86/*.S hypervisor/arch/x86/boot/*.S)
HV_OBJS := $(patsubst hypervisor/%,$(HV_BUILD)/%.o,$(HV_SRCS))
HV_OFFSETS := $(HV_BUILD)/include/asm/asm-offsets.h

$(HV_BUILD)/%.c.o: hypervisor/%.c $(HV_OFFSETS) | $(XEN_INC)/xen/xen.h
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(HV_CFLAGS) -c $< -o $@

$(HV_BUILD)/%.S.o: hypervisor/%.S $(HV_OFFSETS) | $(XEN_INC)/xen/xen.h
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(HV_ASFLAGS) -c $< -o $@

$(HV_OFFSETS): hypervisor/arch/x86/asm-offsets.c $(wildcard hypervisor/include/xenia/*.h hypervisor/arch/x86/include/asm/*.h) | $(XEN_INC)/xen/xen.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(filter-out -MMD -MP,$(HV_CFLAGS)) -S $< -o $(HV_BUILD)/asm-offsets.s
	$(Q)sed -n 's/.*->\([A-Za-z_0-9]*\) [$$]\{0,1\}\([-0-9]*\).*/#define \1 \2/p' \
		$(HV_BUILD)/asm-offsets.s > $@.tmp && mv $@.tmp $@

$(HV_BUILD)/xenia.lds: hypervisor/arch/x86/xenia.lds
	@mkdir -p $(dir $@)
	$(Q)$(CC) -E -P -D__ASSEMBLY__ -Ihypervisor/arch/x86/include -x c $< -o $@

$(HV_BUILD)/xenia-syms: $(HV_OBJS) $(HV_BUILD)/xenia.lds
	@echo "  LD      $@"
	$(Q)$(LD) $(KERNEL_LDFLAGS) -no-pie -T $(HV_BUILD)/xenia.lds $(HV_OBJS) -o $@

$(HV_BUILD)/mkelf32: hypervisor/arch/x86/boot/mkelf32.c
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $< -o $@

$(HV_BUILD)/xenia: $(HV_BUILD)/xenia-syms $(HV_BUILD)/mkelf32
	@echo "  ELF32   $@"
	$(Q)$(HV_BUILD)/mkelf32 $< $@

ALL_TARGETS += $(HV_BUILD)/xenia
-include $(HV_OBJS:.o=.d)
