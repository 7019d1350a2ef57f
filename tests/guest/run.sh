#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Guest tier: the hypervisor in QEMU with pvguest as dom0.  Each boot has a
# timeout; QEMU's isa-debug-exit status (through `xenia boot`) and the serial
# verdict decide the result.
#
# Accelerator: TCG.  This machine's /dev/kvm mishandles a ring-3 `syscall`
# into our LSTAR (the CPU arrives there at CPL 3 and faults on the fetch;
# see docs/ARCHITECTURE.md, "Known problems"), so KVM runs are not part of
# the verdict yet; XENIA_GUEST_KVM=1 adds them for whoever investigates.
set -u
cd "$(dirname "$0")/../.."

# pvguest tests for features later issues bring (mapping grants: the
# driver issues) and hlt (Xen bounces #GP, Xenia blocks the vCPU as its
# design asks: with no event bound the test would wait forever).
SKIPS="grant_table.map,,emul.hlt"

pass=0
fail=0
skip=0
log=$(mktemp)

# Add pvguest's own case counts from the last boot's log to the totals.
count_cases() {
    line=$(grep -E '^\(d0\) pvguest: [0-9]+ passed' "$log" | tail -n1)
    [ -n "$line" ] || return 0
    echo "  ${line#(d0) }"
    set -- $(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped.*/\1 \2 \3/')
    pass=$((pass + $1))
    fail=$((fail + $2))
    skip=$((skip + $3))
}

run() {
    name=$1
    shift
    if build/xenia boot --timeout 240 "$@" >"$log" 2>&1; then
        echo "[PASS] $name"
        pass=$((pass + 1))
    else
        rc=$?
        echo "[FAIL] $name (xenia boot exit $rc)"
        tail -n 25 "$log"
        fail=$((fail + 1))
    fi
}

accels="--tcg"
[ "${XENIA_GUEST_KVM:-0}" = 1 ] && [ -r /dev/kvm ] && accels="$accels --kvm-probe"

for a in $accels; do
    acc=$a
    if [ "$a" = --kvm-probe ]; then
        acc=""
        export XENIA_KVM=1   # really KVM: xenia would fall back from PVM
    fi
    label=${a#--}
    run "boot.demo.$label" $acc build/pvguest/pvguest demo
    # The same from a terminal (a pty from script(1)): QEMU must own the
    # terminal's foreground, or -serial stdio stops it (SIGTTOU).
    if command -v script >/dev/null 2>&1; then
        if script -qfec "build/xenia boot --timeout 240 $acc build/pvguest/pvguest demo" \
            "$log" </dev/null >/dev/null 2>&1 &&
            grep -q 'pvguest: demo finished' "$log"; then
            echo "[PASS] boot.demo_from_a_terminal.$label"
            pass=$((pass + 1))
        else
            echo "[FAIL] boot.demo_from_a_terminal.$label"
            tail -n 10 "$log"
            fail=$((fail + 1))
        fi
    fi
    run "pvguest.xentest.$label" $acc build/pvguest/pvguest "xentest skip=$SKIPS"
    count_cases
    run "pvguest.xentest.syscall-hypercalls.$label" $acc build/pvguest/pvguest \
        "xentest hcall=syscall skip=$SKIPS"
    count_cases
    # The portable kernel (threads, processes, its PV MMU use) as dom0.
    run "pvguest.kernel.$label" $acc build/pvguest/pvguest test
    count_cases
    # An image that is not a PV kernel must be refused with the reason.
    if build/xenia boot --timeout 120 $acc /etc/hostname >"$log" 2>&1; then
        echo "[FAIL] refuse.non_pv_image.$label: booted"
        fail=$((fail + 1))
    elif grep -q "d0 kernel refused:" "$log"; then
        echo "[PASS] refuse.non_pv_image.$label"
        pass=$((pass + 1))
    else
        echo "[FAIL] refuse.non_pv_image.$label: no refusal message"
        tail -n 5 "$log"
        fail=$((fail + 1))
    fi
done
rm -f "$log"
echo "guest: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
