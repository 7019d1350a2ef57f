#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Boot pvguest natively (multiboot, no hypervisor) in QEMU (TCG) and report its verdict.
#
# Usage: tests/compat/native/run-pvguest.sh [CMDLINE...]
#   CMDLINE is pvguest's command line; its first word is the role: test
#   (default) or another role of pvguest's.
# Environment: BUILD (default build), NATIVE_CPU (QEMU -cpu, default max;
# Haswell-v4 works too), TIMEOUT (seconds, default 120), KEEP_LOG=1 keeps
# the serial log.
#
# pvguest's native shutdown writes its code to QEMU's isa-debug-exit port,
# so QEMU exits with status (code << 1) | 1: 1 is code 0 (all passed), 3
# code 1 (failures), 5 code 2 (panic); 124 means the timeout struck.  The
# last line printed is "native: N passed, N failed, N skipped"; exit status
# is non-zero on any failure.
set -u

cmdline=${*:-test}
role=${cmdline%% *}
build=${BUILD:-build}
cpu=${NATIVE_CPU:-max}
limit=${TIMEOUT:-120}
guest="$build/pvguest/pvguest"

fail() {
    echo "native: $*" >&2
    echo "native: 0 passed, 1 failed"
    exit 1
}

[ -s "$guest" ] || fail "$guest missing (run make)"
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 missing"

log=$(mktemp /tmp/native-serial.XXXXXX)
timeout "$limit" qemu-system-x86_64 -accel tcg -cpu "$cpu" -m 256 -smp 1 \
    -display none -monitor none -parallel none -no-reboot \
    -serial "file:$log" \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -kernel "$guest" -append "$cmdline" 2>"$log.qemu"
status=$?

tr -d '\r' <"$log" >"$log.guest"
grep -E '^(\[(PASS|FAIL|SKIP)\]|pvguest:)' "$log.guest"

# The shutdown code, or -1 when QEMU ended any other way (timeout, triple
# fault with -no-reboot, QEMU's own error: then the serial log is empty).
code=-1
if [ "$status" -lt 124 ] && [ $((status & 1)) -eq 1 ] && [ -s "$log" ]; then
    code=$((status >> 1))
elif [ "$status" -eq 124 ]; then
    echo "native: timeout after ${limit}s" >&2
else
    echo "native: QEMU ended with status $status, not through isa-debug-exit" >&2
fi

verdict=$(grep -E 'pvguest: [0-9]+ passed, [0-9]+ failed' "$log.guest" | tail -n1)
pass=0 nfail=0 skip=0
case "$role" in
test)
    if [ -n "$verdict" ]; then
        pass=$(echo "$verdict" | sed -E 's/.*pvguest: ([0-9]+) passed.*/\1/')
        nfail=$(echo "$verdict" | sed -E 's/.* ([0-9]+) failed.*/\1/')
        skip=$(echo "$verdict" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
    else
        echo "native: no verdict from pvguest (timeout or crash)" >&2
        nfail=1
    fi
    ;;
*)
    [ "$code" -eq 0 ] && pass=1 || nfail=1
    ;;
esac
# The shutdown code must agree with the verdict: 0 iff no failure.
if [ "$nfail" -eq 0 ] && [ "$code" -ne 0 ]; then
    echo "native: pvguest did not shut down with code 0 (code $code)" >&2
    nfail=1
fi
if [ "$nfail" -ne 0 ]; then
    tail -n 30 "$log.guest" >&2
    [ -s "$log.qemu" ] && cat "$log.qemu" >&2
fi

if [ "${KEEP_LOG:-0}" = 1 ]; then
    echo "native: serial log kept in $log" >&2
else
    rm -f "$log"
fi
rm -f "$log.guest" "$log.qemu"
echo "native: $pass passed, $nfail failed, ${skip:-0} skipped"
[ "$nfail" -eq 0 ]
