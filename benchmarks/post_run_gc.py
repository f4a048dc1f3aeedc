"""The collector's time per rerun of a page, under AppTest, in the two ways the lab has kept
Streamlit's post-run collection short.

- ``freeze``: Streamlit's default ``gc.collect(2)`` after every run, with the long-lived
  objects (modules, classes, functions) frozen once (``gc.freeze``), as the lab did from
  its own code until issue #18.
- ``setting``: no post-run collection (``runner.postScriptGC = false`` in
  ``.streamlit/config.toml``), as it does now; Python's own collector still runs.

AppTest's script runner skips Streamlit's post-run collection, so ``freeze`` calls it
after each run as Streamlit's runner does. Each mode runs in its own process (the
collector's state is process-wide), alternately; ``gc.callbacks`` time every collection.

``python -m benchmarks.post_run_gc [--page probabilities] [--reruns 40] [--rounds 2]``
"""

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time

from softmax_lab.ui.frame import ROOT


def child(mode: str, page: str, reruns: int) -> dict:
    from streamlit.testing.v1 import AppTest

    from softmax_lab.ui import state
    from softmax_lab.workspace import TEMPERATURES

    up = TEMPERATURES[TEMPERATURES.index(1.0) + 1]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page(f"pages/{page}.py")
    at.run()
    if mode == "freeze":
        gc.collect()
        gc.freeze()
    spent = [0.0]
    started = [0.0]

    def clock(phase, info):
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            spent[0] += time.perf_counter() - started[0]

    gc.callbacks.append(clock)
    runs, collector = [], []
    for i in range(reruns):
        at.session_state[state.TEMPERATURE_KEY] = up if i % 2 == 0 else 1.0
        spent[0] = 0.0
        t0 = time.perf_counter()
        at.run()
        if mode == "freeze":
            gc.collect(2)  # Streamlit's ScriptRunner after a run, by default
        runs.append((time.perf_counter() - t0) * 1e3)
        collector.append(spent[0] * 1e3)
        if at.exception:
            raise RuntimeError(at.exception[0].value)
    gc.callbacks.remove(clock)
    return {"mode": mode, "frozen": gc.get_freeze_count(), "run_ms": runs, "gc_ms": collector}


def run(page="probabilities", reruns=40, rounds=2) -> list[dict]:
    results = []
    for _ in range(rounds):
        for mode in ("freeze", "setting"):
            cmd = [sys.executable, "-m", "benchmarks.post_run_gc", "--child", mode]
            cmd += ["--page", page, "--reruns", str(reruns)]
            out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return results


def summary(results: list[dict]) -> str:
    lines = []
    for mode in ("freeze", "setting"):
        rows = [r for r in results if r["mode"] == mode]
        runs = [x for r in rows for x in r["run_ms"][2:]]
        gcs = [x for r in rows for x in r["gc_ms"][2:]]
        lines.append(
            f"{mode:>8}: rerun median {statistics.median(runs):.1f} ms; collector per rerun "
            f"median {statistics.median(gcs):.2f} ms, mean {statistics.mean(gcs):.2f} ms, "
            f"max {max(gcs):.1f} ms; reruns with > 10 ms of collection: "
            f"{sum(g > 10 for g in gcs)} of {len(gcs)}; frozen objects {rows[0]['frozen']}"
        )
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--child", choices=["freeze", "setting"])
    ap.add_argument("--page", default="probabilities")
    ap.add_argument("--reruns", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.page, args.reruns)))
        return
    print(summary(run(args.page, args.reruns, args.rounds)))


if __name__ == "__main__":
    main()
