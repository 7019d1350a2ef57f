#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Fetch Debian's stock kernel (linux-image-amd64) and unpack its ELF vmlinux into build/peers/linux-vmlinux.
#
# Usage: tests/compat/linux/get-linux.sh [BUILD_DIR]
# Idempotent: does nothing when build/peers/linux-vmlinux already exists.
# The package ships a bzImage; Xen's loader reaches the ELF inside its
# compressed payload, Xenia's takes the ELF itself, so we unpack it here
# (extract-vmlinux.py).
set -eu

build=${1:-build}
peers="$build/peers"
out="$peers/linux-vmlinux"
here=$(dirname "$0")

[ -s "$out" ] && exit 0
mkdir -p "$peers"
peers_abs=$(cd "$peers" && pwd)

# The metapackage names the versioned image package.
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
      awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
if [ -z "$pkg" ]; then
    echo "get-linux: apt-cache knows no linux-image-amd64; running apt-get update" >&2
    apt-get update -q >&2
    pkg=$(apt-cache depends linux-image-amd64 |
          awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
fi
deb=$(sh "$here/../fetch-deb.sh" "$pkg" "$peers_abs")

tree="$peers_abs/linux-image"
rm -rf "$tree"
dpkg -x "$deb" "$tree"
cp "$(ls "$tree"/boot/vmlinuz-* | head -n1)" "$peers_abs/linux-vmlinuz"
python3 "$here/extract-vmlinux.py" "$peers_abs/linux-vmlinuz" "$out.tmp"
rm -rf "$tree"
mv "$out.tmp" "$out"
echo "get-linux: $out ($(basename "$deb"))" >&2
