#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# `make run`: boot the hypervisor with pvguest as dom0 in its demo role.
# Works with or without a terminal; exits with `xenia boot`'s status.
# Environment: XENIA_TIMEOUT (seconds, default 120); XENIA_TCG=0 lets
# `xenia boot` use KVM.  TCG by default: this machine's /dev/kvm mishandles
# the guest syscall path (docs/ARCHITECTURE.md, "Known problems").
set -u
cd "$(dirname "$0")/.." || exit 5

timeout=${XENIA_TIMEOUT:-120}
set -- --timeout "$timeout"
accel="KVM when usable"
if [ "${XENIA_TCG:-1}" = 1 ]; then
    set -- "$@" --tcg
    accel=TCG
fi

echo "run: booting Xenia with pvguest as dom0 (demo) in QEMU," \
    "accelerator: $accel, timeout ${timeout} s"
exec build/xenia boot "$@" build/pvguest/pvguest demo
