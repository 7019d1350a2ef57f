# SPDX-License-Identifier: GPL-2.0-only
# Guest tier: boots in QEMU (tests/guest/run.sh, tests/guest/iso.sh).
TEST_STEPS := tests/guest/run.sh $(TEST_STEPS)
TEST_STEPS += tests/guest/multi.sh
