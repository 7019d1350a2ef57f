#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# `make run-linux`: Debian's own Linux kernel as dom0 on Xenia, with a busybox shell on its console.
# The kernel (linux-image-amd64) and busybox-static come from Debian
# (apt-get download, once).  With a terminal you get a shell ('exit' powers
# off); without one, init answers a few questions and powers off.
# Environment: XENIA_TIMEOUT (seconds; default 3600 with a terminal, 240
# without).  TCG, as `make run` (docs/ARCHITECTURE.md, "Known problems").
set -u
cd "$(dirname "$0")/.." || exit 5

build=build
here=tests/compat/linux
sh "$here/get-linux.sh" "$build" && sh "$here/get-busybox.sh" "$build" || {
    echo "run-linux: cannot fetch Debian's kernel or busybox (see above)" >&2
    exit 1
}
python3 "$here/mkinitramfs.py" "$build/linux-shell.cpio" \
    "/init=$here/shell-init.sh" "/bin/busybox=$build/peers/busybox" || exit 1

args="console=hvc0 quiet"
timeout=${XENIA_TIMEOUT:-3600}
if ! [ -t 0 ]; then
    args="$args xenia.script"
    timeout=${XENIA_TIMEOUT:-240}
fi
echo "run-linux: Debian's Linux as dom0 on Xenia (QEMU TCG, dom0 512 MiB)"
exec build/xenia boot --tcg --timeout "$timeout" --memory 1024 \
    --hv-args dom0_mem=512M "$build/peers/linux-vmlinux" "$args" \
    --module "$build/linux-shell.cpio"
