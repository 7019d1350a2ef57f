#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Xen's own conformance test (Debian's test-xenstore) against our xenstored: all 12 tests, then 5 s of random order.
cd "$(dirname "$0")/../../.." || exit 1
. tests/compat/xenstore/lib.sh
xs_deps
xs_start
res=$(timeout 120 /usr/lib/xen-4.17/bin/test-xenstore -i 200 2>&1)
rc=$?
echo "$res" | sed 's/^/    /'
for t in "read 1" "read 2000" "write 1" "write 2000" "dir" "rm node" "rm dir" \
         "ta empty" "ta empty x" "ta rmw" "ta rmw x" "ta err"; do
    if echo "$res" | grep -q "^$(printf '%-10s' "$t"): avg"; then
        xs_ok "test-xenstore: $t"
    else
        xs_bad "test-xenstore: $t"
    fi
done
xs_check "test-xenstore exit status" 0 "$rc"
res=$(timeout 60 /usr/lib/xen-4.17/bin/test-xenstore -r 5 2>&1)
xs_check "test-xenstore -r 5 (random order)" "0" "$?"
# It cleans up after itself: nothing is left below its base.
left=$(xenstore-ls /local/domain/0 2>/dev/null | grep -c xenstore-test)
xs_check "test-xenstore left nothing behind" "0" "$left"
xs_stop
xs_verdict xenstore-test-xenstore
