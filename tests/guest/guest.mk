# SPDX-License-Identifier: GPL-2.0-only
# Guest tier: boots in QEMU (tests/guest/run.sh, tests/guest/iso.sh).
TEST_STEPS := tests/guest/run.sh $(TEST_STEPS)
TEST_STEPS += tests/guest/multi.sh
# Debian's own Linux kernel as dom0 and domU on Xenia, as dom0 on Xen 4.17.
TEST_STEPS += tests/compat/linux/run-linux.sh
