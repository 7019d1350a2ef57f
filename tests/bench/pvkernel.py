#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# make bench step: pvguest's kernel natively, on Xenia and on Xen 4.17 in one run; an lmbench-style table with PV/native and Xenia/Xen ratios.
"""Usage: pvkernel.py

The same image boots three ways with the command line "bench": natively
(QEMU multiboot, the native pv-ops), as dom0 on Xenia and as dom0 on
Debian's Xen 4.17 (the Xen pv-ops), each under QEMU TCG, BOOTS times
(XENIA_BENCH_BOOTS, default 3).  The role (pvguest/kbench.c) times each
row in ring 3 with the TSC and prints "BENCH lmb.<row>.median <cycles>";
the table shows the median over the boots and the ratios measured in
this run.  KVM is tried for the native boot and for Xenia; where it does
not work the reason is printed (the goals in the last column are for
KVM).  Every figure is also printed as a BENCH line for build/bench.json:
    BENCH lmb.<row>.<platform> <cycles> cycles tcg
    BENCH <row>_pv_native_ratio <ratio> ratio tcg      (Xenia / native)
    BENCH <row>_xen_native_ratio <ratio> ratio tcg     (Xen / native)
    BENCH <row>_xenia_xen_ratio <ratio> ratio tcg      (Xenia / Xen)
Times are reported, never asserted.
"""

import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import (BENCH_RE, GUEST, XEN, XEN_ARGS, XEN_CPU, XEN_END_RE,  # noqa: E402
                   XENIA, machine, qemu_cpu, run_stamped, xen_probe)

BOOTS = int(os.environ.get("XENIA_BENCH_BOOTS", "3"))
TIMEOUT = 300
KVM_TIMEOUT = 60            # a probe: a working KVM boot takes seconds
END = "pvguest: bench finished"

# (row, label, KVM goal for Xenia / native)
ROWS = [
    ("irq_triple", "irq save+disable+restore, kernel mode", None),
    ("syscall", "null syscall (getpid)", 2.0),
    ("page_fault", "page fault, demand zero", 1.3),
    ("prot_fault", "protection fault, resumed in user", None),
    ("ctxsw", "context switch, 2 processes (yield)", 1.8),
    ("fork", "fork+exit+wait, %d touched pages", 1.3),
    ("mmap", "mmap+munmap, %d pages populated", None),
    ("compute", "compute loop, 100,000 xorshift steps", 1.02),
]


def figures(lines):
    """{metric: value} of one boot's BENCH lines, or None without its end."""
    if not any(END in l for _, l in lines):
        return None
    out = {}
    for _, line in lines:
        m = BENCH_RE.match(line.strip())
        if m and m.group(1).startswith("lmb."):
            out[m.group(1)] = float(m.group(2))
    return out


def native_boot(accel, cpu, timeout=TIMEOUT, extra=""):
    qemu = os.environ.get("XENIA_QEMU", "qemu-system-x86_64")
    argv = [qemu, "-accel", accel, "-cpu", cpu, "-m", "256", "-smp", "1",
            "-display", "none", "-monitor", "none", "-parallel", "none",
            "-no-reboot", "-serial", "stdio",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-kernel", GUEST, "-append", ("bench " + extra).strip()]
    _, lines = run_stamped(argv, timeout)
    return figures(lines), lines


def xenia_boot(accel_args, timeout=TIMEOUT, extra=""):
    argv = [XENIA, "boot", *accel_args, "--timeout", str(timeout), GUEST,
            ("bench " + extra).strip()]
    _, lines = run_stamped(argv, timeout + 15)
    return figures(lines), lines


def xen_boot():
    qemu = os.environ.get("XENIA_QEMU", "qemu-system-x86_64")
    argv = [qemu, "-accel", "tcg", "-cpu", XEN_CPU, "-m", "512", "-smp", "1",
            "-display", "none", "-monitor", "none", "-parallel", "none",
            "-no-reboot", "-serial", "stdio", "-kernel", XEN,
            "-append", XEN_ARGS, "-initrd", GUEST + " bench"]
    _, lines = run_stamped(argv, TIMEOUT, stop=XEN_END_RE)
    return figures(lines), lines


def medians(name, boot, boots=BOOTS):
    """Median per metric over `boots` boots; (rows, None) or (None, why)."""
    runs = []
    for _ in range(boots):
        got, lines = boot()
        if got is None:
            last = [l for _, l in lines if l.strip()]
            why = "no '%s' (last line: %s)" % (END, last[-1].strip() if last else "none")
            print("%s: bench boot failed: %s" % (name, why), flush=True)
            return None, why
        runs.append(got)
    return {k: statistics.median(r[k] for r in runs if k in r) for k in runs[0]}, None


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt(v):
    return "-" if v is None else ("%.0f" % v if v >= 100 else "%.2f" % v)


def fmt_ratio(v):
    return "-" if v is None else "%.2f" % v


def main():
    # Xenia falls back to TCG where /dev/kvm is PVM: a KVM row must be KVM.
    os.environ["XENIA_KVM"] = "1"
    for f in (XENIA, GUEST):
        if not os.access(f, os.R_OK):
            sys.exit("pvkernel: %s missing (run make all)" % f)
    model, ncpu = machine()
    cpu = qemu_cpu(["--tcg"])
    print("pvguest kernel, lmbench-style rows (pvguest/kbench.c): %s, %s cores" % (model, ncpu))
    print("Accelerator: QEMU TCG for all three (native and Xenia -cpu %s, Xen -cpu %s); "
          "median of %d boots each" % (cpu, XEN_CPU, BOOTS), flush=True)

    cols = {}
    notes = []
    cols["native"], why = medians("native", lambda: native_boot("tcg", cpu))
    if why:
        notes.append("native: failed (%s)" % why)
    cols["xenia"], why = medians("xenia", lambda: xenia_boot(["--tcg"]))
    if why:
        notes.append("Xenia: failed (%s)" % why)
    why = xen_probe()
    if why is None:
        cols["xen417"], why = medians("xen417", xen_boot)
    else:
        cols["xen417"] = None
    if why:
        notes.append("Xen 4.17: unavailable (%s)" % why)

    # The same kernels with the pv-op call sites left as indirect calls.
    unpatched = {}
    unpatched["native"], why = medians("native nopvpatch",
                                       lambda: native_boot("tcg", cpu, extra="nopvpatch"))
    if why:
        notes.append("native nopvpatch: failed (%s)" % why)
    unpatched["xenia"], why = medians("xenia nopvpatch",
                                      lambda: xenia_boot(["--tcg"], extra="nopvpatch"))
    if why:
        notes.append("Xenia nopvpatch: failed (%s)" % why)

    # KVM: both sides must work for a PV/native ratio under KVM.
    kvm_native, kwhy = (None, "no /dev/kvm") if not os.path.exists("/dev/kvm") else \
        medians("native kvm", lambda: native_boot("kvm", "EPYC", KVM_TIMEOUT), boots=1)
    kvm_xenia, xwhy = (None, "no /dev/kvm") if not os.path.exists("/dev/kvm") else \
        medians("xenia kvm", lambda: xenia_boot([], KVM_TIMEOUT), boots=1)
    if kvm_native is not None:
        got = [r for r, _, _ in ROWS if "lmb.%s.median" % r in kvm_native]
        if len(got) < len(ROWS):
            kwhy = "boots, but gave only %s (its processes die)" % ", ".join(got)
    if kwhy or xwhy:
        hint = " (host KVM is kvm_pvm)" if os.path.isdir("/sys/module/kvm_pvm") else ""
        notes.append("KVM: no PV/native figures: native %s; Xenia %s%s" % (
            kwhy or "ok", xwhy or "ok", hint))

    pages = {"fork": (cols["native"] or {}).get("lmb.fork.pages", 256),
             "mmap": (cols["native"] or {}).get("lmb.mmap.pages", 256)}
    print("\n  %-40s %9s %9s %7s %9s %7s %7s %6s" % (
        "cycles per operation", "native", "Xenia", "Xe/nat", "Xen", "Xen/nat",
        "Xe/Xen", "goal"))
    bench_lines = []
    for row, label, goal in ROWS:
        if "%d" in label:
            label = label % pages[row]
        v = {p: (c or {}).get("lmb.%s.median" % row) for p, c in cols.items()}
        pv_nat = ratio(v["xenia"], v["native"])
        xen_nat = ratio(v["xen417"], v["native"])
        xe_xen = ratio(v["xenia"], v["xen417"])
        print("  %-40s %9s %9s %7s %9s %7s %7s %6s" % (
            label, fmt(v["native"]), fmt(v["xenia"]), fmt_ratio(pv_nat), fmt(v["xen417"]),
            fmt_ratio(xen_nat), fmt_ratio(xe_xen), "<=%.2f" % goal if goal else ""))
        for p, val in v.items():
            if val is not None:
                bench_lines.append("BENCH lmb.%s.%s %.0f cycles tcg" % (row, p, val))
        for name, r in (("pv_native", pv_nat), ("xen_native", xen_nat), ("xenia_xen", xe_xen)):
            if r is not None:
                bench_lines.append("BENCH %s_%s_ratio %.3f ratio tcg" % (row, name, r))
    print("  (Xe/nat = Xenia / native: the cost of being a PV guest here; goals are "
          "for KVM: TCG flushes its\n   whole TLB on every CR3 write, and a 64-bit PV "
          "guest switches CR3 on each user/kernel crossing)")
    print("\n  Call-site patching (pvguest/pvpatch.c): %-13s %9s %9s %7s" % (
        "", "patched", "indirect", "gain"))
    for row, _, _ in ROWS:
        for p in ("native", "xenia"):
            a = (cols[p] or {}).get("lmb.%s.median" % row)
            b = (unpatched[p] or {}).get("lmb.%s.median" % row)
            print("  %-53s %9s %9s %7s" % ("%s, %s" % (row, p), fmt(a), fmt(b),
                                           fmt_ratio(ratio(b, a))))
            if b is not None:
                bench_lines.append("BENCH lmb.%s.%s_nopvpatch %.0f cycles tcg" % (row, p, b))
            if a is not None and b:
                bench_lines.append("BENCH %s_%s_patch_gain_ratio %.3f ratio tcg" % (
                    row, p, b / a))
    print("  (gain = indirect / patched: natively most sites become the instruction"
          " itself (cli, sti,\n   pushf/pop, a store, invlpg, mov from CR2) or nothing;"
          " on Xen direct calls)")
    for n in notes:
        print("\n" + n)
    print()
    for line in bench_lines:
        print(line)
    return 0 if cols["native"] and cols["xenia"] else 1


if __name__ == "__main__":
    sys.exit(main())
