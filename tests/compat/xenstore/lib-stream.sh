#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Both libxenstores under replies split, joined and cut by a scripted daemon (lib-stream.py).
cd "$(dirname "$0")/../../.." || exit 1
. tests/compat/xenstore/lib.sh
xs_deps
exec python3 tests/compat/xenstore/lib-stream.py "$XS_BUILD/lib"
