#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# make bench: pvguest's bench role under every working accelerator, then each extra step; tables on stdout, rows in build/bench.json.
#
#   tests/bench/run.sh [STEP]...
#
# Each STEP is a command (BENCH_STEPS from the Makefile fragments) whose
# "BENCH <metric> <value> <unit> [<accel>]" lines join build/bench.json.
# The work is in bench.py beside this file; see docs/benchmarks.md.
set -u
cd "$(dirname "$0")/../.."
exec python3 tests/bench/bench.py "$@"
