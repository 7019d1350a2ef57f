#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Guest tier: boot examples/hello-pv (a PV kernel built only against Xen's headers) on Xenia.
#
# One boot under TCG (this machine's /dev/kvm breaks ring-3 syscall, see
# docs/ARCHITECTURE.md), with a timeout.  Checks: `xenia boot` exits 0
# (dom0 powered off with code 0) and the console shows each step's line.
# Last line: "hello-pv: N passed, N failed"; non-zero exit on any failure.
# Environment: BUILD (default build), TIMEOUT (seconds, default 120).
set -u
cd "$(dirname "$0")/../.."

build=${BUILD:-build}
limit=${TIMEOUT:-120}
guest="$build/examples/hello-pv"
pass=0
fail=0
log=$(mktemp /tmp/hello-pv.XXXXXX)

ok() {
    echo "[PASS] $1"
    pass=$((pass + 1))
}

bad() {
    echo "[FAIL] $1"
    fail=$((fail + 1))
}

# expect NAME REGEX: the guest printed a line matching REGEX.
expect() {
    if grep -Eq "^\(d0\) $2" "$log"; then ok "$1"; else bad "$1"; fi
}

if [ ! -s "$guest" ] || [ ! -x "$build/xenia" ]; then
    bad "build: $guest or $build/xenia missing (run make)"
    echo "hello-pv: $pass passed, $fail failed"
    exit 1
fi

"$build/xenia" boot --tcg --timeout "$limit" "$guest" hello >"$log" 2>&1
rc=$?
if [ "$rc" -eq 0 ]; then ok "exit.poweroff_code_0"; else bad "exit.poweroff_code_0 (xenia boot exit $rc)"; fi
expect greeting 'hello-pv: hello from a PV guest'
expect start_info 'start_info: magic "xen-3\.0-x86_64" nr_pages [1-9][0-9]* .*cmd_line "hello"'
expect xen_version 'xen_version: 4\.17'
expect trap_bounce 'trap: int3 bounced to the handler .*came back'
expect shared_info 'shared_info: machine 0x[0-9a-f]+ at 0x[0-9a-f]+: .*upcall_mask 1$'
expect done 'hello-pv: done, powering off'

[ "$fail" -eq 0 ] || { echo "--- console:"; tail -n 30 "$log"; }
rm -f "$log"
echo "hello-pv: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
