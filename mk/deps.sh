#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Make sure the Debian packages a build or test step needs are installed.
# Usage: mk/deps.sh PACKAGE...
# As root the missing ones are installed; otherwise the exact apt-get line is
# printed and the script fails, so make stops before anything half-builds.
set -eu

missing=""
for pkg in "$@"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
    *"ok installed"*) ;;
    *) missing="$missing $pkg" ;;
    esac
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    echo "deps: installing$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -q --no-install-recommends $missing >&2; then
        apt-get update -q >&2
        apt-get install -y -q --no-install-recommends $missing >&2
    fi
    exit 0
fi

echo "deps: missing Debian packages:$missing" >&2
echo "deps: run as root:  apt-get install$missing" >&2
exit 1
