"""The Training page's live ticks: how much a tick trains, and how often ticks come.

A process-wide load governor (it holds no user data, only which sessions are training
right now) spaces the ticks out as more sessions train, so the server stays
responsive to everyone. The page's slow fragment holds the live one and re-arms its
timer at ``tick_interval`` on each of its runs; ``slow_due`` says whether a run of the
slow fragment computes its views again or only draws again what it drew last.
"""

import math
import threading
import time

TICK_SECONDS = 0.15  # between updates for one student training alone
SLOW_SECONDS = 1.5
REARM_SECONDS = 3.0  # the live fragment's timer follows the load at most this late
TICK_BUDGET = 0.03  # seconds of training per tick at most, so a tick stays light
MIN_BUDGET = 0.002  # seconds of training per tick at least, however busy the server
# Server time of one update besides its training: the fragment's run, the progress bar
# and the curves' figure JSON, sending them, and a share of the slow fragment's runs
# (make loadtest, in benchmarks/README.md). The governor plans with it.
TICK_OVERHEAD = 0.015
# The share of one core (the interpreter lock is one per process) that the ticks of all
# training sessions together may take, at most and at least: the governor gives the
# ticks what the rest of the server (everyone's clicks) leaves below TARGET_LOAD.
TRAINING_SHARE = 0.75
MIN_SHARE = 0.1
TARGET_LOAD = 0.75
# Updates come at least this often while the budget can still shrink: at least one
# update a second for each student, with the fragment timers' jitter to spare.
MAX_UPDATE_SECONDS = 0.8
_TRAINING: dict[str, float] = {}
_TRAINING_LOCK = threading.Lock()
# This process's CPU seconds per second, smoothed, and the share the ticks were given.
_LOAD = {"at": time.monotonic(), "cpu": time.process_time(), "rate": 0.0}
_SHARE = {"share": TRAINING_SHARE}


def tick(run, live, budget=None):
    """Train ``run`` (a TrainingRun) for about ``budget`` seconds (default: the
    governor's ``tick_budget``); sets ``live.rate`` (steps per second) and stops
    ``live.running`` when the run is done."""
    if budget is None:
        budget = tick_budget(_training_now())
    t0 = time.perf_counter()
    ran, chunk = 0, 5
    while not run.done:
        ran += run.step(chunk)
        elapsed = time.perf_counter() - t0
        per_step = elapsed / max(ran, 1)
        # The next chunk fits what is left of the budget at the pace measured so far, so
        # a tick ends within about a step of its budget (doubling overshot it by half).
        chunk = min(200, int((budget - elapsed) / per_step))
        if chunk < 1:
            break
    elapsed = time.perf_counter() - t0
    live.rate = ran / elapsed if elapsed > 0 else 0.0
    if run.done:
        live.running = False


def _session_id():
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else "bare"


def plan(busy: int, share: float = TRAINING_SHARE) -> tuple[float, float]:
    """(seconds between updates, seconds of training per update) for ``busy`` sessions
    whose ticks together may take ``share`` of a core.

    ``busy`` sessions updating every ``interval`` seconds cost ``busy * (budget +
    TICK_OVERHEAD) / interval``. Alone, a student gets an update every ``TICK_SECONDS``
    with the full ``TICK_BUDGET``. As more train, the interval grows to
    ``MAX_UPDATE_SECONDS`` while the budget stays full; then the budget shrinks, down to
    ``MIN_BUDGET``, so that each student still sees an update that often; only then does
    the interval grow.

    Examples
    --------
    >>> plan(1)
    (0.15, 0.03)
    >>> interval, budget = plan(30)
    >>> interval, round(budget, 3)  # thirty at once: little training, 1.25 updates/s
    (0.8, 0.005)
    >>> plan(45)  # forty-five: the least training, and a longer interval
    (1.02, 0.002)
    >>> 30 * (budget + TICK_OVERHEAD) / interval <= TRAINING_SHARE + 1e-12
    True
    >>> plan(30, share=0.1)[0] > 1  # a smaller share: fewer updates of MIN_BUDGET
    True
    """
    busy = max(1, busy)
    full = busy * (TICK_BUDGET + TICK_OVERHEAD) / share
    least = busy * (MIN_BUDGET + TICK_OVERHEAD) / share
    interval = max(TICK_SECONDS, min(full, MAX_UPDATE_SECONDS), least)
    budget = share * interval / busy - TICK_OVERHEAD
    return interval, min(TICK_BUDGET, max(MIN_BUDGET, budget))


def share_for(load: float, training: float) -> float:
    """The share of a core the ticks get when the process uses ``load`` CPU seconds a
    second, ``training`` of them in ticks: what the rest leaves below ``TARGET_LOAD``,
    within [``MIN_SHARE``, ``TRAINING_SHARE``], in steps of 0.05 (so that the ticks'
    timers are not re-armed for every wobble).

    Examples
    --------
    >>> share_for(load=0.3, training=0.3)  # only the ticks: the whole share
    0.75
    >>> share_for(load=0.5, training=0.3)  # some clicks
    0.55
    >>> share_for(load=1.0, training=0.5)  # busy clicks: the ticks give way
    0.25
    >>> share_for(load=1.0, training=0.1)
    0.1
    """
    free = TARGET_LOAD - max(0.0, load - training)
    return min(TRAINING_SHARE, max(MIN_SHARE, round(round(free / 0.05) * 0.05, 2)))


def current_share(busy: int) -> float:
    """``share_for`` this process's recent CPU use (smoothed over about two seconds),
    with the ticks' own part estimated from the plan they were last given."""
    now, cpu = time.monotonic(), time.process_time()
    with _TRAINING_LOCK:
        elapsed = now - _LOAD["at"]
        if elapsed >= 0.5:
            rate = (cpu - _LOAD["cpu"]) / elapsed
            _LOAD.update(at=now, cpu=cpu, rate=0.6 * _LOAD["rate"] + 0.4 * rate)
            interval, budget = plan(busy, _SHARE["share"])
            training = busy * (budget + TICK_OVERHEAD) / interval
            _SHARE["share"] = share_for(_LOAD["rate"], training)
        return _SHARE["share"]


def tick_budget(busy: int) -> float:
    """Seconds of training per tick while ``busy`` sessions train, at the share the
    ticks have now (``plan``)."""
    return plan(busy, current_share(busy))[1]


def tick_interval(running):
    """Seconds between live updates of this session, from ``plan`` at the share the
    ticks have now: 0.15 s alone, then longer as more sessions train or the rest of the
    server gets busier, so the ticks together stay within their share of a core and the
    server stays responsive to everyone. In steps of 0.05 s, so that a small change of
    load leaves the timer alone."""
    if not running:
        return None
    # The slow fragment's runs re-arm the live one's timer when this changes.
    busy = _training_now()
    return round(math.ceil(plan(busy, current_share(busy))[0] / 0.05 - 1e-9) * 0.05, 2)


def _training_now() -> int:
    """Count this session as training (each tick does), and return how many sessions
    trained in the last 3 s."""
    now = time.monotonic()
    with _TRAINING_LOCK:
        _TRAINING[_session_id()] = now
        for sid, seen in list(_TRAINING.items()):
            if now - seen > 3.0:
                del _TRAINING[sid]
        return len(_TRAINING)


def slow_timer(running):
    """Seconds between runs of the slow fragment: ``slow_interval``, but at most
    ``REARM_SECONDS``, since each run also re-arms the live fragment's timer for the
    load of the moment (the runs in between draw again what they drew last)."""
    return min(slow_interval(tick_interval(running)), REARM_SECONDS) if running else None


def slow_interval(interval):
    """Seconds between redraws of the slowly changing views (the regions, the confusion)
    when live updates come every ``interval`` seconds: ``SLOW_SECONDS``, or eight live
    updates when many train (each redraw computes the decision regions of every run and
    sends several figures)."""
    return max(SLOW_SECONDS, 8 * interval)


def slow_due(live, now=None):
    """Whether the slow views should be computed again: ``slow_interval`` of the live
    interval (``live.interval``) after they last were, less half of ``SLOW_SECONDS`` for
    the timers' jitter. Their fragment's timer was set when the run started, for the
    load then; as more sessions train, its runs in between only draw again. Always while
    paused: a rerun then follows a change.

    >>> from types import SimpleNamespace
    >>> live = SimpleNamespace(running=True, interval=0.8, slow_drawn=100.0)
    >>> slow_due(live, now=105.0), slow_due(live, now=106.0)  # every 6.4 s, less 0.75
    (False, True)
    >>> slow_due(SimpleNamespace(running=False, slow_drawn=100.0), now=100.1)
    True
    """
    if not live.running:
        return True
    now = time.monotonic() if now is None else now
    return now - live.slow_drawn >= slow_interval(live.interval) - SLOW_SECONDS / 2
