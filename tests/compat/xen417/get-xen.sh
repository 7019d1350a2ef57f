#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Fetch Debian's Xen 4.17 hypervisor binary into build/peers/xen-4.17 (as root).
#
# Usage: tests/compat/xen417/get-xen.sh [BUILD_DIR]
# Idempotent: does nothing when build/peers/xen-4.17 already exists.
set -eu

build=${1:-build}
peers="$build/peers"
out="$peers/xen-4.17"
pkg=xen-hypervisor-4.17-amd64

[ -s "$out" ] && exit 0
mkdir -p "$peers"
peers_abs=$(cd "$peers" && pwd)

deb=$(sh "$(dirname "$0")/../fetch-deb.sh" "$pkg" "$peers_abs")

tree="$peers_abs/xen-hypervisor-4.17"
rm -rf "$tree"
dpkg -x "$deb" "$tree"
gz=$(ls "$tree"/boot/xen-4.17*-amd64.gz 2>/dev/null | head -n1 || true)
if [ -n "$gz" ]; then
    gunzip -c "$gz" >"$out.tmp"
else
    # Some package versions ship the image uncompressed.
    cp "$(ls "$tree"/boot/xen-4.17*-amd64 | head -n1)" "$out.tmp"
fi
mv "$out.tmp" "$out"
echo "get-xen: $out ($(basename "$deb"))" >&2
