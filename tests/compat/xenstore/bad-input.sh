#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Hostile input against our xenstored (socket and guest rings): Xen's errors or a clean disconnect, never a crash.
cd "$(dirname "$0")/../../.." || exit 1
. tests/compat/xenstore/lib.sh
rings=$(mktemp -d /tmp/xs-rings.XXXXXX)
xs_start -r "$rings"
timeout 120 "$XS_BUILD/xs-badclient" "$XENSTORED_PATH" "$rings" > "$rings/out" 2>&1
cat "$rings/out"
XS_PASS=$(sed -n 's/^badclient: \([0-9]*\) passed.*/\1/p' "$rings/out")
XS_FAIL=$(sed -n 's/.* \([0-9]*\) failed$/\1/p' "$rings/out")
[ -z "$XS_PASS" ] && { XS_PASS=0; XS_FAIL=1; echo "FAIL xs-badclient gave no verdict"; }
xs_stop
rm -rf "$rings"
xs_verdict xenstore-bad-input
