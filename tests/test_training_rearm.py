"""The Training page's live timer follows the load without a rerun of the page: when
more students start training, each run of the slow fragment re-arms the live
fragment's timer at the longer interval the governor plans. Driven by the load
generator's simulated students (Streamlit's own protocol, as the browser speaks it:
a timer is replaced only when its interval changes, a full run clears them all)."""

import asyncio
import time

import pytest

from benchmarks.loadtest.protocol import Student
from softmax_lab.ui import training_ticks
from tests.simulated_students import against_a_fresh_server, start_training

CLASS = 12  # students training at once in the second part


def _intervals(s: Student) -> list[float]:
    return sorted(interval for interval, _ in s.timers.values())


async def _scenario(url: str):
    first = await start_training(url, 0)
    await asyncio.sleep(1.0)
    # Alone: the live timer at TICK_SECONDS, the slow one at SLOW_SECONDS.
    gold = [training_ticks.TICK_SECONDS, training_ticks.SLOW_SECONDS]
    assert _intervals(first) == pytest.approx(gold)  # the message's float32
    full_runs = len(first.full_runs)
    others = [await start_training(url, i) for i in range(1, CLASS)]
    # Each run of the first student's slow fragment re-arms its live timer; give it
    # REARM_SECONDS and the slow timer's period to notice the class.
    deadline = time.monotonic() + training_ticks.REARM_SECONDS + 4
    live_interval = min(_intervals(first))
    while live_interval <= 0.5 and time.monotonic() < deadline:
        await asyncio.sleep(0.25)
        live_interval = min(_intervals(first))
    # Twelve at once: at least 12 * (MIN_BUDGET + TICK_OVERHEAD) / TRAINING_SHARE apart.
    least = CLASS * (training_ticks.MIN_BUDGET + training_ticks.TICK_OVERHEAD)
    assert live_interval >= least / training_ticks.TRAINING_SHARE, _intervals(first)
    assert max(_intervals(first)) == pytest.approx(training_ticks.SLOW_SECONDS)  # stays
    assert len(first.full_runs) == full_runs, "the page itself did not rerun"
    steps = len(first.training_steps)
    await asyncio.sleep(2.5)
    assert len(first.training_steps) > steps, "the first student still gets updates"
    for s in [first, *others]:
        assert s.exceptions == []
        await s.close()


def test_the_live_timer_follows_the_class_without_a_rerun_of_the_page():
    against_a_fresh_server(_scenario, timeout=120)
