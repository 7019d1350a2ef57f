#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# make bench step: our xenstored against Debian's C xenstored and oxenstored,
# every daemon driven by the same client, xs-bench.
# Two passes: xs-bench on Debian's libxenstore4 (every row), then the same
# binary on our libxenstore.so.4 (LD_LIBRARY_PATH; the per-request rows only).
# Prints a table per pass, "BENCH xenstored_<daemon>_<row>[_ourlib] <value>
# <unit>" lines for tests/bench/run.sh, and build/xenstore/bench.json.
# Throughput rows are the best of 3 rounds (for every daemon);
# "*_daemon_cpu_per_req" rows are the daemon's own CPU time per request; the
# "ceiling" line is xs-bench's built-in no-op daemon: what any daemon could
# reach under that client and pin.
#
# Environment: XS_BENCH_SCALE (divide the sizes, default 1), XS_BENCH_CPU (pin
# daemon and client to this CPU, default 1; "none" = let the scheduler place
# them: on this 2-core VM a cross-core wake-up costs ~60 us, which then
# dominates every row), XS_PEERS (default ../shared/peers).
cd "$(dirname "$0")/../.." || exit 1
B=build/xenstore
peers=${XS_PEERS:-../shared/peers}
cpu=${XS_BENCH_CPU:-1}
pin=""
[ "$cpu" != none ] && pin="taskset -c $cpu"
out=$(mktemp -d /tmp/xs-bench.XXXXXX)
sh mk/deps.sh xen-utils-4.17 xenstore-utils libxenstore4 >/dev/null 2>&1 ||
    echo "xenstore bench: peers unavailable (xen-utils-4.17 not installed)"

run_client() {	# label socket pid
    echo "--- $1" >&2
    XENSTORED_PATH=$2 LD_LIBRARY_PATH=$lib XS_BENCH_ONLY=$only \
        $pin timeout 900 "$B/xs-bench" "$3" > "$out/$1.txt" 2>"$out/$1.err"
    cat "$out/$1.txt" >&2
}

run_pass() {	# uses $lib, $only, $suffix
    # Ours.
    mkdir -p "$out/ours$suffix"
    $pin "$B/xenstored" -N -s "$out/ours$suffix/sock" &
    pid=$!
    sleep 0.5
    run_client "ours$suffix" "$out/ours$suffix/sock" "$pid"
    kill "$pid"
    wait "$pid" 2>/dev/null
    # The ceiling: a daemon that does nothing, under the same client and pin.
    LD_LIBRARY_PATH=$lib $pin "$B/xs-bench" --no-op-daemon \
        > "$out/noop$suffix.txt" 2>"$out/noop$suffix.err"
    cat "$out/noop$suffix.txt" >&2

    # Debian's daemons, started standalone by the peers' script (LD_PRELOAD shim).
    for kind in c ocaml; do
        if ! [ -x "$peers/run-xen-xenstored.sh" ]; then
            echo "xenstore bench: no $peers/run-xen-xenstored.sh (XS_PEERS):" \
                "Debian's daemons not compared" >&2
            break
        fi
        set -- $(bash "$peers/run-xen-xenstored.sh" "$kind" "$out/peer-$kind$suffix" 2>/dev/null | tail -n1)
        ppid=$1 psock=$2
        [ -n "$ppid" ] && [ -S "$psock" ] || { echo "peer $kind did not start" >&2; continue; }
        [ "$cpu" != none ] && taskset -pc "$cpu" "$ppid" >/dev/null 2>&1
        run_client "$kind$suffix" "$psock" "$ppid"
        kill "$ppid" 2>/dev/null
        sleep 0.3
    done
    rmdir /var/run/xenstored 2>/dev/null
}

lib="" only="" suffix=""
run_pass
lib=$PWD/$B/lib only=throughput suffix=_ourlib
run_pass

# Table: higher is better for ops/s, lower for us/ms/MiB; "x C" = how many
# times better than Debian's C daemon.
python3 - "$out" "$cpu" <<'PY'
import json, os, sys
d, cpu = sys.argv[1], sys.argv[2]
def load(k):
    p = os.path.join(d, k + ".txt")
    rows, lib = {}, "?"
    if os.path.exists(p):
        for line in open(p):
            parts = line.split()
            if line.startswith("# client library "):
                lib = parts[3]
            elif len(parts) == 3:
                rows[parts[0]] = (float(parts[1]), parts[2])
    return rows, lib
f = lambda x: "-" if x is None else "%.1f" % x
res = []
for suffix, what in (("", "Debian's libxenstore4"),
                     ("_ourlib", "our libxenstore.so.4")):
    (ours, lib), (c, _), (ox, _) = (load(k + suffix) for k in ("ours", "c", "ocaml"))
    if not ours:
        continue
    print("\nxenstored benchmark, one client for every daemon: xs-bench on %s"
          " (%s); cpu pin: %s" % (what, lib, cpu))
    print("%-42s %14s %14s %14s %8s" % ("row", "ours", "C 4.17", "oxenstored", "x C"))
    for k, (v, unit) in ours.items():
        cv = c.get(k, (None,))[0]
        ov = ox.get(k, (None,))[0]
        better = None
        if cv:
            better = v / cv if unit == "ops/s" else (cv / v if v else None)
        print("%-42s %14s %14s %14s %8s   %s" % (k, f(v), f(cv), f(ov),
              "-" if better is None else "%.2fx" % better, unit))
        res.append({"row": k + suffix, "unit": unit, "ours": v, "c": cv,
                    "oxenstored": ov, "x_c": better})
    noop = load("noop" + suffix)[0]
    nv = noop.get("read_no_op_daemon_ceiling", (None,))[0]
    if nv:
        ncpu = noop.get("read_no_op_daemon_ceiling_daemon_cpu_per_req", (None,))[0]
        cv = c.get("read", (None,))[0]
        print("ceiling: a no-op daemon (epoll, read, write) under the same client: "
              "read %.1f ops/s%s%s" % (nv,
              " = %.2fx C" % (nv / cv) if cv else "",
              ", its CPU %.2f us/request" % ncpu if ncpu else ""))
        res.append({"row": "read_ceiling" + suffix, "unit": "ops/s",
                    "ours": None, "c": None, "oxenstored": None, "x_c": None,
                    "no_op_daemon": nv})
json.dump(res, open("build/xenstore/bench.json", "w"), indent=1)
# Rows for tests/bench/run.sh (build/bench.json).
for r in res:
    for who in ("ours", "c", "oxenstored", "no_op_daemon"):
        if r.get(who) is not None:
            print("BENCH xenstored_%s_%s %.3f %s" % (who, r["row"], r[who], r["unit"]))
PY
rm -rf "$out"
echo "xenstore bench: 1 passed, 0 failed"
