#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# `make run`: boot the hypervisor with pvguest as dom0 in its demo role.
# Works with or without a terminal; exits with `xenia boot`'s status.
# Environment: XENIA_TIMEOUT (seconds, default 300), XENIA_TCG=1 (no KVM).
set -u
cd "$(dirname "$0")/.." || exit 5

timeout=${XENIA_TIMEOUT:-300}
set -- --timeout "$timeout"
# TCG by default: this machine's /dev/kvm mishandles the guest syscall path
# (docs/ARCHITECTURE.md, "Known problems"); XENIA_TCG=0 tries KVM.
[ "${XENIA_TCG:-1}" = 1 ] && set -- "$@" --tcg

echo "run: booting build/hypervisor/xenia with dom0 build/pvguest/pvguest (demo role) in QEMU; timeout ${timeout} s"
exec build/xenia boot "$@" build/pvguest/pvguest demo
