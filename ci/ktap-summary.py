#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise one or more guest test boots.

    ktap-summary.py NAME=DIR [NAME=DIR ...] [--host NAME=FILE ...]

Each DIR holds console.log (user space's serial console, with the
kselftest KTAP output between the pc-tests-begin/end markers),
kconsole.log (the kernel's console, if it had its own port) and
kernel.log (the guest's whole kernel log, read for KUnit results). All
are scanned for kernel splats; any splat, and any "pc-error:" line of the
guest's /init, is a failure. Prints a table per suite and, as the last
line, "N passed, N failed, N skipped". Exits 1 if anything failed.

--host NAME=FILE adds a check that ran on the host (make series-check):
FILE is its TAP output, one suite, which must end with its own
"N passed, N failed" line and may not fail.
"""

import re
import sys
from pathlib import Path

TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\] ")
RESULT = re.compile(r"^(ok|not ok) (\d+)\s*(.*?)\s*(?:#\s*(SKIP|XFAIL|TODO|TIMEOUT)\b.*)?$", re.I)

# Headlines of kernel reports. Each is a failure wherever it appears.
SPLATS = [
    r"BUG: ", r"WARNING: ", r"Oops", r"Kernel panic", r"kernel BUG at",
    r"general protection fault", r"Unable to handle kernel",
    r"KASAN: ", r"UBSAN: ", r"KFENCE: ",
    r"possible circular locking dependency", r"possible recursive locking",
    r"inconsistent lock state", r"suspicious RCU usage",
    r"INFO: lockdep is turned off", r"lockdep: ",
    r"\d+ new suspected memory leaks", r"list_(add|del) corruption",
    r"detected stalls? on CPU", r"self-detected stall", r"blocked for more than \d+ seconds",
    r"refcount_t: ", r"rcu: INFO: ",
]
SPLAT = re.compile("|".join(SPLATS))


class Suite:
    def __init__(self, name):
        self.name = name
        self.passed = self.failed = self.skipped = 0
        self.notes = []

    def add(self, result, directive):
        directive = (directive or "").upper()
        # A known failure (TODO) is neither a pass nor a new failure.
        if directive in ("SKIP", "TODO"):
            self.skipped += 1
        elif result == "not ok":
            self.failed += 1
        else:
            self.passed += 1


def kernel_lines(path):
    """Timestamped lines (kernel messages), with the stamp kept."""
    if not path.exists():
        return []
    return [l for l in path.read_text(errors="replace").splitlines() if TIMESTAMP.match(l)]


def parse_kselftest(boot, console):
    """The kselftest runner's KTAP: one suite per test program."""
    suites, errors = [], []
    if "pc-tests-begin" not in console:
        errors.append(f"{boot}: the guest never started the kselftests")
        return suites, errors
    body = console.split("pc-tests-begin", 1)[1]
    finished = "pc-tests-end" in body
    body = body.split("pc-tests-end", 1)[0]
    plan, seen, cur = None, 0, None
    for line in body.splitlines():
        if TIMESTAMP.match(line):
            continue
        m = re.match(r"^1\.\.(\d+)", line)
        if m and plan is None:
            plan = int(m.group(1))
            continue
        m = re.match(r"^# selftests: (\S+): (\S+)", line)
        if m:
            cur = Suite(f"kselftest {m.group(1)}:{m.group(2)}")
            continue
        if line.startswith("# ") and cur is not None:
            m = RESULT.match(line[2:])
            if m:
                cur.add(m.group(1), m.group(4))
            elif line.startswith("# Bail out!"):
                cur.notes.append(line[2:])
            continue
        m = RESULT.match(line)
        if m and "selftests: " in m.group(3):
            seen += 1
            name = re.sub(r"^selftests: (\S+): (\S+).*", r"kselftest \1:\2", m.group(3))
            if cur is None or cur.name != name:
                cur = Suite(name)
            directive = (m.group(4) or "").upper()
            total = cur.passed + cur.failed + cur.skipped
            if m.group(1) == "not ok" and cur.failed == 0:
                cur.failed += 1  # crashed, timed out, or exited non-zero
                cur.notes.append(line)
            elif total == 0 and directive == "SKIP":
                cur.skipped += 1
            elif total == 0:
                cur.add(m.group(1), directive)
            suites.append(cur)
            cur = None
    if not finished:
        errors.append(f"{boot}: the kselftests did not finish (see console.log)")
    if plan is None:
        errors.append(f"{boot}: the kselftest runner printed no plan")
    elif seen < plan:
        errors.append(f"{boot}: {plan - seen} of {plan} kselftest programs reported no result")
    return suites, errors


def parse_kunit(boot, klines):
    """KUnit KTAP from the kernel log: suites at depth 0, cases at depth 1."""
    suites, errors = {}, []
    plan, ended, cur = None, 0, None
    for raw in klines:
        line = TIMESTAMP.sub("", raw)
        m = re.match(r"^1\.\.(\d+)$", line)
        if m and plan is None:
            plan = int(m.group(1))
            continue
        m = re.match(r"^    # Subtest: (\S+)", line)
        if m:
            cur = suites.setdefault(m.group(1), Suite(f"kunit {m.group(1)}"))
            continue
        if line.startswith("    ") and not line.startswith("     ") and cur is not None:
            m = RESULT.match(line[4:])
            if m:
                cur.add(m.group(1), m.group(4))
            continue
        m = RESULT.match(line)
        if m and plan is not None:
            ended += 1
            s = suites.setdefault(m.group(3), Suite(f"kunit {m.group(3)}"))
            if s.passed + s.failed + s.skipped == 0:
                s.add(m.group(1), m.group(4))
            elif m.group(1) == "not ok" and s.failed == 0:
                s.failed += 1
                s.notes.append(line)
            cur = None
    if plan is None:
        errors.append(f"{boot}: no KUnit results in the kernel log")
    elif ended < plan:
        errors.append(f"{boot}: {plan - ended} of {plan} KUnit suites reported no result")
    return list(suites.values()), errors


def parse_host_tap(name, text):
    """A host-side check's TAP: top-level results make one suite."""
    suite, errors = Suite(f"host {name}"), []
    for line in text.splitlines():
        m = RESULT.match(line)
        if m:
            suite.add(m.group(1), m.group(4))
            if m.group(1) == "not ok":
                suite.notes.append(line)
    if not re.search(r"^\d+ passed, \d+ failed", text, re.M):
        errors.append(f"host {name}: the check did not finish")
    if suite.passed + suite.failed + suite.skipped == 0:
        errors.append(f"host {name}: no results")
    return [suite], errors


def main(args):
    all_suites, errors, splats = [], [], {}
    host = []
    while "--host" in args:
        i = args.index("--host")
        host.append(args[i + 1])
        args = args[:i] + args[i + 2:]
    for arg in host:
        name, _, f = arg.partition("=")
        text = Path(f).read_text(errors="replace") if Path(f).exists() else ""
        s, e = parse_host_tap(name, text)
        all_suites += [("host", x) for x in s]
        errors += e
    for arg in args:
        boot, _, d = arg.partition("=")
        d = Path(d)
        console_path, kernel_path = d / "console.log", d / "kernel.log"
        console = console_path.read_text(errors="replace") if console_path.exists() else ""
        # The guest's /init reports its own failures this way.
        errors += [f"{boot}: {l[len('pc-error: '):]}" for l in console.splitlines()
                   if l.startswith("pc-error: ")]
        s, e = parse_kselftest(boot, console)
        all_suites += [(boot, x) for x in s]
        errors += e
        klines = kernel_lines(kernel_path)
        s, e = parse_kunit(boot, klines)
        all_suites += [(boot, x) for x in s]
        errors += e
        for path in (console_path, d / "kconsole.log", kernel_path):
            for line in kernel_lines(path):
                if SPLAT.search(line):
                    splats.setdefault(boot, {}).setdefault(line, path.name)

    passed = sum(s.passed for _, s in all_suites)
    failed = sum(s.failed for _, s in all_suites)
    skipped = sum(s.skipped for _, s in all_suites)

    # One table per boot, a row per suite, then the boot's totals.
    boots = list(dict.fromkeys([b for b, _ in all_suites] + list(splats)))
    for boot in boots:
        suites = [s for b, s in all_suites if b == boot]
        print()
        print(f"kernel-{boot}")
        print(f"  {'suite':<58} {'pass':>5} {'fail':>5} {'skip':>5}")
        for s in suites:
            mark = "  <-- FAILED" if s.failed else ""
            print(f"  {s.name:<58} {s.passed:>5} {s.failed:>5} {s.skipped:>5}{mark}")
            for n in s.notes:
                print(f"      {n}")
        lines = splats.get(boot, {})
        if lines:
            print(f"  {'kernel splats in the console':<58} {0:>5} {len(lines):>5} {0:>5}  <-- FAILED")
            for line, where in lines.items():
                print(f"      {where}: {line}")
            failed += len(lines)
        print(f"  {'total':<58} {sum(s.passed for s in suites):>5} "
              f"{sum(s.failed for s in suites) + len(lines):>5} {sum(s.skipped for s in suites):>5}")
    for e in errors:
        print(f"error: {e}")
    failed += len(errors)
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
