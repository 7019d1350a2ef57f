# SPDX-License-Identifier: GPL-2.0-only
# Xenia top-level build: one non-recursive make over every component.
#
#   make            build everything
#   make run        boot the demo setup in QEMU (installs Debian packages as root)
#   make test       build and run every test tier
#   make bench      benchmarks (tables on stdout, JSON in build/bench.json)
#   make iso        GRUB-bootable ISO with the hypervisor and dom0
#   make fuzz       longer fuzzing runs
#   make clean

BUILD    := build
HOSTCC   ?= gcc
V        ?= 0
Q        := $(if $(filter 1,$(V)),,@)

# Xen's public headers come from Debian's libxen-dev, reached as <xen/...>
# through a private directory so that no other /usr/include header leaks into
# freestanding code.
XEN_INC  := $(BUILD)/xen-include
XEN_IFACE := -D__XEN_INTERFACE_VERSION__=0x00040e00

WARN     := -Wall -Wextra -Werror
HOST_CFLAGS := -std=gnu11 -O2 -g $(WARN) -I$(XEN_INC) $(XEN_IFACE)

# Freestanding x86-64 code (hypervisor, pvguest). No SSE in kernels, no red
# zone, no shadow-stack instructions (rdssp kills nested KVM here).
KERNEL_CFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -fno-pic -fno-pie \
	-mno-red-zone -mcmodel=kernel -mgeneral-regs-only -fno-stack-protector \
	-fno-omit-frame-pointer -fcf-protection=none -fno-builtin \
	-fno-asynchronous-unwind-tables -nostdinc \
	-isystem $(shell $(HOSTCC) -print-file-name=include) \
	-I$(XEN_INC) $(XEN_IFACE) -MMD -MP
KERNEL_ASFLAGS := -D__ASSEMBLY__ $(filter-out -std=gnu11,$(KERNEL_CFLAGS))
KERNEL_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments

# Debian packages each goal needs (mk/deps.sh installs them as root).
DEPS_BUILD := gcc make libc6-dev libxen-dev check pkg-config python3 \
	clang libclang-rt-14-dev
DEPS_QEMU  := qemu-system-x86
DEPS_ISO   := grub-pc-bin grub-common xorriso mtools

.PHONY: all deps deps-build deps-qemu deps-iso run run-linux test unit bench iso fuzz clean
all:

deps-build:
	$(Q)sh mk/deps.sh $(DEPS_BUILD)
deps-qemu:
	$(Q)sh mk/deps.sh $(DEPS_QEMU)
deps-iso:
	$(Q)sh mk/deps.sh $(DEPS_ISO)
deps: deps-build deps-qemu deps-iso

$(XEN_INC)/xen/xen.h: | deps-build
	$(Q)mkdir -p $(XEN_INC)
	$(Q)ln -sfn /usr/include/xen $(XEN_INC)/xen

# Component fragments add to these and define their own rules.
ALL_TARGETS :=
TEST_STEPS  :=
UNIT_TESTS  :=
BENCH_STEPS :=

include $(sort $(wildcard */*.mk tests/*/*.mk))

all: $(ALL_TARGETS)

run: deps all
	$(Q)tools/run-demo.sh

# Debian's own Linux kernel as dom0, with a busybox shell (fetched once).
run-linux: deps all
	$(Q)tools/run-linux.sh

test: deps all $(UNIT_TESTS)
	$(Q)tests/run-all.sh "tests/unit/run.sh $(UNIT_TESTS)" $(TEST_STEPS)

unit: deps-build $(UNIT_TESTS)
	$(Q)tests/unit/run.sh $(UNIT_TESTS)

bench: deps all
	$(Q)tests/bench/run.sh $(BENCH_STEPS)

clean:
	rm -rf $(BUILD)
