"""``python -m benchmarks``: run every benchmark, print a table, write bench-report/."""

import argparse
import importlib
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

SECTIONS = {"core": "core", "app": "app_reruns", "browser": "browser"}
REPORT = Path(__file__).resolve().parents[1] / "bench-report"


def machine():
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "numpy": np.__version__,
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", ""),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


def _fmt(x, digits=3):
    return "" if x is None else f"{x:.{digits}g}"


def table(rows):
    head = (
        "| section | benchmark | ours (ms) | reference | ref (ms) | speedup | target | met | note |"
    )
    lines = [head, "|" + "---|" * 9]
    for r in rows:
        met = {True: "yes", False: "**no**", None: ""}[r.get("met")]
        cells = [r["section"], r["name"], _fmt(r.get("ours_ms")), r.get("reference") or ""]
        cells += [_fmt(r.get("reference_ms")), _fmt(r.get("speedup")), r.get("target", "")]
        cells += [met, r.get("note", "")]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--only", choices=["core", "app", "browser"], action="append")
    ap.add_argument(
        "--soak-seconds",
        type=float,
        default=300.0,
        help="how long one training session runs for the memory-growth figure",
    )
    args = ap.parse_args()
    sections = args.only or ["core", "app", "browser"]
    os.environ["SOFTMAX_LAB_SOAK_SECONDS"] = str(args.soak_seconds)
    rows = []
    for section in sections:
        module = importlib.import_module(f"benchmarks.{SECTIONS[section]}")
        try:
            rows += module.run()
        except Exception as exc:  # one broken section must not hide the others' numbers
            rows.append(
                {"section": section, "name": "failed", "note": f"{type(exc).__name__}: {exc}"[:300]}
            )
    info = machine()
    md = f"# Benchmark report\n\nMachine: {json.dumps(info)}\n\n{table(rows)}\n"
    print(md)
    REPORT.mkdir(exist_ok=True)
    (REPORT / "report.json").write_text(json.dumps({"machine": info, "rows": rows}, indent=2))
    (REPORT / "report.md").write_text(md)
    print(f"wrote {REPORT / 'report.md'} and report.json")


if __name__ == "__main__":
    main()
