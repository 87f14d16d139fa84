#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turns the consoles of the lock-statistics boots of 'make bench' into
the report of BENCHMARKS.md's "Lock statistics on 2 vCPUs".

    lockstat-report.py --run DIR [--json OUT] [--markdown OUT]

DIR holds one directory per boot (boot-1, boot-2, ...), each with the
console.log of qemu/run. Every "pc-bench NAME VALUE UNIT" line belongs to
the grouping of the "pc-bench-info fs=..." line before it (container or
cgroup1). For each figure the report gives the median over the boots and
the range. Exits 1 if a boot is missing, failed or incomplete.
"""

import argparse
import json
import re
import statistics
import sys
from pathlib import Path

LINE = re.compile(r"^pc-bench (\S+) (-?[0-9.]+) (\S+)$")
INFO = re.compile(r"^pc-bench-info fs=(\S+) scale=(\S+)$")
DONE = re.compile(r"^pc-bench-done (\d+)$")
NOTE = re.compile(r"^pc-bench-note (.*)$")
MOVES = re.compile(r"^reader(\d+): (\d+) moves ")

GROUPINGS = [("container", "containers"), ("cgroup1", "cgroup v1")]
# Our lock classes, for the targets of the issue: none taken by fork and
# exit in the root, none held 2 ms while a reader loops on the root.
# POPULATION is taken when a container gains its first task or loses its
# last one (events): in the reader windows, on every move of the helper.
OURS = ("container_members", "TREE", "POPULATION")
HOLD_TARGET_US = 2000.0


def parse_console(path):
    """{grouping: {name: value}}, {name: unit}, notes of one boot."""
    runs, units, notes, current, rows = {}, {}, [], None, 0
    for line in path.read_text(errors="replace").splitlines():
        line = line.strip()
        if line.startswith("pc-bench-error:"):
            raise ValueError(f"{path}: {line}")
        m = INFO.match(line)
        if m:
            current, rows = m.group(1), 0
            runs[current] = {}
            continue
        m = NOTE.match(line)
        if m and current:
            text = m.group(1)
            moves = MOVES.match(text)
            if moves:
                # Not a figure of lock_bench, but worth a row.
                runs[current][f"moves.reader{moves.group(1)}"] = float(moves.group(2))
                units[f"moves.reader{moves.group(1)}"] = "count"
            elif not text.startswith("lock_bench fs="):
                notes.append(f"{current}: {text}")
            continue
        m = LINE.match(line)
        if m and current:
            runs[current][m.group(1)] = float(m.group(2))
            units[m.group(1)] = m.group(3)
            rows += 1
            continue
        m = DONE.match(line)
        if m and current:
            if int(m.group(1)) != rows:
                raise ValueError(f"{path}: {rows} figures, {m.group(1)} announced")
            runs[current]["__done__"] = 1
    for grouping, figures in runs.items():
        if not figures.pop("__done__", None):
            raise ValueError(f"{path}: the {grouping} run did not finish")
    for grouping, _ in GROUPINGS:
        if grouping not in runs:
            raise ValueError(f"{path}: no {grouping} figures")
    return runs, units, notes


def collect(run_dir):
    samples = {g: {} for g, _ in GROUPINGS}
    units, notes, boots = {}, [], 0
    for boot in sorted(p for p in run_dir.iterdir() if p.is_dir()):
        runs, u, n = parse_console(boot / "console.log")
        units.update(u)
        notes += [f"{boot.name}: {x}" for x in n]
        boots += 1
        for grouping, figures in runs.items():
            for name, value in figures.items():
                samples.setdefault(grouping, {}).setdefault(name, []).append(value)
    if not boots:
        raise ValueError(f"{run_dir}: no boot")
    return samples, units, notes, boots


def med(samples, grouping, name):
    values = samples.get(grouping, {}).get(name)
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values),
            "max": max(values), "n": len(values)}


def fmt(fig, digits=2):
    if fig is None:
        return "—"
    text = f"{fig['median']:.{digits}f}"
    if fig["n"] > 1 and fig["max"] != fig["min"]:
        text += f" ({fig['min']:.{digits}f}–{fig['max']:.{digits}f})"
    return text


def classes_of(samples, grouping, prefix):
    seen = []
    for name in samples.get(grouping, {}):
        if name.startswith(prefix):
            cls = name[len(prefix):]
            if cls not in seen:
                seen.append(cls)
    return seen


def readers_of(samples, grouping):
    out = set()
    for name in samples.get(grouping, {}):
        m = re.match(r"^reads\.reader(\d+)$", name)
        if m:
            out.add(int(m.group(1)))
    return sorted(out)


def report(samples, notes, boots):
    lines = [f"Lock statistics, kernel-lockstat with 2 vCPUs, {boots} boot(s); "
             "medians, and the range over the boots in parentheses.", ""]
    targets = []

    lines += ["**Acquisitions per fork+exit+wait** (one process, 2,000 forks):", "",
              "| grouping | lock class | in the root | in one group |",
              "| --- | --- | --- | --- |"]
    for grouping, label in GROUPINGS:
        for cls in classes_of(samples, grouping, "acq_per_fork.root."):
            root = med(samples, grouping, f"acq_per_fork.root.{cls}")
            group = med(samples, grouping, f"acq_per_fork.group.{cls}")
            lines.append(f"| {label} | `{cls}` | {fmt(root, 3)} | {fmt(group, 3)} |")
            if grouping == "container" and cls in OURS and root is not None:
                targets.append((f"`{cls}` per fork+exit in the root: 0",
                                root["max"] == 0, fmt(root, 3)))
    lines.append("")

    lines += ["**Contentions while two processes fork+exit+wait at once**, one per "
              "vCPU, 5 s:", "",
              "| grouping | lock class | both in the root | both in one group |",
              "| --- | --- | --- | --- |"]
    for grouping, label in GROUPINGS:
        forks = {p: med(samples, grouping, f"forks.{p}") for p in ("root", "group")}
        lines.append(f"| {label} | forks done | {fmt(forks['root'], 0)} | "
                     f"{fmt(forks['group'], 0)} |")
        for cls in classes_of(samples, grouping, "contention.root."):
            cells = []
            for p in ("root", "group"):
                c = med(samples, grouping, f"contention.{p}.{cls}")
                k = med(samples, grouping, f"contention_per_1k_forks.{p}.{cls}")
                cells.append(f"{fmt(c, 0)}; {fmt(k, 2)} per 1,000 forks")
            lines.append(f"| {label} | `{cls}` | {cells[0]} | {cells[1]} |")
    lines.append("")

    lines += ["**Longest hold (µs) while a reader loops on the root's tasks**, with "
              "fork+exit and moves beside it, 3 s:", ""]
    for grouping, label in GROUPINGS:
        readers = readers_of(samples, grouping)
        if not readers:
            continue
        lines += [f"| {label}: lock class | " +
                  " | ".join(f"{n:,} threads" for n in readers) + " |",
                  "| --- |" + " --- |" * len(readers)]
        for what, name in (("complete reads", "reads.reader{}"), ("forks", "forks.reader{}"),
                           ("moves of the helper", "moves.reader{}")):
            lines.append(f"| {what} | " + " | ".join(
                fmt(med(samples, grouping, name.format(n)), 0) for n in readers) + " |")
        for cls in classes_of(samples, grouping, f"hold_max.reader{readers[0]}."):
            figs = [med(samples, grouping, f"hold_max.reader{n}.{cls}") for n in readers]
            lines.append(f"| `{cls}` | " + " | ".join(fmt(f, 1) for f in figs) + " |")
            if grouping == "container" and cls in OURS:
                worst = max((f["max"] for f in figs if f), default=0)
                targets.append((f"`{cls}` held < 2 ms with the reader, at "
                                + " and ".join(f"{n:,}" for n in readers) + " threads",
                                worst < HOLD_TARGET_US, f"{worst:.1f} µs at most"))
        lines.append("")

    if targets:
        lines += ["| target | met | figure |", "| --- | --- | --- |"]
        lines += [f"| {t} | {'yes' if ok else 'NO'} | {fig} |" for t, ok, fig in targets]
        lines.append("")
    if notes:
        lines += ["Notes of the guest:", ""] + [f"- {n}" for n in notes] + [""]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--run", required=True, type=Path)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--markdown", type=Path)
    args = ap.parse_args()
    try:
        samples, units, notes, boots = collect(args.run)
    except (OSError, ValueError) as e:
        print(f"lockstat-report: {e}", file=sys.stderr)
        return 1
    text = report(samples, notes, boots)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n")
    if args.json:
        args.json.write_text(json.dumps({"boots": boots, "units": units,
                                         "samples": samples, "notes": notes},
                                        indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
