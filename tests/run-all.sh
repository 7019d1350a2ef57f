#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run every test step named on the command line and add up their verdicts.
#
# A step is an executable that prints, as its last such line,
#   N passed, N failed[, N skipped]
# and exits non-zero when anything failed.  A step that exits non-zero
# without printing the line counts as one failure.
set -u

total_pass=0
total_fail=0
total_skip=0
failed_steps=""

for step in "$@"; do
    echo "=== ${step%% *}"
    log=$(mktemp)
    { $step 2>&1; echo $? >"$log.rc"; } | tee "$log"
    rc=$(cat "$log.rc")
    line=$(grep -E '^([A-Za-z0-9-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1)
    rm -f "$log" "$log.rc"
    if [ -z "$line" ]; then
        echo "=== $step: no verdict line"
        total_fail=$((total_fail + 1))
        failed_steps="$failed_steps $step"
        continue
    fi
    p=$(echo "$line" | sed -E 's/^([A-Za-z0-9-]+: )?([0-9]+) passed.*/\2/')
    f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
    s=$(echo "$line" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    total_skip=$((total_skip + ${s:-0}))
    if [ "$f" -ne 0 ] || [ "$rc" -ne 0 ]; then
        [ "$f" -eq 0 ] && total_fail=$((total_fail + 1))
        failed_steps="$failed_steps $step"
    fi
done

echo
[ -n "$failed_steps" ] && echo "failed steps:$failed_steps"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
