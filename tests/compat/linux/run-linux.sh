#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Debian's stock Linux kernel as dom0 and as a domU on Xenia, and as dom0 on Xen 4.17: boot to a userspace that forks, pipes and maps memory, then power off.
#
# Usage: tests/compat/linux/run-linux.sh
# Environment: BUILD (default build), TIMEOUT (seconds per boot, default 240),
# KEEP_LOG=1 keeps the serial logs.
#
# The kernel is Debian's linux-image-amd64, unmodified (get-linux.sh unpacks
# its ELF).  Its initramfs holds one static /init (init.c) that prints
# "xenia-linux: all ok" when fork with copy-on-write, a pipe ping-pong and
# anonymous memory work, then powers off.  Both hypervisors run under QEMU
# TCG (Xen 4.17 boots only there on this machine; -cpu Haswell-v4 as a
# Linux PV kernel wants).  The last line is "linux: N passed, N failed";
# the exit status is non-zero on any failure.
set -u
cd "$(dirname "$0")/../../.."

build=${BUILD:-build}
limit=${TIMEOUT:-240}
here=tests/compat/linux
work="$build/linux-guest"
pass=0
fail=0

ok() { echo "[PASS] $1"; pass=$((pass + 1)); }
ko() {
    echo "[FAIL] $1"
    [ -f "${2:-}" ] && tail -n 25 "$2" | sed 's/^/  | /'
    fail=$((fail + 1))
}
# expect NAME RC PATTERN...: the boot that wrote $log exited RC; it passed
# if RC is 0 and every pattern (grep BRE) is in the log.
expect() {
    name=$1 rc=$2
    shift 2
    if [ "$rc" -ne 0 ]; then
        ko "$name (xenia boot exit $rc)" "$log"
        return
    fi
    for pat in "$@"; do
        if ! grep -q -- "$pat" "$log"; then
            ko "$name (missing: $pat)" "$log"
            return
        fi
    done
    ok "$name"
}
finish() {
    echo "linux: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
    exit $?
}

mkdir -p "$work"
if ! sh "$here/get-linux.sh" "$build"; then
    ko "linux.fetch (apt-get download linux-image-amd64)"
    finish
fi
if ! gcc -static -O2 -Wall -Wextra -Werror -o "$work/init" "$here/init.c" ||
    ! python3 "$here/mkinitramfs.py" "$work/initrd.cpio" "/init=$work/init"; then
    ko "linux.initramfs (a static /init needs libc6-dev's libc.a)"
    finish
fi
kernel="$build/peers/linux-vmlinux"
args="console=hvc0 loglevel=4"

# Xenia: dom0 with the initramfs as its module; QEMU's exit status says how
# dom0 ended (0: powered off with code 0).
log="$work/xenia.log"
build/xenia boot --tcg --timeout "$limit" "$kernel" "$args" \
    --module "$work/initrd.cpio" >"$log" 2>&1
expect linux.xenia.dom0_userspace_and_poweroff $? \
    '^(d0) xenia-linux: all ok' 'd0 shut down: poweroff, code 0'

# Xenia: the same kernel as a boot domU (console ring, 256 MiB) while
# pvguest, as dom0, waits for it to shut down and reports its code.
log="$work/xenia-domu.log"
build/xenia boot --tcg --memory 1024 --timeout "$limit" build/pvguest/pvguest \
    "wait domains=1" --module "$kernel,xenia.name=linux xenia.mem=256M $args" \
    --module "$work/initrd.cpio" >"$log" 2>&1
expect linux.xenia.domu_userspace_and_poweroff $? \
    '^(linux) xenia-linux: all ok' '^(d0) pvguest: all 1 domain(s) done, 0 failed'

# `make run-linux`'s initramfs (busybox) without a terminal: the kernel's
# own view of its hypervisor (/sys/hypervisor), then some work: 100 execs,
# 16 MiB through tmpfs, gzip over a pipe, 10 parallel jobs.
log="$work/xenia-shell.log"
if sh "$here/get-busybox.sh" "$build" &&
    python3 "$here/mkinitramfs.py" "$work/shell.cpio" "/init=$here/shell-init.sh" \
        "/bin/busybox=$build/peers/busybox"; then
    # dom0 256 MiB: with the default 128 MiB the kernel keeps 47 MiB for
    # itself and this work (tmpfs, 10 jobs) ran out of memory once in CI.
    build/xenia boot --tcg --timeout "$limit" --hv-args dom0_mem=256M \
        "$kernel" "$args xenia.script" \
        --module "$work/shell.cpio" </dev/null >"$log" 2>&1
    # md5 of 16 MiB and of 8 MiB of zeros; 8 MiB through gzip and back.
    expect linux.xenia.busybox_sees_xen_and_works $? \
        '^(d0) xenia-linux-shell: Linux .* on xen 4.17.0-xenia, xen-3.0-x86_64' \
        '^(d0) xenia-linux-shell: 100 execs' \
        '^(d0) xenia-linux-shell: tmpfs 2c7ab85a893283e98c931e9511add182' \
        '^(d0) xenia-linux-shell: gzip round trip 8388608 bytes' \
        '^(d0) xenia-linux-shell: jobs 10 96995b58d4cbf6aaa9041b4f00c7f6ae' \
        '^(d0) xenia-linux-shell: powering off'
else
    ko "linux.busybox.fetch (apt-get download busybox-static)"
fi

# Xen 4.17, the reference: it never exits QEMU, so stop at its last word.
log="$work/xen417.log"
if sh tests/compat/xen417/get-xen.sh "$build"; then
    : >"$log"
    timeout "$limit" qemu-system-x86_64 -accel tcg -cpu Haswell-v4 -m 1024 \
        -smp 1 -display none -monitor none -parallel none -no-reboot \
        -serial "file:$log" -kernel "$build/peers/xen-4.17" \
        -append "console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all dom0_mem=256M,max:256M dom0_max_vcpus=1 noreboot" \
        -initrd "$kernel $args,$work/initrd.cpio" 2>/dev/null &
    qpid=$!
    end='Entering ACPI S5|Hardware Dom0 (halted|shutdown|crashed)|Domain 0 crashed|Panic on CPU|Kernel panic'
    while kill -0 "$qpid" 2>/dev/null; do
        grep -Eq "$end" "$log" && break
        sleep 1
    done
    kill "$qpid" 2>/dev/null
    wait "$qpid" 2>/dev/null
    if grep -q '^xenia-linux: all ok' "$log" && grep -q 'Entering ACPI S5' "$log"; then
        ok "linux.xen417.dom0_userspace_and_poweroff"
    else
        ko "linux.xen417.dom0_userspace_and_poweroff" "$log"
    fi
else
    ko "linux.xen417.fetch (tests/compat/xen417/get-xen.sh)"
fi

[ "${KEEP_LOG:-0}" = 1 ] || rm -f "$work"/*.log
finish
