#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run every Check suite binary given on the command line and add up Check's
# summaries ("NN%: Checks: N, Failures: F, Errors: E") into one verdict line.
set -u
pass=0
fail=0
for t in "$@"; do
    out=$(CK_FORK=yes "$t" 2>&1)
    rc=$?
    echo "$out" | grep -vE '^[^:]+:[0-9]+:P:' || true
    sum=$(echo "$out" | grep -E 'Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' | tail -n1)
    if [ -z "$sum" ]; then
        echo "unit: $t printed no Check summary (exit $rc)"
        fail=$((fail + 1))
        continue
    fi
    n=$(echo "$sum" | sed -E 's/.*Checks: ([0-9]+).*/\1/')
    f=$(echo "$sum" | sed -E 's/.*Failures: ([0-9]+).*/\1/')
    e=$(echo "$sum" | sed -E 's/.*Errors: ([0-9]+).*/\1/')
    pass=$((pass + n - f - e))
    fail=$((fail + f + e))
    [ "$rc" -ne 0 ] && [ $((f + e)) -eq 0 ] && fail=$((fail + 1))
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
