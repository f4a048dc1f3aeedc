"""The live tick: how much it trains within its budget (with a fake clock, so no test
depends on this machine's speed)."""

import types

import pytest

from softmax_lab.ui import training_ticks


class FakeRun:
    """A run whose steps each take ``step_s`` seconds of a fake clock."""

    def __init__(self, clock, step_s, max_steps=10**9):
        self.clock, self.step_s, self.max_steps, self.steps = clock, step_s, max_steps, 0

    @property
    def done(self):
        return self.steps >= self.max_steps

    def step(self, k):
        k = min(k, self.max_steps - self.steps)
        self.steps += k
        self.clock.now += k * self.step_s
        return k


@pytest.fixture
def clock(monkeypatch):
    fake = types.SimpleNamespace(now=0.0)
    fake.perf_counter = fake.monotonic = lambda: fake.now
    monkeypatch.setattr(training_ticks, "time", fake)
    return fake


@pytest.mark.parametrize(("budget", "step_s"), [(0.03, 0.001), (0.002, 0.0004), (0.03, 0.0001)])
def test_a_tick_trains_for_its_budget_and_ends_within_a_step_of_it(clock, budget, step_s):
    run, live = FakeRun(clock, step_s), types.SimpleNamespace(rate=0.0, running=True)
    training_ticks.tick(run, live, budget=budget)
    gold = int(budget / step_s + 1e-9)  # the steps that fit the budget
    assert gold - 1 <= run.steps <= gold + 1, (run.steps, gold)
    assert clock.now <= budget + step_s + 1e-12
    assert live.rate == pytest.approx(1 / step_s)
    assert live.running


def test_a_tick_longer_than_one_step_still_trains_at_least_one_chunk(clock):
    run, live = FakeRun(clock, step_s=0.01), types.SimpleNamespace(rate=0.0, running=True)
    training_ticks.tick(run, live, budget=0.002)
    assert run.steps == 5  # the first chunk; then nothing more fits


def test_a_run_that_finishes_in_a_tick_stops(clock):
    run = FakeRun(clock, step_s=0.0001, max_steps=37)
    live = types.SimpleNamespace(rate=0.0, running=True)
    training_ticks.tick(run, live, budget=0.03)
    assert run.steps == 37
    assert not live.running


@pytest.mark.parametrize(
    ("interval", "period"),
    [(0.15, 1.5), (0.8, 6.4)],  # alone: SLOW_SECONDS; busy: 8 ticks
)
def test_the_slow_views_are_computed_again_after_their_interval_less_half_the_timer(
    clock, interval, period
):
    live = types.SimpleNamespace(running=True, interval=interval, slow_drawn=10.0)
    clock.now = 10.0 + period - training_ticks.SLOW_SECONDS / 2 - 0.01
    assert not training_ticks.slow_due(live)
    clock.now += 0.02
    assert training_ticks.slow_due(live)


@pytest.mark.parametrize(("share", "gold"), [(0.75, 0.8), (0.35, 1.0), (0.1, 3.4)])
def test_twenty_training_get_longer_intervals_as_the_rest_of_the_server_takes_more(
    clock, monkeypatch, share, gold
):
    clock.now, clock.process_time = 50.0, lambda: 0.0
    others = {f"other {i}": 50.0 for i in range(19)}  # this session ("bare") is the 20th
    monkeypatch.setattr(training_ticks, "_TRAINING", others)
    monkeypatch.setattr(training_ticks, "_SHARE", {"share": share})
    # 20 sessions of at least MIN_BUDGET + TICK_OVERHEAD each within ``share`` of a core,
    # but no oftener than MAX_UPDATE_SECONDS; rounded up to 0.05 s.
    assert training_ticks.tick_interval(True) == gold
    if gold > training_ticks.MAX_UPDATE_SECONDS:
        least = 20 * (training_ticks.MIN_BUDGET + training_ticks.TICK_OVERHEAD) / share
        assert gold - 0.05 < least <= gold
