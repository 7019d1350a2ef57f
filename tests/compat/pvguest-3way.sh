#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# pvguest's kernel self-tests natively, on Xenia and on Xen 4.17: each must reach a clean verdict, and the three verdicts must agree case by case.
#
# Usage: tests/compat/pvguest-3way.sh [CMDLINE...]   (default: test)
#
# One image, three entry paths: multiboot on bare QEMU (pv-ops native,
# once with its call sites patched and once with "nopvpatch"), dom0 on
# Xenia and dom0 on Debian's Xen 4.17 (pv-ops Xen), all under QEMU TCG.  The per-case lines "[PASS|FAIL|SKIP] name" (details after
# ": " dropped) are compared; any difference is printed as a diff.
set -u
cd "$(dirname "$0")/../.."

cmdline=${*:-test}
pass=0
fail=0
dir=$(mktemp -d /tmp/pvguest-3way.XXXXXX)

# The verdict lines of one run, normalised.
cases() {
    sed -E 's/^\([A-Za-z0-9_.-]+\) //' "$1" | tr -d '\r' |
        grep -E '^\[(PASS|FAIL|SKIP)\] ' | sed -E 's/^(\[[A-Z]+\] [^:]*).*/\1/'
}

check() {
    name=$1
    shift
    if "$@"; then
        echo "[PASS] $name"
        pass=$((pass + 1))
    else
        echo "[FAIL] $name"
        fail=$((fail + 1))
    fi
}

# A run is clean when it printed its own verdict with no failure and
# the runner agreed (exit status 0).
clean_run() {
    log=$1
    rc=$2
    [ "$rc" -eq 0 ] &&
        grep -Eq 'pvguest: [1-9][0-9]* passed, 0 failed' "$log" || {
        echo "  exit $rc; last lines:"
        tail -n 15 "$log" | sed 's/^/  | /'
        return 1
    }
}

TIMEOUT=${TIMEOUT:-240} tests/compat/native/run-pvguest.sh "$cmdline" \
    >"$dir/native" 2>&1
rc_native=$?
# The same kernel with its pv-op call sites left as indirect calls.
TIMEOUT=${TIMEOUT:-240} tests/compat/native/run-pvguest.sh "$cmdline nopvpatch" \
    >"$dir/native_nopvpatch" 2>&1
rc_native_nopvpatch=$?
build/xenia boot --tcg --timeout 240 build/pvguest/pvguest "$cmdline" \
    >"$dir/xenia" 2>&1
rc_xenia=$?
TIMEOUT=${TIMEOUT:-300} tests/compat/xen417/run-pvguest.sh "$cmdline" \
    >"$dir/xen417" 2>&1
rc_xen417=$?

for p in native native_nopvpatch xenia xen417; do
    eval rc=\$rc_$p
    cases "$dir/$p" >"$dir/$p.cases"
    check "threeway.$p.verdict ($(wc -l <"$dir/$p.cases") cases)" \
        clean_run "$dir/$p" "$rc"
done

same() {
    ok=0
    [ -s "$dir/native.cases" ] || ok=1
    for p in native_nopvpatch xenia xen417; do
        cmp -s "$dir/native.cases" "$dir/$p.cases" && continue
        diff "$dir/native.cases" "$dir/$p.cases" | sed "s/^/  native|$p: /"
        ok=1
    done
    return $ok
}
check "threeway.identical_verdicts" same

rm -rf "$dir"
echo "threeway: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
