#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Every xs_wire request type, edge cases included, against our xenstored: replies must equal Debian's C daemon's.
cd "$(dirname "$0")/../../.." || exit 1
. tests/compat/xenstore/lib.sh
xs_start
out=$(mktemp /tmp/xs-wire.XXXXXX)
timeout 60 python3 tests/compat/xenstore/wire.py "$XENSTORED_PATH" > "$out" 2>&1
# Deliberate differences: state-changing requests with a domid that is not
# a number below DOMID_FIRST_RESERVED are EINVAL here (C reads "x" as dom0).
deliberate='INTRODUCE x|1|1| tx=0 -> ERROR EINVAL|
SET_TARGET x|y| tx=0 -> ERROR EINVAL|
INTRODUCE 40000|1|1| tx=0 -> ERROR EINVAL|'
n=0
grep -v '^# ' tests/compat/xenstore/wire.expected > "$out.exp"
while IFS= read -r want; do
    n=$((n + 1))
    got=$(sed -n "${n}p" "$out")
    req=${want%% -> *}
    if [ "$got" = "$want" ]; then
        xs_ok "$req"
    elif printf '%s\n' "$deliberate" | grep -qxF -- "$got"; then
        xs_ok "$req (deliberately: ${got#* -> })"
    else
        xs_bad "$req" "C: ${want#* -> } ours: ${got#* -> }"
    fi
done < "$out.exp"
xs_check "as many replies as requests" "$(wc -l < "$out.exp")" "$(wc -l < "$out")"
rm -f "$out" "$out.exp"
xs_stop
xs_verdict xenstore-wire
