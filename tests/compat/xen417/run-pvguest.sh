#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Boot Debian's Xen 4.17 in QEMU (TCG) with pvguest as dom0 and report its verdict.
#
# Usage: tests/compat/xen417/run-pvguest.sh [CMDLINE...]
#   CMDLINE is pvguest's command line; its first word is the role: xentest
#   (default: the PV ABI suite), test (the portable kernel's suite) or demo.
#   Add hcall=syscall to make every hypercall an inline syscall instead of
#   a call into the hypercall page.
# Environment: BUILD (default build), XEN_CPU (QEMU -cpu, default Haswell-v4;
# max works too, but its SMAP meets a TCG iretq bug: one more skip),
# TIMEOUT (seconds, default 300), KEEP_LOG=1 keeps the serial log.
#
# Xen does not exit QEMU when dom0 shuts down: it prints "Hardware Dom0
# halted" (poweroff, code 0) or "Hardware Dom0 shutdown ..." (pvguest's
# SCHEDOP_shutdown_code reason wins over the poweroff that follows) and
# then idles.  QEMU is stopped as soon as that line shows.  The last line
# printed is "xen417: N passed, N failed, N skipped"; exit status is
# non-zero on any failure.
set -u

cmdline=${*:-xentest}
role=${cmdline%% *}
build=${BUILD:-build}
cpu=${XEN_CPU:-Haswell-v4}
limit=${TIMEOUT:-300}
here=$(dirname "$0")
xen="$build/peers/xen-4.17"
guest="$build/pvguest/pvguest"

fail() {
    echo "xen417: $*" >&2
    echo "xen417: 0 passed, 1 failed"
    exit 1
}

[ -s "$xen" ] || sh "$here/get-xen.sh" "$build" || fail "cannot fetch Xen 4.17"
[ -s "$guest" ] || fail "$guest missing (run make)"
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 missing"

log=$(mktemp /tmp/xen417-serial.XXXXXX)
xen_args="console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all"
xen_args="$xen_args dom0_mem=64M,max:64M dom0_max_vcpus=1 noreboot"

timeout "$limit" qemu-system-x86_64 -accel tcg -cpu "$cpu" -m 512 -smp 1 \
    -display none -monitor none -parallel none -no-reboot \
    -serial "file:$log" \
    -kernel "$xen" -append "$xen_args" \
    -initrd "$guest $cmdline" 2>"$log.qemu" &
qpid=$!

# Wait for Xen's report of dom0's end; give up 10 s after pvguest's own
# last word if that report never comes.
end_re='Hardware Dom0 (halted|shutdown|crashed)|Domain 0 crashed|Panic on CPU'
last_re='pvguest: ([0-9]+ passed|demo finished|PANIC|unknown role)'
grace=10
while kill -0 "$qpid" 2>/dev/null; do
    grep -Eq "$end_re" "$log" && break
    if grep -Eq "$last_re" "$log"; then
        grace=$((grace - 1))
        [ "$grace" -le 0 ] && break
    fi
    sleep 1
done
kill "$qpid" 2>/dev/null
wait "$qpid" 2>/dev/null

# dom0's console_io lines may carry a "(d0) " prefix, Xen's "(XEN) ".
sed -E 's/^\((XEN|d0)\) //' "$log" | tr -d '\r' >"$log.guest"
grep -E '^(\[(PASS|FAIL|SKIP)\]|pvguest:)' "$log.guest"
grep -E "$end_re" "$log.guest"

verdict=$(grep -E 'pvguest: [0-9]+ passed, [0-9]+ failed' "$log.guest" | tail -n1)
halted=0
grep -q 'Hardware Dom0 halted' "$log.guest" && halted=1
pass=0 nfail=0 skip=0
case "$role" in
test|xentest)
    if [ -n "$verdict" ]; then
        pass=$(echo "$verdict" | sed -E 's/.*pvguest: ([0-9]+) passed.*/\1/')
        nfail=$(echo "$verdict" | sed -E 's/.* ([0-9]+) failed.*/\1/')
        skip=$(echo "$verdict" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
    else
        echo "xen417: no verdict from pvguest (timeout ${limit}s or crash)" >&2
        tail -n 30 "$log.guest" >&2
        nfail=1
    fi
    ;;
demo)
    grep -q 'pvguest: demo finished' "$log.guest" && pass=1 || nfail=1
    ;;
*)
    # Any other role: its verdict is its shutdown code.
    [ "$halted" -eq 1 ] && pass=1 || nfail=1
    ;;
esac
# The shutdown code must agree with the verdict: 0 (halted) iff no failure.
if [ "$nfail" -eq 0 ] && [ "$halted" -eq 0 ]; then
    echo "xen417: dom0 did not power off with code 0" >&2
    nfail=1
fi

if [ "${KEEP_LOG:-0}" = 1 ]; then
    echo "xen417: serial log kept in $log" >&2
else
    rm -f "$log"
fi
rm -f "$log.guest" "$log.qemu"
echo "xen417: $pass passed, $nfail failed, ${skip:-0} skipped"
[ "$nfail" -eq 0 ]
