# SPDX-License-Identifier: GPL-2.0-only
# Shared helpers of the xenstore compat steps: start/stop our daemon, count checks, print the verdict.
# Sourced by the step scripts, which run from the top of the tree.

XS_BUILD=${XS_BUILD:-build/xenstore}
XS_PASS=0
XS_FAIL=0
XS_DIR=""
XS_PID=""

xs_deps() {
    sh mk/deps.sh xenstore-utils libxenstore4 xen-utils-4.17 || exit 1
}

# Start our xenstored on a private socket; exports XENSTORED_PATH.
xs_start() {
    XS_DIR=$(mktemp -d /tmp/xs-compat.XXXXXX)
    "$XS_BUILD/xenstored" -N -s "$XS_DIR/sock" -F "$XS_DIR/pid" \
        -L "$XS_DIR/log" "$@" &
    XS_PID=$!
    i=0
    while [ ! -S "$XS_DIR/sock" ] && [ $i -lt 100 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    export XENSTORED_PATH="$XS_DIR/sock"
}

# Stop it (only the pid we started) and check it was still alive.
xs_stop() {
    if [ -n "$XS_PID" ]; then
        if kill -0 "$XS_PID" 2>/dev/null; then
            xs_ok "daemon survived"
            kill "$XS_PID"
            wait "$XS_PID" 2>/dev/null
        else
            xs_bad "daemon survived" "it died"
        fi
    fi
    [ -n "$XS_DIR" ] && rm -rf "$XS_DIR"
    XS_PID=""
    XS_DIR=""
}

xs_ok() {
    XS_PASS=$((XS_PASS + 1))
    echo "ok   $1"
}

xs_bad() {
    XS_FAIL=$((XS_FAIL + 1))
    echo "FAIL $1${2:+: $2}"
}

# xs_check NAME EXPECTED ACTUAL
xs_check() {
    if [ "$2" = "$3" ]; then
        xs_ok "$1"
    else
        xs_bad "$1" "expected [$2] got [$3]"
    fi
}

# Compare a scenario transcript with the expected one, one command at a time.
xs_compare_transcript() {
    label=$1 expected=$2 actual=$3
    tmp=$(mktemp -d /tmp/xs-cmp.XXXXXX)
    grep -v '^# ' "$expected" |
        awk -v d="$tmp/e" '/^\$ /{n++} {print > (d "." sprintf("%03d", n))}'

    awk -v d="$tmp/a" '/^\$ /{n++} {print > (d "." sprintf("%03d", n))}' "$actual"
    for e in "$tmp"/e.*; do
        a="$tmp/a.${e##*.}"
        name="$label: $(head -n1 "$e" | cut -c3-70)"
        if [ -f "$a" ] && cmp -s "$e" "$a"; then
            xs_ok "$name"
        else
            xs_bad "$name" "$(diff "$e" "$a" 2>&1 | head -n 6 | tr '\n' ' ')"
        fi
    done
    rm -rf "$tmp"
}

xs_verdict() {
    echo "$1: $XS_PASS passed, $XS_FAIL failed"
    [ "$XS_FAIL" -eq 0 ]
}
