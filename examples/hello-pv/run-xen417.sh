#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Boot hello-pv as dom0 of Debian's Xen 4.17 in QEMU (TCG) and show its console.
#
# Usage: examples/hello-pv/run-xen417.sh [CMDLINE]   (default "hello")
# Environment: BUILD (default build), XEN_CPU (default Haswell-v4),
# TIMEOUT (seconds, default 120).
#
# Xen does not end QEMU when dom0 powers off; it prints "Hardware Dom0
# halted" and idles, so QEMU is stopped when that (or a crash) shows.
# Prints the serial log with Xen's and dom0's prefixes stripped; exit 0 iff
# the greeting appeared and dom0 halted (poweroff with code 0).
set -u

cmdline=${1:-hello}
build=${BUILD:-build}
cpu=${XEN_CPU:-Haswell-v4}
limit=${TIMEOUT:-120}
xen="$build/peers/xen-4.17"
guest="$build/examples/hello-pv"

[ -s "$xen" ] || sh tests/compat/xen417/get-xen.sh "$build" || exit 1
[ -s "$guest" ] || { echo "$guest missing (run make)" >&2; exit 1; }

log=$(mktemp /tmp/hello-pv-xen.XXXXXX)
timeout "$limit" qemu-system-x86_64 -accel tcg -cpu "$cpu" -m 512 -smp 1 \
    -display none -monitor none -parallel none -no-reboot \
    -serial "file:$log" -kernel "$xen" \
    -append "console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all dom0_mem=64M,max:64M dom0_max_vcpus=1 noreboot" \
    -initrd "$guest $cmdline" 2>/dev/null &
qpid=$!
end_re='Hardware Dom0 (halted|shutdown|crashed)|Domain 0 crashed|Panic on CPU'
while kill -0 "$qpid" 2>/dev/null; do
    grep -Eq "$end_re" "$log" && break
    sleep 1
done
kill "$qpid" 2>/dev/null
wait "$qpid" 2>/dev/null

sed -E 's/^\((XEN|d0)\) //' "$log" | tr -d '\r'
rc=1
grep -q "hello-pv: hello from" "$log" && grep -q "Hardware Dom0 halted" "$log" && rc=0
rm -f "$log"
exit $rc
