"""What a simulated student does, and the numbers one level of load gives.

Every student opens the Probabilities page by a deep link that carries their own batch.
Then, with a think time between actions, an editing student keeps changing the
temperature, editing a logit, and going to the Gradients page to switch its tab and
back. A training student (a fraction of the class) goes to the Training page, sets a
long run, presses Start and watches it. Each interaction is timed from the send to the
``script_finished`` of its run; a training update is a new step number in the
progress bar, which the Training page redraws on every tick.
"""

import asyncio
import contextlib
import json
import random
import statistics
import time
from dataclasses import dataclass, field

from streamlit.proto.Common_pb2 import StringArray

from benchmarks.loadtest.protocol import Student, StudentError
from softmax_lab.workspace import TEMPERATURES

TABS = ("Per class", "Whole batch", "Sweep one logit", "Positive-only CE", "Multi-label")
TRAIN_STEPS = 100_000  # the Training page's maximum: a run that outlasts the level


def deep_link(i: int) -> str:
    """Student ``i``'s own batch: three classes named after them, their own logits."""
    z = f"{i % 7},{(i * 3) % 5 + 1},{-(i % 4)}"
    return f"z={z}&names=s{i}a|s{i}b|s{i}c&T=1"


@dataclass
class Tally:
    """What one level measured; interactions count only inside the window."""

    window: tuple[float, float] = (0.0, 0.0)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    opens: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    students: list[Student] = field(default_factory=list)
    trainers: list[Student] = field(default_factory=list)

    def record(self, kind: str, started: float, seconds: float) -> None:
        lo, hi = self.window
        if lo <= started < hi:
            self.latencies.setdefault(kind, []).append(seconds)


async def _think(rng: random.Random, mean: float) -> None:
    await asyncio.sleep(rng.uniform(0.5 * mean, 1.5 * mean))


async def _timed(tally: Tally, kind: str, coro) -> float:
    started = time.monotonic()
    seconds = await coro
    tally.record(kind, started, seconds)
    return seconds


async def editing(s: Student, tally: Tally, rng: random.Random, think: float, stop: float):
    """Temperature, a logit, the Gradients page and its tabs, back; until ``stop``."""
    edits: dict = {}
    while time.monotonic() < stop:
        await _think(rng, think)
        t = rng.choice(TEMPERATURES[30:90])
        value = StringArray(data=[f"{t:g}"])
        await _timed(tally, "temperature", s.set_widget("T", string_array_value=value))
        await _think(rng, think)
        editor = s.widget_id("logits_editor_")
        row = edits.setdefault(editor, {"edited_rows": {}, "added_rows": [], "deleted_rows": []})
        name = rng.choice([n for n in s.query_names()])
        row["edited_rows"].setdefault("0", {})[name] = round(rng.uniform(-5, 5), 2)
        await _timed(tally, "logit", s.set_widget(editor, string_value=json.dumps(row)))
        await _think(rng, think)
        await _timed(tally, "page", s.go_to("gradients"))
        for _ in range(2):
            await _think(rng, think)
            tab = rng.choice(TABS)
            await _timed(tally, "tab", s.set_widget("gradients_section", string_value=tab))
        await _think(rng, think)
        await _timed(tally, "page", s.go_to("probabilities"))
        edits.clear()  # the editors are new after a visit to another page


async def training(s: Student, tally: Tally, rng: random.Random, think: float, stop: float):
    """Open the Training page, ask for a long run, press Start, watch until ``stop``."""
    await _think(rng, think)
    await _timed(tally, "page", s.go_to("training"))
    await _timed(tally, "setting", s.set_widget("tr_max_steps", double_value=TRAIN_STEPS))
    await _timed(tally, "start", s.click("Start"))
    tally.trainers.append(s)
    await asyncio.sleep(max(0.0, stop - time.monotonic()))


async def student(base_url: str, i: int, trains: bool, tally: Tally, think: float, stop: float):
    rng = random.Random(i)
    s = Student(base_url, "probabilities", deep_link(i))
    tally.students.append(s)
    try:
        await s.connect()
        t0 = time.monotonic()
        tally.opens.append(await s.open())
        tally.record("open", t0, tally.opens[-1])
        await (training if trains else editing)(s, tally, rng, think, stop)
    except (TimeoutError, StudentError, OSError) as err:
        tally.errors.append(f"student {i}: {type(err).__name__}: {err}"[:300])
    except Exception as err:  # websockets' own errors: count them, keep the level going
        tally.errors.append(f"student {i}: {type(err).__name__}: {err}"[:300])


def percentile(values, q):
    if not values:
        return None
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def updates_per_second(s: Student, lo: float, hi: float) -> float | None:
    """New step numbers a second while the student trained inside the window [lo, hi):
    from ``lo``, or from their first update if they started later. None if they
    trained less than half the window (too few updates to tell a rate)."""
    times = [t for t, _ in s.training_steps if t < hi]
    start = max(lo, times[0]) if times else lo
    if hi - start < (hi - lo) / 2:
        return None
    counted = sum(1 for t in times if t > start) if start > lo else sum(t >= lo for t in times)
    return counted / (hi - start)


async def level(
    base_url: str,
    n: int,
    *,
    train_fraction: float,
    think: float,
    duration: float,
    ramp: float,
    sample,
) -> dict:
    """``n`` students for ``ramp`` + ``duration`` seconds; the window is the last
    ``duration``. ``sample()`` returns server (cpu seconds, RSS MiB) or None."""
    n_train = round(n * train_fraction)
    tally = Tally()
    start = time.monotonic()
    settle = start + ramp + min(10.0, max(3.0, 2 * think))
    stop = settle + duration
    tally.window = (settle, stop)
    tasks = []
    for i in range(n):
        # Trainers are spread over the class; everyone arrives within ``ramp`` seconds.
        trains = n_train > 0 and (i * n_train) // n != ((i + 1) * n_train) // n
        await asyncio.sleep(max(0.0, start + ramp * i / n - time.monotonic()))
        tasks.append(asyncio.create_task(student(base_url, i, trains, tally, think, stop)))
    await asyncio.sleep(max(0.0, settle - time.monotonic()))
    before = sample()
    own0 = time.process_time()
    wire0 = sum(s.wire_in for s in tally.students)
    bytes0 = sum(s.bytes_in for s in tally.students)
    msgs0 = sum(s.messages_in for s in tally.students)
    await asyncio.sleep(max(0.0, stop - time.monotonic()))
    after = sample()
    own1 = time.process_time()
    wire1 = sum(s.wire_in for s in tally.students)
    bytes1 = sum(s.bytes_in for s in tally.students)
    msgs1 = sum(s.messages_in for s in tally.students)
    # Let the last interactions finish (they count only if they started in the window).
    _, pending = await asyncio.wait(tasks, timeout=30)
    for task in pending:
        task.cancel()
    for s in tally.students:
        with contextlib.suppress(Exception):
            await s.close()
    interactions = [x for k, v in tally.latencies.items() if k != "open" for x in v]
    rates = [updates_per_second(s, settle, stop) for s in tally.trainers]
    late = sum(r is None for r in rates)
    rates = [r for r in rates if r is not None]
    exceptions = [e for s in tally.students for e in s.exceptions]
    row = {
        "students": n,
        "training": n_train,
        "interactions": len(interactions),
        "p50_s": percentile(interactions, 50),
        "p95_s": percentile(interactions, 95),
        "max_s": max(interactions) if interactions else None,
        "by_kind": {
            k: {"n": len(v), "p50_s": percentile(v, 50), "p95_s": percentile(v, 95)}
            for k, v in sorted(tally.latencies.items())
        },
        "open_p95_s": percentile(tally.opens, 95),
        "updates_per_s_median": statistics.median(rates) if rates else None,
        "updates_per_s_min": min(rates) if rates else None,
        "trainers_running": len(rates),
        "trainers_late": late,  # started in the second half of the window: no rate
        # Full reruns of the Training page per trainer in the window: each re-arms the
        # fragment timers, and costs far more than a tick.
        "full_runs_per_trainer": statistics.mean(
            sum(1 for t in s.full_runs if settle <= t < stop) for s in tally.trainers
        )
        if tally.trainers
        else None,
        "kib_per_s_to_clients": (bytes1 - bytes0) / 1024 / duration,
        "kib_per_s_on_wire": (wire1 - wire0) / 1024 / duration,
        "loadgen_cpu_pct": 100 * (own1 - own0) / duration,
        "messages_per_s": (msgs1 - msgs0) / duration,
        "errors": tally.errors[:10],
        "n_errors": len(tally.errors),
        "exceptions": exceptions[:5],
        "n_exceptions": len(exceptions),
    }
    if before and after:
        row["server_cpu_pct"] = 100 * (after[0] - before[0]) / duration
        row["server_rss_mib"] = after[1]
    return row
