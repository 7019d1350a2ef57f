# SPDX-License-Identifier: GPL-2.0-only
# Example guests: the top Makefile includes only */*.mk, so pull in each example's fragment.

include $(sort $(wildcard examples/*/*.mk))
