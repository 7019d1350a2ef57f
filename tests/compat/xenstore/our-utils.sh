#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Our xenstore-* utilities against our xenstored: same transcript as Debian's utilities on Debian's daemon.
cd "$(dirname "$0")/../../.." || exit 1
. tests/compat/xenstore/lib.sh
xs_deps
xs_start
out=$(mktemp /tmp/xs-scn.XXXXXX)
timeout 60 tests/compat/xenstore/scenario.sh "$XS_BUILD/bin" > "$out" 2>&1
xs_compare_transcript our-utils tests/compat/xenstore/scenario.expected "$out"
rm -f "$out"
# The multi-call form and xenstore-control.
xs_check "xenstore read (multi-call)" "" "$("$XS_BUILD/bin/xenstore" read /tool/xenstored)"
xs_check "xenstore-control quota set" "OK" "$("$XS_BUILD/bin/xenstore-control" quota set nodes 999)"
q=$("$XS_BUILD/bin/xenstore-control" quota | grep '^nodes ')
xs_check "xenstore-control quota" "nodes            :      999 Nodes per domain" "$q"
xs_stop
xs_verdict xenstore-our-utils
