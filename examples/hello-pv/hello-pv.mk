# SPDX-License-Identifier: GPL-2.0-only
# hello-pv: a minimal PV kernel built only against Xen's public headers (build/examples/hello-pv).

HELLO_DIR  := examples/hello-pv
HELLO_OBJ  := $(BUILD)/examples/obj/hello-pv
HELLO_ELF  := $(BUILD)/examples/hello-pv
HELLO_OBJS := $(HELLO_OBJ)/head.o $(HELLO_OBJ)/hello.o
# Linked at 1 MiB, so the small code model rather than the kernel one.
HELLO_CFLAGS  := $(filter-out -mcmodel=kernel,$(KERNEL_CFLAGS)) -mcmodel=small
HELLO_ASFLAGS := $(filter-out -mcmodel=kernel,$(KERNEL_ASFLAGS)) -mcmodel=small

ALL_TARGETS += $(HELLO_ELF)
TEST_STEPS  += tests/guest/hello-pv.sh

$(HELLO_OBJ)/hello.o: $(HELLO_DIR)/hello.c | $(XEN_INC)/xen/xen.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(HELLO_CFLAGS) -c $< -o $@

$(HELLO_OBJ)/head.o: $(HELLO_DIR)/head.S | $(XEN_INC)/xen/xen.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(HELLO_ASFLAGS) -c $< -o $@

$(HELLO_ELF): $(HELLO_OBJS) $(HELLO_DIR)/hello-pv.lds
	$(Q)$(LD) $(KERNEL_LDFLAGS) -T $(HELLO_DIR)/hello-pv.lds -o $@ $(HELLO_OBJS)

-include $(HELLO_OBJS:.o=.d)
