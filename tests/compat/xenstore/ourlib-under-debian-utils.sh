#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Our libxenstore.so.4 under Debian's xenstore-utils and test-xenstore (LD_LIBRARY_PATH), plus its ABI against Debian's.
cd "$(dirname "$0")/../../.." || exit 1
. tests/compat/xenstore/lib.sh
xs_deps
lib="$XS_BUILD/lib"

# ABI: the same exported symbols, all at VERS_4.0, same SONAME.
ours=$(nm -D --defined-only "$lib/libxenstore.so.4" | awk '{print $3}' | sort | tr '\n' ' ')
debs=$(nm -D --defined-only /usr/lib/x86_64-linux-gnu/libxenstore.so.4 | awk '{print $3}' | sort | tr '\n' ' ')
xs_check "nm -D symbols and versions equal Debian's" "$debs" "$ours"
xs_check "SONAME" "libxenstore.so.4" \
    "$(readelf -d "$lib/libxenstore.so.4" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')"
where=$(LD_LIBRARY_PATH=$lib ldd /usr/bin/xenstore | awk '/libxenstore/ {print $3}')
xs_check "Debian's xenstore resolves our library" "$lib/libxenstore.so.4" "$where"

xs_start
out=$(mktemp /tmp/xs-scn.XXXXXX)
LD_LIBRARY_PATH=$lib timeout 60 tests/compat/xenstore/scenario.sh /usr/bin > "$out" 2>&1
xs_compare_transcript our-lib tests/compat/xenstore/scenario.expected "$out"
rm -f "$out"
res=$(LD_LIBRARY_PATH=$lib timeout 120 /usr/lib/xen-4.17/bin/test-xenstore -i 50 2>&1)
rc=$?
echo "$res" | sed 's/^/    /'
for t in "read 1" "read 2000" "write 1" "write 2000" "dir" "rm node" "rm dir" \
         "ta empty" "ta empty x" "ta rmw" "ta rmw x" "ta err"; do
    if echo "$res" | grep -q "^$(printf '%-10s' "$t"): avg"; then
        xs_ok "test-xenstore (our lib): $t"
    else
        xs_bad "test-xenstore (our lib): $t"
    fi
done
xs_check "test-xenstore (our lib) exit status" 0 "$rc"
xs_stop
xs_verdict xenstore-our-lib
