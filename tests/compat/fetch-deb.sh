#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Download one Debian package into a directory (once) and print the .deb's path: the peers the compat tests borrow.
#
# Usage: tests/compat/fetch-deb.sh PACKAGE DIR
# Uses a .deb already in DIR; otherwise apt-get download, after an
# apt-get update if the package lists do not know it yet (as root).
set -eu

pkg=$1
dir=$2
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

deb=$(ls "$dir"/"${pkg}"_*.deb 2>/dev/null | head -n1 || true)
if [ -z "$deb" ]; then
    if ! (cd "$dir" && apt-get download "$pkg" >&2); then
        echo "fetch-deb: apt-get download $pkg failed; running apt-get update" >&2
        apt-get update -q >&2
        (cd "$dir" && apt-get download "$pkg" >&2)
    fi
    deb=$(ls "$dir"/"${pkg}"_*.deb | head -n1)
fi
echo "$deb"
