# SPDX-License-Identifier: GPL-2.0-only
# make bench: pvguest's bench role under each working accelerator and on Xen 4.17 (TCG); tables, Xenia/Xen ratios, build/bench.json.
"""Usage: bench.py [STEP]...

For each accelerator that works (TCG always; KVM when a bench boot under
it completes) boot `build/xenia boot build/pvguest/pvguest xenbench` BOOTS
times, stamping every serial line on arrival.  Guest rows are the median
over the boots of each boot's figure; boot rows are the median over the
boots of QEMU start -> "(XEN) Starting domains" and -> the first "(d0)" line.

Under the same accelerators, two boots of several domains give the rows
between domains, each BOOTS times (median over the boots):
  evtchn_rtt_peer_runnable / _blocked   dom0 "wait domains=2" and two domUs
      running pingpong's "bench" mode: round trips of an interdomain event
      on one pCPU, both sides spinning with SCHEDOP_yield, then both
      blocking in SCHEDOP_poll;
  domain_create_to_console / _unpause   dom0 "build bench": createdomain
      to the tiny guest's console line (and to just before the unpause).
Their cycle rows get "_ns" twins, converted with the TSC rate Xenia
prints at boot ("tsc_mhz" row).

Then the same bench role runs on real Xen 4.17 under QEMU TCG (the Debian
hypervisor from tests/compat/xen417/get-xen.sh), XEN_BOOTS boots in each
of two configurations: Xen's defaults, and xpti=0 (Xenia has no XPTI, so
this is the like-for-like one).  Each guest row gets Xenia's TCG median,
Xen's medians and the ratios Xenia/Xen.  Xen rows go to the JSON as
"xen417.<metric>" and "xen417_xpti0.<metric>" (accel "tcg"), the ratios as
"xenia_over_xen417.<row>.median" and "xenia_over_xen417_xpti0.<row>.median"
(unit "ratio").  Without Xen (no image and no apt access) the output says
"Xen 4.17: unavailable (<reason>)".

Each STEP is a shell command run afterwards.  Whatever it prints passes
through; its lines
    BENCH <metric> <value> <unit> [<accel>]
become rows of the same JSON file (accel defaults to "host").  Steps see
XENIA_BENCH_ACCELS ("tcg" or "tcg kvm") to know what works.

Nothing here compares a figure against a limit: timings are reported,
never asserted.  The exit status is non-zero only when something failed
to run (no TCG result, or a step exiting non-zero).
"""

import json
import os
import re
import selectors
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

BUILD = "build"
XENIA = os.path.join(BUILD, "xenia")
GUEST = os.path.join(BUILD, "pvguest", "pvguest")
JSON_OUT = os.path.join(BUILD, "bench.json")
BOOTS = int(os.environ.get("XENIA_BENCH_BOOTS", "5"))
BOOT_TIMEOUT = 60           # xenia boot --timeout, per TCG boot (about 2 s)
KVM_TIMEOUT = 20            # a KVM boot takes well under a second
# The KVM probe skips scrubbing free RAM: where first-touch memory is slow
# (kvm_pvm: about 1 ms a page) a broken KVM then shows its real failure
# within seconds instead of timing out.  Measured boots use the defaults.
KVM_PROBE_HV_ARGS = ["--hv-args", "bootscrub=0"]
STEP_TIMEOUT = int(os.environ.get("XENIA_BENCH_STEP_TIMEOUT", "300"))

# Xen 4.17, booted as tests/compat/xen417/run-pvguest.sh does.  Xen boots
# only under TCG here, with -cpu Haswell-v4 (with -cpu max, SMAP meets a
# TCG iretq bug).  Xen never exits QEMU: the boot ends at the bench role's
# last line.  XENIA_BENCH_XEN_ARGS is appended to Xen's command line.
XEN = os.path.join(BUILD, "peers", "xen-4.17")
GET_XEN = os.path.join("tests", "compat", "xen417", "get-xen.sh")
GET_XEN_TIMEOUT = 180
XEN_BOOTS = int(os.environ.get("XENIA_BENCH_XEN_BOOTS", str(BOOTS)))
XEN_TIMEOUT = 120           # a Xen bench boot takes about 12 s under TCG
XEN_CPU = "Haswell-v4"
XEN_ARGS = ("console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all "
            "dom0_mem=64M,max:64M dom0_max_vcpus=1 noreboot " +
            os.environ.get("XENIA_BENCH_XEN_ARGS", "")).strip()
# (JSON prefix, extra Xen arguments, column title).  Under TCG's Haswell
# model Xen believes the CPU Meltdown-vulnerable and turns XPTI on for
# dom0: every guest/Xen transition then reloads CR3, which empties QEMU's
# software TLB.
XEN_CONFIGS = [("xen417", "", "Xen"), ("xen417_xpti0", "xpti=0", "Xen xpti=0")]
XEN_END_RE = re.compile(r"pvguest: (bench finished|PANIC|unknown role)|"
                        r"Hardware Dom0 (halted|shutdown|crashed)|"
                        r"Domain 0 crashed|Panic on CPU")

BENCH_RE = re.compile(r"^(?:\([\w.-]+\) )?BENCH (\S+) (-?[0-9.]+) (\S+)(?: (\S+))?\s*$")
SKIP_RE = re.compile(r"^(?:\([\w.-]+\) )?BENCH-SKIP (\S+) (.*)$")
TSC_MHZ_RE = re.compile(r"TSC ([0-9.]+) MHz")

# Guest rows in table order, with what they measure.
GUEST_ROWS = [
    ("null_hcall_page", "null hypercall, hypercall page (xen_version)"),
    ("null_hcall_syscall", "null hypercall, inline syscall (xen_version)"),
    ("enosys_hcall_page", "unknown hypercall -ENOSYS, hypercall page"),
    ("enosys_hcall_syscall", "unknown hypercall -ENOSYS, inline syscall"),
    ("pf_bounce", "guest-kernel #PF bounce + HYPERVISOR_iret"),
    ("user_syscall_bounce", "guest-user syscall -> kernel -> iret to user"),
    ("emul_rdmsr_fs_base", "rdmsr FS_BASE (#GP, emulated)"),
    ("fep_cpuid", "forced-emulation cpuid 0x40000000"),
    ("mmu_update_batched", "mmu_update, 512 entries a call: per entry"),
    ("mmu_update_single", "mmu_update, one call per entry"),
    ("pin_l4_tree", "PIN_L4_TABLE, fresh 4-level tree, 512 maps"),
    ("unpin_l4_tree", "UNPIN_TABLE of that tree"),
    ("uvm_invlpg", "update_va_mapping, UVMF_INVLPG"),
    ("ptwr_mov", "mov into our pinned L1 (#PF, emulated)"),
]
# Rows between domains: (name in the table, xenia boot's guest arguments,
# [(row, label)]).  Each is a boot of its own (see the docstring).
PP_COUNT = 5000             # timed round trips per variant (500 batches of 10)
BUILD_COUNT = 20            # timed run-time builds per boot
DOMAIN_BOOTS = [
    ("evtchn", [GUEST, "wait domains=2",
                "--module", GUEST + ",xenia.name=ping pingpong peer=2 count=%d server bench"
                % PP_COUNT,
                "--module", GUEST + ",xenia.name=pong pingpong peer=1 port=2 count=%d bench"
                % PP_COUNT],
     [("evtchn_rtt_peer_runnable", "event round trip, peer runnable (spin+yield)"),
      ("evtchn_rtt_peer_blocked", "event round trip, peer blocked (SCHEDOP_poll)")]),
    ("domain_create", [GUEST, "build bench count=%d" % BUILD_COUNT],
     [("domain_create_to_console", "dom0 createdomain -> new guest's console line"),
      ("domain_create_to_unpause", "  of which: the build, up to the unpause")]),
]
DOMAIN_PREFIXES = tuple(r for _, _, rows in DOMAIN_BOOTS for r, _ in rows)

RATIOS = [
    ("null_hcall_ratio_syscall_over_page", "null_hcall_syscall", "null_hcall_page"),
    ("enosys_hcall_ratio_syscall_over_page", "enosys_hcall_syscall", "enosys_hcall_page"),
    ("mmu_update_ratio_single_over_batched", "mmu_update_single", "mmu_update_batched"),
]


def number(text):
    """A BENCH value as JSON wants it: an integer when it is one."""
    v = float(text)
    return int(v) if v.is_integer() else v


def run_stamped(argv, timeout, echo=False, stop=None):
    """Run argv, stamping each output line with seconds since the start.

    With stop (a compiled regex), the run ends, its process group killed,
    at the first line that matches; the status is then 0.
    Returns (exit status or None on our own timeout, [(t, line)]).
    """
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    lines, partial = [], b""
    deadline = t0 + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            os.killpg(proc.pid, signal.SIGKILL)   # our child's own group
            proc.wait()
            return None, lines
        if not sel.select(min(left, 1.0)):
            continue
        chunk = os.read(proc.stdout.fileno(), 65536)
        now = time.monotonic() - t0
        if not chunk:
            break
        partial += chunk
        *done, partial = partial.split(b"\n")
        for raw in done:
            line = raw.decode("utf-8", "replace").rstrip("\r")
            lines.append((now, line))
            if echo:
                print(line, flush=True)
            if stop is not None and stop.search(line):
                os.killpg(proc.pid, signal.SIGKILL)   # our child's own group
                proc.wait()
                sel.close()
                proc.stdout.close()
                return 0, lines
    if partial:
        lines.append((time.monotonic() - t0, partial.decode("utf-8", "replace")))
    sel.close()
    proc.stdout.close()
    return proc.wait(), lines


def parse_boot(lines):
    """Figures of one bench boot: {metric: (value, unit)} and skips."""
    rows, skips = {}, {}
    t_start = t_first = mhz = None
    for t, line in lines:
        # "Starting domains" since the boot of several domains ("Starting
        # dom0" before): printed just before the jump to the first guest.
        if t_start is None and line.startswith("(XEN) Starting dom"):
            t_start = t
        if t_first is None and line.startswith("(d0) "):
            t_first = t
        m = TSC_MHZ_RE.search(line) if line.startswith("(XEN)") else None
        if m and mhz is None:
            mhz = float(m.group(1))
        m = BENCH_RE.match(line)
        if m:
            rows[m.group(1)] = (float(m.group(2)), m.group(3))
        m = SKIP_RE.match(line)
        if m:
            skips[m.group(1)] = m.group(2)
    if mhz:
        rows["tsc_mhz"] = (mhz, "MHz")
        for metric, (value, unit) in list(rows.items()):
            if unit == "cycles" and metric.startswith(DOMAIN_PREFIXES):
                rows[metric + "_ns"] = (value * 1000 / mhz, "ns")
    if t_start is not None:
        rows["boot_qemu_to_starting_dom0"] = (t_start * 1000, "ms")
    if t_first is not None:
        rows["boot_qemu_to_dom0_first_line"] = (t_first * 1000, "ms")
    tsc = rows.pop("guest_tsc_at_bench_start", None)
    if tsc and mhz:
        rows["boot_vm_start_to_bench_role"] = (tsc[0] / mhz / 1000, "ms")
    return rows, skips


def boot_once(xenia_args, timeout, guest_args=(GUEST, "xenbench")):
    argv = [XENIA, "boot", *xenia_args, "--timeout", str(timeout), *guest_args]
    rc, lines = run_stamped(argv, timeout + 15)
    if rc != 0:
        last = next((l for _, l in reversed(lines) if l.strip()), "no output")
        why = "killed after %d s" % (timeout + 15) if rc is None else \
              "xenia boot exit %d: %s" % (rc, last.strip())
        serial = [l for _, l in lines if l.startswith(("(XEN)", "(d0)"))]
        if serial:
            why += "; last serial line: %s" % serial[-1].strip()
        return None, why
    rows, skips = parse_boot(lines)
    if not any(k.endswith(".median") for k in rows):
        return None, "no BENCH lines"
    return (rows, skips), None


def qemu_cpu(xenia_args):
    """The -cpu model xenia boot would use, from its --dry-run."""
    out = subprocess.run([XENIA, "boot", *xenia_args, "--dry-run", GUEST],
                         capture_output=True, text=True, timeout=10).stdout
    m = re.search(r"-cpu (\S+)", out)
    return m.group(1).strip("'") if m else "?"


def bench_accel(name, xenia_args, timeout, boot=None, boots=BOOTS):
    """`boots` bench boots (boot() or Xenia with xenia_args); returns
    (rows {metric: (median, unit)}, skips, error)."""
    runs = []
    while len(runs) < boots:
        res, why = boot() if boot else boot_once(xenia_args, timeout)
        if res is None:
            print("%s: bench boot failed: %s" % (name, why), flush=True)
            if not runs:
                return None, None, why
            break
        runs.append(res)
    merged = {}
    for metric in runs[0][0]:
        vals = [r[0][metric][0] for r in runs if metric in r[0]]
        merged[metric] = (statistics.median(vals), runs[0][0][metric][1])
    merged["boots"] = (len(runs), "count")
    return merged, runs[0][1], None


def bench_domains(name, xenia_args, timeout):
    """The rows between domains under one accelerator: (rows, notes)."""
    rows, notes = {}, []
    for what, guest_args, table in DOMAIN_BOOTS:
        got, _, why = bench_accel("%s %s" % (name, what), None, None, boot=lambda g=guest_args:
                                  boot_once(xenia_args, timeout, g))
        if got is None:
            notes.append("%s rows: failed (%s)" % (what, why))
            continue
        for metric, value in got.items():
            if metric.startswith(DOMAIN_PREFIXES):
                rows[metric] = value
        rows[what + "_boots"] = got["boots"]
    return rows, notes


def kvm_probe():
    """None when a bench boot under KVM completes, else the reason."""
    if not os.path.exists("/dev/kvm"):
        return "no /dev/kvm"
    try:
        os.close(os.open("/dev/kvm", os.O_RDWR))
    except OSError as e:
        return "/dev/kvm: %s" % e.strerror
    res, why = boot_once(KVM_PROBE_HV_ARGS, KVM_TIMEOUT)
    if res is None and os.path.isdir("/sys/module/kvm_pvm"):
        why += "; host KVM is kvm_pvm"
    return why


def xen_boot_once(extra=""):
    """One bench boot of pvguest on Xen 4.17: ((rows, skips), None) or (None, why)."""
    qemu = os.environ.get("XENIA_QEMU", "qemu-system-x86_64")
    argv = [qemu, "-accel", "tcg", "-cpu", XEN_CPU, "-m", "512", "-smp", "1",
            "-display", "none", "-monitor", "none", "-parallel", "none",
            "-no-reboot", "-serial", "stdio", "-kernel", XEN,
            "-append", (XEN_ARGS + " " + extra).strip(), "-initrd", GUEST + " xenbench"]
    rc, lines = run_stamped(argv, XEN_TIMEOUT, stop=XEN_END_RE)
    serial = [l for _, l in lines if l.strip()]
    if rc is None:
        return None, "no end of the bench role within %d s; last line: %s" % (
            XEN_TIMEOUT, serial[-1].strip() if serial else "none")
    if not any("pvguest: bench finished" in l for l in serial):
        return None, "QEMU exit %d; last line: %s" % (
            rc, serial[-1].strip() if serial else "none")
    rows, skips = parse_boot(lines)
    # Only the guest's own figures compare: the boot paths differ.
    for key in [k for k in rows if k.startswith("boot_")]:
        del rows[key]
    if not any(k.endswith(".median") for k in rows):
        return None, "no BENCH lines"
    return (rows, skips), None


def xen_probe():
    """None when Xen 4.17 and QEMU are there (fetching Xen if needed), else why."""
    qemu = os.environ.get("XENIA_QEMU", "qemu-system-x86_64")
    if not shutil.which(qemu):
        return "%s not found" % qemu
    if os.path.exists(XEN) and os.path.getsize(XEN) > 0:
        return None
    print("Xen 4.17: fetching with %s" % GET_XEN, flush=True)
    try:
        res = subprocess.run(["sh", GET_XEN, BUILD], capture_output=True, text=True,
                             timeout=GET_XEN_TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return "get-xen.sh took more than %d s" % GET_XEN_TIMEOUT
    if res.returncode != 0 or not os.path.exists(XEN):
        last = [l for l in res.stderr.splitlines() if l.strip()]
        return "get-xen.sh exit %d: %s" % (res.returncode,
                                           last[-1].strip() if last else "no output")
    return None


def print_xen_table(xenia, xenia_skips, xenia_cpu, xens):
    """xens: [(title, rows, skips)], one per Xen configuration."""
    print("\nXenia vs Xen 4.17, both QEMU TCG (Xenia -cpu %s, Xen -cpu %s), "
          "medians of %d and %s boots; ratio = Xenia / Xen" % (
              xenia_cpu, XEN_CPU, xenia["boots"][0],
              "/".join(str(x[1]["boots"][0]) for x in xens)))
    head = "  %-46s %9s" % ("guest, cycles per operation", "Xenia")
    for title, _, _ in xens:
        head += " %11s %6s" % (title, "ratio")
    print(head)
    for key, label in GUEST_ROWS:
        a = xenia.get(key + ".median")
        if a is None:
            print("  %-46s not compared: %s" % (label, xenia_skips.get(key, "no figure")))
            continue
        line = "  %-46s %9s" % (label, fmt(a[0]))
        for _, rows, skips in xens:
            b = rows.get(key + ".median")
            if b is None or not b[0]:
                line += " %11s %6s" % ("skip" if key in skips else "-", "")
            else:
                line += " %11s %6s" % (fmt(b[0]), "%.2f" % (a[0] / b[0]))
        print(line)


def xen_json_rows(prefix, xenia, xen):
    out = [dict(r, metric=prefix + "." + r["metric"]) for r in json_rows("tcg", xen)]
    for key, _ in GUEST_ROWS:
        a, b = xenia.get(key + ".median"), xen.get(key + ".median")
        if a and b and b[0]:
            out.append({"metric": "xenia_over_%s.%s.median" % (prefix, key),
                        "value": round(a[0] / b[0], 3), "unit": "ratio",
                        "accel": "tcg"})
    return out


def machine():
    model = "?"
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return model, os.cpu_count()


def fmt(v):
    return "%.0f" % v if v >= 100 or v == int(v) else "%.2f" % v


def print_table(accel, cpu, rows, skips):
    print("\n%s (QEMU -cpu %s), median of %d boots" % (accel.upper(), cpu, rows["boots"][0]))
    print("  %-46s %9s %9s %9s" % ("guest, cycles per operation", "min", "median", "p90"))
    for key, label in GUEST_ROWS:
        if key in skips:
            print("  %-46s skipped: %s" % (label, skips[key]))
            continue
        if key + ".median" not in rows:
            continue
        print("  %-46s %9s %9s %9s  cycles" % (
            label, fmt(rows[key + ".min"][0]), fmt(rows[key + ".median"][0]),
            fmt(rows[key + ".p90"][0])))
    for key, num, den in RATIOS:
        if key in rows:
            print("  %-46s %9s %9s %9s  ratio of medians" % (
                "%s / %s" % (num, den), "", "%.2f" % rows[key][0], ""))
    if "tsc_overhead_per_batch" in rows:
        print("  %-46s %9s %9s %9s  cycles" % (
            "TSC read pair per batch (subtracted)", "",
            fmt(rows["tsc_overhead_per_batch"][0]), ""))
    if any(k.startswith(DOMAIN_PREFIXES) for k in rows):
        print("  %-46s %9s %9s %9s" % ("between domains, one pCPU", "min", "median", "p90"))
    for _, _, table in DOMAIN_BOOTS:
        for key, label in table:
            if key + ".median" not in rows:
                continue
            print("  %-46s %9s %9s %9s  cycles" % (
                label, *(fmt(rows["%s.%s" % (key, s)][0]) for s in ("min", "median", "p90"))))
            if key + ".median_ns" in rows:
                print("  %-46s %9s %9s %9s  us" % (
                    "", *("%.1f" % (rows["%s.%s_ns" % (key, s)][0] / 1000)
                          for s in ("min", "median", "p90"))))
            if key + ".waits_per_1000" in rows:
                print("  %-46s %9s %9s %9s  per round trip" % (
                    "  client yields/polls", "", "%.2f" % (
                        rows[key + ".waits_per_1000"][0] / 1000), ""))
    if any(k.startswith("boot_") for k in rows):
        print("  %-46s %9s %9s" % ("boot", "", "median"))
    for key, label in [("boot_qemu_to_starting_dom0", "QEMU start -> (XEN) Starting domains"),
                       ("boot_qemu_to_dom0_first_line", "QEMU start -> first dom0 console line"),
                       ("boot_vm_start_to_bench_role", "VM start -> bench role (guest TSC)")]:
        if key in rows:
            print("  %-46s %9s %9s %9s  ms" % (label, "", "%.1f" % rows[key][0], ""))


def add_ratios(rows):
    for key, num, den in RATIOS:
        n, d = rows.get(num + ".median"), rows.get(den + ".median")
        if n and d and d[0]:
            rows[key] = (n[0] / d[0], "ratio")


def run_step(step, accels):
    """Run one BENCH_STEPS command; returns (rows, ok)."""
    print("\n=== bench step: %s" % step, flush=True)
    env = dict(os.environ, XENIA_BENCH_ACCELS=" ".join(accels))
    proc = subprocess.Popen(["sh", "-c", step], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    killed = []

    def kill():
        killed.append(True)
        os.killpg(proc.pid, signal.SIGKILL)     # the step's own group

    timer = threading.Timer(STEP_TIMEOUT, kill)
    timer.start()
    rows = []
    try:
        for line in proc.stdout:
            print(line, end="", flush=True)
            m = BENCH_RE.match(line.rstrip("\n"))
            if m:
                rows.append({"metric": m.group(1), "value": number(m.group(2)),
                             "unit": m.group(3), "accel": m.group(4) or "host"})
        rc = proc.wait()
    finally:
        timer.cancel()
    if killed:
        print("=== bench step %s: killed after %d s" % (step, STEP_TIMEOUT))
        return rows, False
    if rc:
        print("=== bench step %s: exit %d" % (step, rc))
    return rows, rc == 0


def json_rows(accel, rows):
    out = []
    for metric, (value, unit) in rows.items():
        if unit == "count":
            continue
        value = round(value, 3) if unit in ("ratio", "ms", "MHz") else round(value)
        out.append({"metric": metric, "value": value, "unit": unit, "accel": accel})
    return out


def main(steps):
    # "KVM" rows must come from KVM: xenia boot would quietly fall back to
    # TCG where /dev/kvm is PVM, so insist (TCG rows pass --tcg anyway).
    os.environ["XENIA_KVM"] = "1"
    for f in (XENIA, GUEST):
        if not os.access(f, os.R_OK):
            sys.exit("bench: %s missing (run make all)" % f)
    model, ncpu = machine()
    print("Machine: %s, %s cores" % (model, ncpu))
    print("Guest: pvguest bench role, 10,000 batches of 10 operations per row, TSC cycles")
    ok, results, accels, domain_notes = True, [], [], []

    tcg, tcg_skips, why = bench_accel("tcg", ["--tcg"], BOOT_TIMEOUT)
    if tcg is None:
        print("TCG: bench failed (%s)" % why)
        ok = False
    else:
        add_ratios(tcg)
        accels.append("tcg")
        results.append(("tcg", qemu_cpu(["--tcg"]), tcg, tcg_skips))
        rows, notes = bench_domains("tcg", ["--tcg"], BOOT_TIMEOUT)
        tcg.update(rows)
        domain_notes = ["TCG " + n for n in notes]
        ok = ok and not notes

    why = kvm_probe()
    if why is None:
        kvm, kvm_skips, why = bench_accel("kvm", [], KVM_TIMEOUT)
    kvm_note = None
    if why is not None:
        kvm_note = "KVM: unavailable (%s)" % why
    else:
        add_ratios(kvm)
        accels.append("kvm")
        results.append(("kvm", qemu_cpu([]), kvm, kvm_skips))
        rows, notes = bench_domains("kvm", [], KVM_TIMEOUT)
        kvm.update(rows)
        domain_notes += ["KVM " + n for n in notes]

    # Xen 4.17 on the same machine in the same run, after the Xenia boots
    # (one QEMU at a time).
    xens, xen_notes = [], []
    why = xen_probe() if tcg is not None else None
    if why is not None:
        xen_notes.append("Xen 4.17: unavailable (%s)" % why)
    for prefix, extra, title in XEN_CONFIGS if tcg is not None and why is None else []:
        print("Xen 4.17 (%s): %d bench boots" % (extra or "defaults", XEN_BOOTS),
              flush=True)
        xen, xen_skips, xwhy = bench_accel(prefix, None, None, boots=XEN_BOOTS,
                                           boot=lambda e=extra: xen_boot_once(e))
        if xwhy is not None:
            xen_notes.append("Xen 4.17 (%s): unavailable (%s)" % (extra or "defaults", xwhy))
            continue
        add_ratios(xen)
        xens.append((prefix, extra, title, xen, xen_skips))

    for accel, cpu, rows, skips in results:
        print_table(accel, cpu, rows, skips)
    for note in domain_notes:
        print("\n" + note)
    if kvm_note:
        print("\n" + kvm_note)
    if len(results) == 2:
        t, k = results[0][2], results[1][2]
        print("\nKVM / TCG (medians): null hypercall page %.2f, syscall %.2f" % (
            k["null_hcall_page.median"][0] / t["null_hcall_page.median"][0],
            k["null_hcall_syscall.median"][0] / t["null_hcall_syscall.median"][0]))
    for prefix, extra, title, xen, xen_skips in xens:
        print_table("xen 4.17 %s, tcg" % (extra or "defaults"), XEN_CPU, xen, xen_skips)
    if xens:
        print_xen_table(tcg, tcg_skips, results[0][1],
                        [(x[2], x[3], x[4]) for x in xens])
    for note in xen_notes:
        print("\n" + note)
    sys.stdout.flush()

    out = []
    for accel, _, rows, _ in results:
        out += json_rows(accel, rows)
    for prefix, _, _, xen, _ in xens:
        out += xen_json_rows(prefix, tcg, xen)
    for step in steps:
        rows, step_ok = run_step(step, accels)
        out += rows
        ok = ok and step_ok

    tmp = JSON_OUT + ".tmp"
    with open(tmp, "w") as f:
        f.write("[\n" + ",\n".join(" " + json.dumps(r) for r in out) + "\n]\n")
    os.replace(tmp, JSON_OUT)
    print("\nwrote %s (%d rows)" % (JSON_OUT, len(out)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
