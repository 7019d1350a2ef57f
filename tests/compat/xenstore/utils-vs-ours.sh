#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Debian's xenstore-utils, every verb and option, against our xenstored: transcript must equal Debian's C daemon's.
cd "$(dirname "$0")/../../.." || exit 1
. tests/compat/xenstore/lib.sh
xs_deps
xs_start
out=$(mktemp /tmp/xs-scn.XXXXXX)
timeout 60 tests/compat/xenstore/scenario.sh /usr/bin > "$out" 2>&1
xs_compare_transcript debian-utils tests/compat/xenstore/scenario.expected "$out"
rm -f "$out"
xs_stop
xs_verdict xenstore-debian-utils
