# SPDX-License-Identifier: GPL-2.0-only
# Host-side Check suites. Each component's fragment appends the paths of its
# test binaries (under $(BUILD)/tests/unit/) to UNIT_TESTS, building them with
# UNIT_CFLAGS / UNIT_LIBS: ASan and UBSan on, Xen headers reachable.
UNIT_CFLAGS := $(HOST_CFLAGS) -D__XENIA_HOST__ -Ihypervisor/include \
	-fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
UNIT_LIBS   := -lcheck -lsubunit -lm -lrt -lpthread
