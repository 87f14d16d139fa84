#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turns the consoles of a 'make bench' run into the benchmark report.

    bench-report.py --run DIR [--scale full|tiny] [--previous JSON]
                    [--json OUT] [--markdown OUT]

DIR holds one directory per boot, KERNEL-ROUND (off-1, on-1, cgroups-1,
...), each with the console.log of qemu/run. Every "pc-bench KEY VALUE
UNIT" line there belongs to the grouping of the "pc-bench-info fs=..."
line before it. The report gives, for each figure, the median over the
boots and its spread ((max - min) / median), the ratios that answer the
project's questions, and whether each target of BENCHMARKS.md was met.
--previous compares the medians with an earlier run's JSON. Exits 1 if a
boot is missing or incomplete.
"""

import argparse
import json
import re
import statistics
import sys
from pathlib import Path

# Report columns: (name, kernel, grouping driven in the guest).
COLUMNS = [
    ("baseline", "off", "none"),
    ("containers", "on", "container"),
    ("cgroup v1", "cgroups", "cgroup1"),
    ("cgroup v2", "cgroups", "cgroup2"),
]

# Rows: (key, what it is). {n} are the counts of the full scale.
ROWS = [
    ("fork_exit.root", "fork+exit+wait, task in the root group"),
    ("fork_exit.deep3", "fork+exit+wait, 3 levels deep"),
    ("fork_exit.bystander", "fork+exit+wait, 3 levels deep, an idle process beside it"),
    ("fork_exit.watched", "fork+exit+wait, 3 levels deep, top level's events watched"),
    ("fork_exit.notify", "fork+exit+wait, notify_on_release group"),
    ("thread.root", "pthread create+join, root group"),
    ("thread.deep3", "pthread create+join, 3 levels deep"),
    ("thread.bystander", "pthread create+join, 3 levels deep, an idle process beside it"),
    ("thread.watched", "pthread create+join, 3 levels deep, top level's events watched"),
    ("thread.notify", "pthread create+join, notify_on_release group"),
    ("attach.move", "attach: move one task to the other group"),
    ("tasks_read.quiet10", "read tasks of 10 threads"),
    ("tasks_read.quiet1000", "read tasks of 1,000 threads"),
    ("tasks_read.quiet10000", "read tasks of 10,000 threads"),
    ("tasks_read.busy10", "read tasks of 10 threads, 10,000 elsewhere"),
    ("tasks_read.busy1000", "read tasks of 1,000 threads, 10,000 elsewhere"),
    ("tasks_read.busy10000", "read tasks of 10,000 threads, 10,000 elsewhere"),
    ("mkdir.siblings", "mkdir, one of 10,000 siblings"),
    ("rmdir.siblings", "rmdir, one of 10,000 siblings"),
    ("mkdir.chain200", "mkdir, one level of a 200-deep chain"),
    ("rmdir.chain200", "rmdir, one level of a 200-deep chain"),
    ("memory.slab", "slab growth per group (10,000 groups)"),
    ("memory.total", "memory growth per group (10,000 groups)"),
]

LINE = re.compile(r"^pc-bench (\S+) (-?\d+) (ns|bytes)$")
INFO = re.compile(r"^pc-bench-info fs=(\S+) scale=(\S+)$")
DONE = re.compile(r"^pc-bench-done (\d+)$")


def parse_console(path):
    """{grouping: {key: value}} of one boot; complete runs only."""
    runs, current, units, rows = {}, None, {}, 0
    for line in path.read_text(errors="replace").splitlines():
        line = line.strip()
        if line.startswith("pc-bench-error:"):
            raise ValueError(f"{path}: {line}")
        m = INFO.match(line)
        if m:
            current, rows = m.group(1), 0
            runs[current] = {}
            continue
        m = LINE.match(line)
        if m and current:
            runs[current][m.group(1)] = int(m.group(2))
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
    return runs, units


def collect(run_dir):
    """{column: {key: [value per boot]}}, units, boots per kernel."""
    samples = {name: {} for name, _, _ in COLUMNS}
    units, boots = {}, {}
    # lockstat/ holds the boots of ci/lockstat-report.py.
    for boot in sorted(p for p in run_dir.iterdir() if p.is_dir() and p.name != "lockstat"):
        kernel = boot.name.rsplit("-", 1)[0]
        runs, u = parse_console(boot / "console.log")
        units.update(u)
        boots[kernel] = boots.get(kernel, 0) + 1
        for name, col_kernel, grouping in COLUMNS:
            if col_kernel != kernel:
                continue
            if grouping not in runs:
                raise ValueError(f"{boot}: no {grouping} figures")
            for key, value in runs[grouping].items():
                samples[name].setdefault(key, []).append(value)
    for kernel in {k for _, k, _ in COLUMNS}:
        if not boots.get(kernel):
            raise ValueError(f"{run_dir}: no boot of kernel-{kernel}")
    return samples, units, boots


def summarise(samples):
    """{column: {key: {median, min, max, n}}}."""
    out = {}
    for name, figures in samples.items():
        out[name] = {}
        for key, values in figures.items():
            out[name][key] = {
                "median": statistics.median(values),
                "min": min(values),
                "max": max(values),
                "n": len(values),
            }
    return out


def baseline_key(key):
    """The baseline has no groups: placements compare with its root."""
    workload = key.partition(".")[0]
    if workload in ("fork_exit", "thread"):
        return f"{workload}.root"
    return key


def median_of(summary, column, key):
    fig = summary.get(column, {}).get(key)
    return None if fig is None else fig["median"]


def cell(fig):
    if fig is None:
        return "–"
    med = fig["median"]
    spread = (fig["max"] - fig["min"]) / abs(med) * 100 if med else 0.0
    return f"{med:,.0f} ±{spread:.1f}%"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:.3f}"


def table(summary, units, keys):
    head = [
        "figure",
        "unit",
        *[name for name, _, _ in COLUMNS],
        "containers / baseline",
        "cgroup v1 / baseline",
        "containers / cgroup v1",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key, what in keys:
        figs = [summary[name].get(key) for name, _, _ in COLUMNS]
        figs[0] = summary["baseline"].get(baseline_key(key))
        if not any(figs):
            continue
        base = figs[0]["median"] if figs[0] else None
        cont = figs[1]["median"] if figs[1] else None
        cg1 = figs[2]["median"] if figs[2] else None
        lines.append(
            "| "
            + " | ".join(
                [
                    f"{what} (`{key}`)",
                    units.get(key, ""),
                    *[cell(f) for f in figs],
                    ratio(cont, base),
                    ratio(cg1, base),
                    ratio(cont, cg1),
                ]
            )
            + " |"
        )
    return lines


def spread(summary, col, key):
    """(max - min) / median of a figure, as a fraction."""
    fig = summary.get(col, {}).get(key)
    if not fig or not fig["median"]:
        return 0.0
    return (fig["max"] - fig["min"]) / abs(fig["median"])


def versus(ours, theirs, noise):
    """Status of "ours at or below theirs", where a difference smaller than
    the boots' spread (noise, a fraction of theirs) decides nothing."""
    if abs(ours - theirs) <= noise * abs(theirs):
        return "tie"
    return "met" if ours < theirs else "missed"


def targets(summary, previous):
    """[(status, text)] for the targets of BENCHMARKS.md; status is met,
    missed or tie (the difference is within the spread of the boots)."""
    res = []

    def m(col, key):
        return median_of(summary, col, key)

    def sp(*figs):
        return max(spread(summary, col, key) for col, key in figs)

    base_fork = m("baseline", "fork_exit.root")
    for case, limit in (("root", 1.0), ("deep3", 2.0), ("notify", 2.0)):
        key = f"fork_exit.{case}"
        cont, cg1 = m("containers", key), m("cgroup v1", key)
        if None in (cont, base_fork):
            continue
        over = (cont / base_fork - 1) * 100
        noise = sp(("containers", key), ("baseline", "fork_exit.root")) * 100
        res.append(("met" if over <= limit else "missed",
                    f"fork+exit overhead, {case}: {over:+.2f}% (spread {noise:.2f}%; target ≤ {limit:g}%)"))
        if cg1 is not None:
            cg_over = (cg1 / base_fork - 1) * 100
            noise = sp(("containers", key), ("cgroup v1", key))
            res.append((versus(cont, cg1, noise),
                        f"fork+exit overhead, {case}: containers {over:+.2f}% vs cgroup v1 {cg_over:+.2f}% "
                        f"(spread {noise * 100:.2f}%; target: lower)"))
    # A watcher of events costs nothing where populated does not change:
    # watched against the bystander, the same groups with the same extra
    # process idle instead of polling events, of the same boots. deep3 (no
    # extra process) shows what the process itself costs.
    watched, idle = m("containers", "fork_exit.watched"), m("containers", "fork_exit.bystander")
    deep3 = m("containers", "fork_exit.deep3")
    if None not in (watched, idle):
        noise = sp(("containers", "fork_exit.watched"), ("containers", "fork_exit.bystander"))
        text = (f"fork+exit, 3 levels deep, top level's events watched: {watched:,.0f} ns vs "
                f"{idle:,.0f} ns with an idle process instead ({(watched / idle - 1) * 100:+.2f}%")
        if deep3 is not None:
            text += f"; vs {deep3:,.0f} ns with neither, {(watched / deep3 - 1) * 100:+.2f}%"
        v2_watched, v2_idle = m("cgroup v2", "fork_exit.watched"), m("cgroup v2", "fork_exit.bystander")
        if None not in (v2_watched, v2_idle):
            text += f"; cgroup v2 watched vs idle {(v2_watched / v2_idle - 1) * 100:+.2f}%"
        res.append((versus(watched, idle, noise),
                    f"{text}; spread {noise * 100:.2f}%; target: at or below)"))
    key = "attach.move"
    cont, cg1 = m("containers", key), m("cgroup v1", key)
    if None not in (cont, cg1):
        res.append((versus(cont, cg1, sp(("containers", key), ("cgroup v1", key))),
                    f"attach: {cont:,.0f} ns vs cgroup v1 {cg1:,.0f} ns (target: at or below)"))
    q1k, q10k = m("containers", "tasks_read.quiet1000"), m("containers", "tasks_read.quiet10000")
    if None not in (q1k, q10k):
        r = q10k / q1k
        res.append(("met" if 8 <= r <= 12.5 else "missed",
                    f"tasks read, 10,000 / 1,000 threads: ×{r:.2f} (target: proportional, ×10)"))
    for n in (10, 1000, 10000):
        quiet, busy = m("containers", f"tasks_read.quiet{n}"), m("containers", f"tasks_read.busy{n}")
        if None in (quiet, busy):
            continue
        d = (busy / quiet - 1) * 100
        res.append(("met" if abs(d) < 5 else "missed",
                    f"tasks read of {n:,} threads, 10,000 threads elsewhere: {d:+.2f}% (target: < 5%)"))
    for shape in ("siblings", "chain200"):
        keys = [f"{op}.{shape}" for op in ("mkdir", "rmdir")]
        cont = [m("containers", k) for k in keys]
        cg1 = [m("cgroup v1", k) for k in keys]
        if None in cont + cg1:
            continue
        a, b = sum(cont), sum(cg1)
        noise = sp(*[(c, k) for c in ("containers", "cgroup v1") for k in keys])
        res.append((versus(a, b, noise),
                    f"mkdir+rmdir, {shape}: {a:,.0f} ns vs cgroup v1 {b:,.0f} ns (target: at or below)"))
    for kind in ("slab", "total"):
        key = f"memory.{kind}"
        cont = m("containers", key)
        for peer in ("cgroup v1", "cgroup v2"):
            cg = m(peer, key)
            if None in (cont, cg):
                continue
            res.append((versus(cont, cg, sp(("containers", key), (peer, key))),
                        f"memory per group ({kind}): {cont:,.0f} B vs {peer} {cg:,.0f} B (target: below)"))
    if previous is not None:
        changes = []
        for col, figures in summary.items():
            for key, fig in figures.items():
                old = previous.get(col, {}).get(key)
                if old and old["median"]:
                    changes.append((abs(fig["median"] / old["median"] - 1) * 100, f"{col} `{key}`"))
        changes.sort(reverse=True)
        worst = ", ".join(f"{d:.2f}% ({where})" for d, where in changes[:3])
        res.append(("met" if changes and changes[0][0] <= 2.0 else "missed",
                    f"reproducibility: largest changes of a median against the previous run: {worst} (target ≤ 2%)"))
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--run", required=True, type=Path)
    ap.add_argument("--scale", default="full", choices=("full", "tiny"))
    ap.add_argument("--previous", type=Path)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--markdown", type=Path)
    args = ap.parse_args()

    try:
        samples, units, boots = collect(args.run)
    except (OSError, ValueError) as e:
        print(f"bench-report: {e}", file=sys.stderr)
        return 1
    summary = summarise(samples)
    previous = None
    if args.previous and args.previous.exists():
        try:
            old = json.loads(args.previous.read_text())
        except ValueError as e:
            print(f"bench-report: ignoring {args.previous}: {e}", file=sys.stderr)
            old = {}
        if old.get("scale") == args.scale:
            previous = old.get("summary")

    if args.scale == "full":
        keys = ROWS
    else:
        known = dict(ROWS)
        keys = sorted({(k, known.get(k, k)) for col in summary.values() for k in col})
    boots_text = ", ".join(f"kernel-{k} ×{n}" for k, n in sorted(boots.items()))
    out = [
        f"Run `{args.run.name}`, scale {args.scale}; boots: {boots_text}.",
        "Medians over the boots, ± the spread (max − min) / median; guest time under QEMU -icount.",
        "",
        *table(summary, units, keys),
        "",
    ]
    if args.scale == "full":
        out.append("Targets:")
        out.append("")
        words = {"met": "met", "missed": "**missed**", "tie": "tie, within the spread"}
        for status, text in targets(summary, previous):
            out.append(f"- {words[status]}: {text}")
        out.append("")
    text = "\n".join(out)
    print(text)
    if args.markdown:
        args.markdown.write_text(text)
    if args.json:
        args.json.write_text(
            json.dumps({"scale": args.scale, "samples": samples, "summary": summary, "units": units}, indent=1)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
