#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Fetch Debian's busybox-static into build/peers/busybox (a static shell and tools for a Linux initramfs).
#
# Usage: tests/compat/linux/get-busybox.sh [BUILD_DIR]
# Idempotent: does nothing when build/peers/busybox already exists.
set -eu

build=${1:-build}
peers="$build/peers"
out="$peers/busybox"
pkg=busybox-static

[ -s "$out" ] && exit 0
mkdir -p "$peers"
peers_abs=$(cd "$peers" && pwd)

deb=$(sh "$(dirname "$0")/../fetch-deb.sh" "$pkg" "$peers_abs")
tree="$peers_abs/busybox-static"
rm -rf "$tree"
dpkg -x "$deb" "$tree"
cp "$tree/bin/busybox" "$out.tmp"
rm -rf "$tree"
mv "$out.tmp" "$out"
echo "get-busybox: $out ($(basename "$deb"))" >&2
