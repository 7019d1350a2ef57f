#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of `make run-linux`: Debian's kernel on Xenia, a busybox shell on its console, power off at the end.
#
# With "xenia.script" on the kernel's command line it answers a few
# questions about the machine instead of starting a shell (no terminal:
# make run-linux without one, and the test in run-linux.sh).
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev      # hvc0 for the shell's controlling tty
h=/sys/hypervisor
echo "xenia-linux-shell: $(uname -sr) on $(cat $h/type)" \
    "$(cat $h/version/major).$(cat $h/version/minor)$(cat $h/version/extra)," \
    "$(cat $h/properties/capabilities)"
case " $(cat /proc/cmdline) " in
*" xenia.script "*)
    echo "xenia-linux-shell: $(grep MemTotal /proc/meminfo | tr -s ' ')"
    echo "xenia-linux-shell: $(grep -c ^processor /proc/cpuinfo) CPU(s)," \
        "$(grep -o ' hypervisor ' /proc/cpuinfo | head -n1 | tr -d ' ') flag"
    echo "xenia-linux-shell: clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
    # Some work through the kernel's PV MMU: exec, page cache, pipes, jobs.
    mount -t tmpfs tmp /tmp
    i=0
    while [ $i -lt 100 ]; do /bin/true; i=$((i + 1)); done
    echo "xenia-linux-shell: $i execs"
    dd if=/dev/zero of=/tmp/z bs=1M count=16 2>/dev/null
    echo "xenia-linux-shell: tmpfs $(md5sum </tmp/z)"
    rm /tmp/z
    echo "xenia-linux-shell: gzip round trip" \
        "$(dd if=/dev/urandom bs=1M count=8 2>/dev/null | gzip -1 | gunzip | wc -c) bytes"
    i=0
    while [ $i -lt 10 ]; do
        (dd if=/dev/zero bs=1M count=8 2>/dev/null | md5sum >/tmp/job.$i) &
        i=$((i + 1))
    done
    wait
    echo "xenia-linux-shell: jobs $(cat /tmp/job.* | sort | uniq -c | tr -s ' ' | sed 's/^ //')"
    ;;
*)
    echo "xenia-linux-shell: a busybox shell on Debian's kernel; 'exit' powers off"
    setsid cttyhack sh
    ;;
esac
echo "xenia-linux-shell: powering off"
poweroff -f
