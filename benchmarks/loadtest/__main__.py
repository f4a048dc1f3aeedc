"""``make loadtest``: how many students one server process holds, without a browser.

For each level N (default 10, 50, 100, 200) a fresh app process starts (or
``--replicas`` processes behind nginx with cookie affinity), N simulated students
arrive within ``--ramp`` seconds, and after a settling pause the level is measured for
``--duration`` seconds: p50/p95 of the time from an interaction to the end of its rerun,
training updates per second per training student, the server's CPU and RSS (from
/proc), and what was sent to the students. The knee is the first level that misses
the targets (p95 <= 1 s, >= 1 update/s). Writes bench-report/loadtest.json and .md.
"""

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import time
from pathlib import Path

from benchmarks.loadtest.servers import AppProcess, Nginx, cpu_seconds, rss_mib
from benchmarks.loadtest.students import level

REPORT = Path(__file__).resolve().parents[2] / "bench-report"
P95_TARGET = 1.0
RATE_TARGET = 1.0


def _fmt(x, spec=".2f"):
    return "" if x is None else format(x, spec)


def table(rows) -> str:
    head = (
        "| replicas | students | training | interactions | p50 (s) | p95 (s) | "
        "updates/s per trainer (median / min) | server CPU (% of a core) | RSS (MiB) | "
        "KiB/s sent (wire) | msgs/s | load generator CPU (%) | errors | tracebacks |"
    )
    lines = [head, "|" + "---|" * 14]
    for r in rows:
        cells = [
            str(r["replicas"]),
            str(r["students"]),
            str(r["training"]),
            str(r["interactions"]),
            _fmt(r["p50_s"]),
            _fmt(r["p95_s"]),
            f"{_fmt(r['updates_per_s_median'])} / {_fmt(r['updates_per_s_min'])}"
            if r["training"]
            else "",
            _fmt(r.get("server_cpu_pct"), ".0f"),
            _fmt(r.get("server_rss_mib"), ".0f"),
            f"{_fmt(r['kib_per_s_to_clients'], '.0f')} ({_fmt(r['kib_per_s_on_wire'], '.0f')})",
            _fmt(r["messages_per_s"], ".0f"),
            _fmt(r["loadgen_cpu_pct"], ".0f"),
            str(r["n_errors"]),
            str(r["n_exceptions"]),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def meets(r) -> bool:
    # A level of trainers only may have no interaction inside its window: then only
    # their updates count.
    quick = r["p95_s"] <= P95_TARGET if r["p95_s"] is not None else r["interactions"] == 0
    ok = quick and r["n_errors"] == 0
    if r["training"]:
        ok = ok and (r["updates_per_s_min"] or 0) >= RATE_TARGET
    return ok and r["n_exceptions"] == 0


def knee(rows) -> str:
    held = [r["students"] for r in rows if meets(r)]
    missed = [r["students"] for r in rows if not meets(r)]
    if not missed:
        return f"no knee up to {rows[-1]['students']} students: every level met the targets"
    first_miss = min(missed)
    below = [n for n in held if n < first_miss]
    if not below:
        return f"the knee is below {first_miss} students (the first level missed the targets)"
    return (
        f"the knee lies between {max(below)} students (targets met) and {first_miss} "
        "(missed: p95 > 1 s, an error, or a trainer under 1 update/s)"
    )


def capacity(rows, target=P95_TARGET):
    """Students at which p95 reaches ``target``, interpolated linearly between the last
    level under it and the first over it (None if no level crossed it)."""
    ordered = sorted((r["students"], r["p95_s"]) for r in rows if r["p95_s"] is not None)
    for (n0, p0), (n1, p1) in itertools.pairwise(ordered):
        if p0 <= target < p1:
            return n0 + (n1 - n0) * (target - p0) / (p1 - p0)
    return None


@contextlib.contextmanager
def served(args):
    """The URL to load and a sampler of the servers' (CPU s, RSS MiB)."""
    if args.url:
        pids = args.pid or []
        yield args.url, _sampler(pids) if pids else (lambda: None)
        return
    options = dict(o.split("=", 1) for o in args.server_option)
    apps = [AppProcess(options) for _ in range(args.replicas)]
    proxy = None
    try:
        url = apps[0].url
        if args.replicas > 1 or args.proxy:
            proxy = Nginx([f"127.0.0.1:{a.port}" for a in apps])
            url = proxy.url
        yield url, _sampler([a.pid for a in apps])
    finally:
        if proxy:
            proxy.stop()
        for a in apps:
            a.stop()


def _sampler(pids):
    def sample():
        try:
            return sum(cpu_seconds(p) for p in pids), sum(rss_mib(p) for p in pids)
        except OSError:
            return None

    return sample


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--levels", default="10,50,100,200", help="students per level")
    ap.add_argument("--train-fraction", type=float, default=0.2)
    ap.add_argument(
        "--think", type=float, default=5.0, help="mean seconds between a student's actions"
    )
    ap.add_argument("--duration", type=float, default=30.0, help="measured seconds")
    ap.add_argument("--ramp", type=float, default=10.0, help="seconds for all to arrive")
    ap.add_argument("--replicas", type=int, default=1)
    ap.add_argument("--proxy", action="store_true", help="nginx in front of one replica too")
    ap.add_argument("--url", help="load a running server or proxy instead of starting one")
    ap.add_argument("--pid", type=int, action="append", help="server pid(s) with --url")
    ap.add_argument(
        "--server-option",
        action="append",
        default=[],
        help="a Streamlit option for the started servers, e.g. "
        "server.enableWebsocketCompression=true",
    )
    ap.add_argument("--stop-after-knee", action="store_true", default=True)
    ap.add_argument("--name", default="loadtest", help="report file name in bench-report/")
    args = ap.parse_args(argv)
    rows = []
    for n in [int(x) for x in args.levels.split(",")]:
        with served(args) as (url, sample):
            t0 = time.monotonic()
            row = asyncio.run(
                level(
                    url,
                    n,
                    train_fraction=args.train_fraction,
                    think=args.think,
                    duration=args.duration,
                    ramp=args.ramp,
                    sample=sample,
                )
            )
        row["replicas"] = args.replicas
        row["wall_s"] = time.monotonic() - t0
        rows.append(row)
        print(table([row]).splitlines()[-1], flush=True)
        if row["errors"] or row["exceptions"]:
            print("  errors:", row["errors"][:3], row["exceptions"][:3], flush=True)
        if args.stop_after_knee and row["p95_s"] and row["p95_s"] > 5 * P95_TARGET:
            print("  p95 over 5 s: no higher level", flush=True)
            break
    load = os.getloadavg()
    settings = {
        k: getattr(args, k)
        for k in ("train_fraction", "think", "duration", "ramp", "replicas", "server_option")
    }
    md = (
        f"# Load test ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
        f"load average {load[0]:.2f} at the end)\n\nSettings: {json.dumps(settings)}\n\n"
        f"{table(rows)}\n\nKnee: {knee(rows)}.\n"
    )
    held = capacity(rows)
    if held is not None:
        md += f"p95 reaches {P95_TARGET:g} s at about {held:.0f} students (interpolated).\n"
    print("\n" + md)
    REPORT.mkdir(exist_ok=True)
    (REPORT / f"{args.name}.json").write_text(
        json.dumps(
            {"settings": settings, "rows": rows, "knee": knee(rows), "capacity": held}, indent=2
        )
    )
    (REPORT / f"{args.name}.md").write_text(md)
    print(f"wrote {REPORT / args.name}.md and .json")


if __name__ == "__main__":
    main()
