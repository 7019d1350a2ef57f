#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Bounded libFuzzer runs (ASan/UBSan) of the dispatcher and ring targets; XS_FUZZ_SECONDS in all (default 20).
cd "$(dirname "$0")/../../.." || exit 1
dir=build/xenstore/fuzz
secs=${XS_FUZZ_SECONDS:-20}
half=$(( (secs + 1) / 2 ))
pass=0
fail=0

seed_dispatch() {
    # Records "conn kind txsel len payload" (see fuzz_dispatch.c).
    python3 - "$1" <<'PY'
import os, sys
d = sys.argv[1]
def req(conn, typ, payload, tx=0):
    return bytes([conn, typ, tx, len(payload)]) + payload
seeds = {
  "write-read": req(0, 11, b"/a/b\0v") + req(2, 2, b"/a/b\0") + req(0, 1, b"/a\0"),
  "guest": req(2, 11, b"data/x\0" b"1") + req(2, 4, b"data\0t\0") + req(0, 11, b"/local/domain/5/data/y\0z"),
  "txn": req(0, 6, b"\0") + req(0, 11, b"/t/x\0" b"1", 1) + req(1, 11, b"/t/y\0" b"2") + req(0, 7, b"T\0", 1),
  "perms": req(0, 14, b"/local/domain/5\0n5\0r6\0") + req(3, 2, b"/local/domain/5\0"),
  "stream": bytes([0, 0x80, 21]) + bytes([2,0,0,0, 0,0,0,0, 0,0,0,0, 5,0,0,0]) + b"/too\0",
  "domains": req(0, 8, b"7\0" b"1\0" b"1\0") + req(0, 9, b"7\0") + bytes([2, 0x82]) + bytes([1, 0x81]),
  "control": req(0, 0, b"quota\0set\0nodes\0" b"3\0") + req(2, 11, b"n1\0") + req(2, 11, b"n2\0"),
  "dirpart": req(0, 11, b"/p/q\0") + req(0, 22, b"/p\0" b"0\0"),
}
for k, v in seeds.items():
    open(os.path.join(d, k), "wb").write(v)
PY
}

seed_ring() {
    # Ops "4 len bytes" put a request on the ring; "7" drains replies.
    python3 - "$1" <<'PY'
import os, struct, sys
d = sys.argv[1]
def msg(t, body):
    m = struct.pack("<IIII", t, 1, 0, len(body)) + body
    return bytes([4, len(m)]) + m
seeds = {
  "write-read": msg(11, b"data/x\0v") + msg(2, b"data/x\0") + bytes([7]),
  "watch": msg(4, b"data\0t\0") + msg(11, b"data/y\0" b"1") + bytes([7, 6]),
  "indices": bytes([0, 0, 4, 0, 0]) + msg(2, b"/\0"),
}
for k, v in seeds.items():
    open(os.path.join(d, k), "wb").write(v)
PY
}

# run NAME SECONDS [DICT]
run() {
    bin=$dir/$1
    corpus=$dir/corpus-$1
    if [ ! -x "$bin" ]; then
        echo "FAIL $1: not built (clang and libclang-rt-14-dev are needed)"
        fail=$((fail + 1))
        return
    fi
    mkdir -p "$corpus"
    [ -z "$(ls "$corpus")" ] && "seed_${1#fuzz_}" "$corpus"
    log=$(mktemp /tmp/xs-fuzz.XXXXXX)
    "$bin" -max_total_time="$2" -max_len=4096 -timeout=10 -rss_limit_mb=1024 \
        ${3:+-dict=$3} -print_final_stats=1 -artifact_prefix="$dir/" \
        "$corpus" > "$log" 2>&1
    rc=$?
    grep -E 'stat::number_of_executed_units|ERROR|SUMMARY|Done' "$log" | head -20
    if [ $rc -eq 0 ]; then
        echo "ok   $1: $2 s, no crash, leak or UB"
        pass=$((pass + 1))
    else
        tail -n 40 "$log"
        echo "FAIL $1 (input in $dir/crash-*)"
        fail=$((fail + 1))
    fi
    rm -f "$log"
}

run fuzz_dispatch "$half" xenstore/fuzz/xs.dict
run fuzz_ring "$half"
echo "xenstore-fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
