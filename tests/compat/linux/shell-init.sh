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
    ;;
*)
    echo "xenia-linux-shell: a busybox shell on Debian's kernel; 'exit' powers off"
    setsid cttyhack sh
    ;;
esac
echo "xenia-linux-shell: powering off"
poweroff -f
