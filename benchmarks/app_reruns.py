"""Server-side rerun time of each page under AppTest, at the defaults and at C = 50, N = 20."""

import time

from benchmarks.timing import percentile
from softmax_lab.ui.frame import PAGES, ROOT
from tests.page_harness import run_page

BIG = {"gen": "random:20:50:3:0"}  # N = 20 rows, C = 50 classes
TARGET_MS = {"defaults": 100.0, "C=50, N=20": 250.0}


def rerun_times(name, query, reruns=20):
    at = run_page(name, query=query)
    times = []
    for _ in range(reruns):
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        if at.exception:
            raise RuntimeError(f"{name}: {at.exception[0].value}")
    return times


def run():
    rows = []
    for script, title, path, _ in PAGES:
        if not path or not (ROOT / script).exists():
            continue
        for label, query in (("defaults", None), ("C=50, N=20", BIG)):
            times = [t * 1e3 for t in rerun_times(path, query)]
            median, p95 = percentile(times, 50), percentile(times, 95)
            rows.append(
                {
                    "section": "app rerun (AppTest)",
                    "name": f"{title} at {label}",
                    "ours_ms": median,
                    "reference": "p95",
                    "reference_ms": p95,
                    "speedup": None,
                    "target": f"median ≤ {TARGET_MS[label]:.0f} ms",
                    "met": median <= TARGET_MS[label],
                    "note": f"median {median:.1f} ms, p95 {p95:.1f} ms over 20 reruns",
                }
            )
    return rows
