#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Several domains at boot: named consoles, events between domains, blocking,
# weights and caps, and control operations refused to a domU.  dom0 runs
# pvguest's "wait" role (it powers off once the other domains have shut
# down), so each boot ends with QEMU's exit status through xenia.
set -u
cd "$(dirname "$0")/../.."

PV=build/pvguest/pvguest
pass=0
fail=0
log=$(mktemp)

ok() { echo "[PASS] $1"; pass=$((pass + 1)); }
ko() { echo "[FAIL] $1"; tail -n 20 "$log"; fail=$((fail + 1)); }

boot() {
    build/xenia boot --tcg --timeout 240 "$@" >"$log" 2>&1
}

# Iterations a "spin" domain reported.
spun() {
    sed -n "s/^($1) spin: \([0-9]*\) iterations.*/\1/p" "$log"
}

# 1. dom0 and two boot domains, each console shown with its name.
if boot $PV "wait domains=2" --module "$PV,xenia.name=alpha demo" \
        --module "$PV,xenia.name=beta xenia.mem=16M demo" &&
    grep -q '^(d0) pvguest: all 2 domain(s) done, 0 failed' "$log" &&
    grep -q '^(alpha) pvguest: demo finished' "$log" &&
    grep -q '^(beta) pvguest: demo finished' "$log"; then
    ok multi.three_named_consoles
else
    ko multi.three_named_consoles
fi

# 1b. The portable kernel's self-tests as a domU (console ring, its own
#     PV MMU work on 32 MiB), with dom0 waiting for it.
if boot $PV "wait domains=1" --module "$PV,xenia.name=kern xenia.mem=32M test" &&
    grep -q '^(d0) pvguest: all 1 domain(s) done, 0 failed' "$log" &&
    grep -Eq '^\(kern\) pvguest: [1-9][0-9]* passed, 0 failed' "$log"; then
    ok multi.kernel_selftest_domu
else
    ko multi.kernel_selftest_domu
fi

# 2. 1,000 event round trips between two domains, each side blocking in
#    SCHEDOP_poll between events (port 1 of each domU is its console).
if boot $PV "wait domains=2" \
        --module "$PV,xenia.name=ping pingpong peer=2 count=1000 server" \
        --module "$PV,xenia.name=pong pingpong peer=1 port=2 count=1000" &&
    grep -q '^(ping) pingpong: 1000 round trips done' "$log" &&
    grep -q '^(pong) pingpong: 1000 round trips done' "$log"; then
    ok multi.event_ping_pong
else
    ko multi.event_ping_pong
fi

# 3. Weights: two busy domains, weight 512 against 256, get about 2:1.
#    (A proportion of work done, not a time: wide bounds for TCG noise.)
if boot $PV "wait domains=2" --module "$PV,xenia.name=light spin ms=2000" \
        --module "$PV,xenia.name=heavy xenia.weight=512 spin ms=2000"; then
    l=$(spun light)
    h=$(spun heavy)
    if [ -n "$l" ] && [ -n "$h" ] && [ $((h * 10)) -ge $((l * 15)) ] &&
        [ $((h * 10)) -le $((l * 26)) ]; then
        ok "multi.weight_share (heavy $h, light $l)"
    else
        ko "multi.weight_share (heavy ${h:-?}, light ${l:-?})"
    fi
else
    ko multi.weight_share
fi

# 4. Cap: a domain capped at 25% of the CPU, next to an uncapped busy one,
#    does no more than about a quarter of the work.
if boot $PV "wait domains=2" --module "$PV,xenia.name=capped xenia.cap=25 spin ms=2000" \
        --module "$PV,xenia.name=free spin ms=2000"; then
    c=$(spun capped)
    f=$(spun free)
    if [ -n "$c" ] && [ -n "$f" ] && [ $((c * 100)) -le $(((c + f) * 32)) ] &&
        [ $((c * 100)) -ge $(((c + f) * 15)) ]; then
        ok "multi.cap (capped $c, free $f)"
    else
        ko "multi.cap (capped ${c:-?}, free ${f:-?})"
    fi
else
    ko multi.cap
fi

# 5. A domU is refused every control operation with Xen's errors.
if boot $PV "wait domains=1" --module "$PV,xenia.name=guest unpriv" &&
    grep -q '^(guest) unpriv: 8 passed, 0 failed' "$log"; then
    ok multi.control_refused_to_domu
else
    ko multi.control_refused_to_domu
fi

# 6. Destroying two domains that ran (page tables, pins, event channels,
#    timers) gives every frame back: dom0 checks with Xenia's test hypercall.
if boot $PV "wait domains=2 destroy" --module "$PV,xenia.name=alpha demo" \
        --module "$PV,xenia.name=beta pingpong peer=0 count=0 server" &&
    grep -q '^(d0) pvguest: destroyed 2 domain(s)' "$log"; then
    ok multi.destroy_frees_everything
else
    ko multi.destroy_frees_everything
fi

# 7. Create a domain, give it memory from dom0, destroy it: 1,000 times,
#    and the free-frame count comes back exactly.
if boot $PV "lifecycle count=1000" &&
    grep -q '^(d0) lifecycle: 1000 create/destroy cycles' "$log"; then
    ok multi.create_destroy_1000
else
    ko multi.create_destroy_1000
fi

# 8. dom0 builds a domain at run time as a toolstack does (createdomain,
#    populate_physmap, foreign mappings, setvcpucontext, unpause); it runs,
#    prints, powers off, and is destroyed without losing a frame.  On the
#    way, contexts with bad debug registers or MXCSR are refused and a good
#    one reads back through getvcpucontext.
if boot $PV build &&
    grep -q '^(d0) build: context checks passed' "$log" &&
    grep -q '^(d1) tinyguest: hello from a domain dom0 built at run time' "$log" &&
    grep -q '^(d0) build: destroyed' "$log"; then
    ok multi.runtime_build_and_destroy
else
    ko multi.runtime_build_and_destroy
fi

# 9. Console input: serial input goes to dom0 (CONSOLEIO_read); three
#    Ctrl-A move it to the next domain, which reads it from its ring.
#    (The pause lets the hypervisor start before the first byte arrives.)
if (sleep 2; printf '\001\001\001to the guest\r') |
        build/xenia boot --tcg --timeout 120 $PV "wait domains=1" \
            --module "$PV,xenia.name=guest echo" >"$log" 2>&1 &&
    grep -q "^(guest) echo: got 'to the guest'" "$log"; then
    ok multi.console_input_to_domu
else
    ko multi.console_input_to_domu
fi
if (sleep 2; printf 'to dom0\r') | build/xenia boot --tcg --timeout 120 $PV echo \
        >"$log" 2>&1 && grep -q "^(d0) echo: got 'to dom0'" "$log"; then
    ok multi.console_input_to_dom0
else
    ko multi.console_input_to_dom0
fi

# 10. With the focus on Xen (three Ctrl-A from dom0 with no domU ring),
#     'q' lists domains with their hypercall counts; then back to dom0.
if (sleep 2; printf '\001\001\001q\001\001\001done\r') |
        build/xenia boot --tcg --timeout 120 $PV echo >"$log" 2>&1 &&
    grep -q '^(XEN) d0: id 0, running' "$log" &&
    grep -q '^(XEN)   hypercall 18 (console_io): ' "$log" &&
    grep -q "^(d0) echo: got 'done'" "$log"; then
    ok multi.debug_keys
else
    ko multi.debug_keys
fi

# 11. A domU arms a 2 s watchdog (SCHEDOP_watchdog), feeds it for 4 s, then
#     stops: the hypervisor shuts it down with reason watchdog (4).
if boot $PV "wait domains=1 want=4" --module "$PV,xenia.name=wd watchdog" &&
    grep -q '^(wd) watchdog: fed for 4 s' "$log" &&
    grep -q '^(d0) pvguest: domain 1 shut down, code 4' "$log"; then
    ok multi.watchdog_fires
else
    ko multi.watchdog_fires
fi

rm -f "$log"
echo "multi: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
