"""What one session costs the server: ``python -m benchmarks.loadtest.costs``.

One student alone on a fresh server (so the server's CPU time is theirs): each kind of
interaction repeated, then a training run watched for a while. For each: server CPU
milliseconds, messages and bytes the student received (protobuf payloads), bytes
that arrived on the wire (after any websocket compression), the largest message.
Writes bench-report/costs.json and .md.
"""

import argparse
import asyncio
import json
import time
from pathlib import Path

from streamlit.proto.Common_pb2 import StringArray

from benchmarks.loadtest.protocol import Student
from benchmarks.loadtest.servers import AppProcess, cpu_seconds
from benchmarks.loadtest.students import TABS, TRAIN_STEPS, deep_link
from softmax_lab.workspace import TEMPERATURES

REPORT = Path(__file__).resolve().parents[2] / "bench-report"


class Meter:
    def __init__(self, pid: int, s: Student):
        self.pid, self.s = pid, s

    def __enter__(self):
        self.cpu0, self.w0 = cpu_seconds(self.pid), self.s.wire_in
        self.b0, self.m0 = self.s.bytes_in, self.s.messages_in
        self.t0 = len(self.s.trace)
        return self

    def __exit__(self, *exc):
        self.cpu = cpu_seconds(self.pid) - self.cpu0
        self.written = self.s.wire_in - self.w0
        self.bytes = self.s.bytes_in - self.b0
        self.messages = self.s.messages_in - self.m0
        sizes = [n for _, n, _, _ in self.s.trace[self.t0 :]]
        self.largest = max(sizes, default=0)


def _row(name, meters, per=1):
    n = len(meters) * per
    return {
        "what": name,
        "n": n,
        "cpu_ms": 1000 * sum(m.cpu for m in meters) / n,
        "messages": sum(m.messages for m in meters) / n,
        "kib_received": sum(m.bytes for m in meters) / n / 1024,
        "kib_on_wire": sum(m.written for m in meters) / n / 1024,
        "largest_kib": max(m.largest for m in meters) / 1024,
    }


async def measure(app: AppProcess, repeats: int, watch: float) -> list[dict]:
    s = Student(app.url, "probabilities", deep_link(1))
    s.trace = []
    await s.connect()
    with Meter(app.pid, s) as m:
        await s.open()
    rows = [_row("open Probabilities by deep link", [m])]
    temps, logits = [], []
    for k in range(repeats):
        await asyncio.sleep(0.3)  # let the server's post-run work finish
        with Meter(app.pid, s) as m:
            value = StringArray(data=[f"{TEMPERATURES[40 + 3 * k]:g}"])
            await s.set_widget("T", string_array_value=value)
        temps.append(m)
        await asyncio.sleep(0.3)
        edit = {"edited_rows": {"0": {"s1a": k}}, "added_rows": [], "deleted_rows": []}
        with Meter(app.pid, s) as m:
            await s.set_widget("logits_editor_", string_value=json.dumps(edit))
        logits.append(m)
    rows += [_row("temperature (Probabilities)", temps), _row("edit a logit", logits)]
    await asyncio.sleep(0.3)
    with Meter(app.pid, s) as m:
        await s.go_to("gradients")
    rows.append(_row("go to Gradients", [m]))
    tabs = []
    for k in range(repeats):
        await asyncio.sleep(0.3)
        with Meter(app.pid, s) as m:
            await s.set_widget("gradients_section", string_value=TABS[k % len(TABS)])
        tabs.append(m)
    rows.append(_row("switch a Gradients tab", tabs))
    await asyncio.sleep(0.3)
    with Meter(app.pid, s) as m:
        await s.go_to("training")
    rows.append(_row("go to Training", [m]))
    await s.set_widget("tr_max_steps", double_value=TRAIN_STEPS)
    await s.click("Start")
    await asyncio.sleep(2)  # the first ticks build the figures
    steps0 = len(s.training_steps)
    with Meter(app.pid, s) as m:
        await asyncio.sleep(watch)
    updates = len(s.training_steps) - steps0
    row = _row("training, per update (both fragments)", [m], per=max(1, updates))
    row["updates_per_s"] = updates / watch
    rows.append(row)
    await s.close()
    if s.exceptions:
        raise RuntimeError(f"the app raised: {s.exceptions}")
    return rows


async def floor(app: AppProcess, repeats: int) -> dict:
    """The same temperature change on a bare page with only that slider: Streamlit's
    own cost of a rerun, which every page pays."""
    s = Student(app.url, "", "")
    s.trace = []
    await s.connect()
    await s.open()
    meters = []
    for k in range(repeats):
        await asyncio.sleep(0.3)
        with Meter(app.pid, s) as m:
            value = ["0.5", "1.0", "2.0"][k % 3]
            await s.set_widget("T", string_array_value=StringArray(data=[value]))
        meters.append(m)
    await s.close()
    return _row("floor: the same change on a bare slider page", meters)


def table(rows) -> str:
    head = (
        "| interaction | n | server CPU (ms) | messages | KiB of messages | "
        "KiB on the wire | largest message (KiB) |"
    )
    lines = [head, "|" + "---|" * 7]
    for r in rows:
        lines.append(
            f"| {r['what']} | {r['n']} | {r['cpu_ms']:.1f} | {r['messages']:.1f} | "
            f"{r['kib_received']:.1f} | {r['kib_on_wire']:.1f} | {r['largest_kib']:.1f} |"
        )
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=8)
    ap.add_argument("--watch", type=float, default=10.0, help="seconds of training watched")
    ap.add_argument("--server-option", action="append", default=[])
    ap.add_argument("--name", default="costs")
    args = ap.parse_args(argv)
    options = dict(o.split("=", 1) for o in args.server_option)
    app = AppProcess(options)
    try:
        rows = asyncio.run(measure(app, args.repeats, args.watch))
    finally:
        app.stop()
    bare = AppProcess(options, script="benchmarks/floor_app.py")
    try:
        rows.insert(3, asyncio.run(floor(bare, args.repeats)))
    finally:
        bare.stop()
    training = rows[-1]
    md = (
        f"# Session costs ({time.strftime('%Y-%m-%d %H:%M')}; options {args.server_option})\n\n"
        f"{table(rows)}\n\nTraining: {training['updates_per_s']:.2f} updates/s alone.\n"
    )
    print(md)
    REPORT.mkdir(exist_ok=True)
    (REPORT / f"{args.name}.json").write_text(json.dumps(rows, indent=2))
    (REPORT / f"{args.name}.md").write_text(md)


if __name__ == "__main__":
    main()
