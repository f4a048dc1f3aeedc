"""The Training page's live ticks: how much a tick trains, and how often ticks come.

A process-wide load governor (it holds no user data, only which sessions are training
right now) spaces the ticks out as more sessions train, so the server stays
responsive to everyone.
"""

import threading
import time

TICK_SECONDS = 0.15  # between updates for one student training alone
SLOW_SECONDS = 1.5
TICK_BUDGET = 0.03  # seconds of training per tick at most, so a tick stays light
MIN_BUDGET = 0.002  # seconds of training per tick at least, however busy the server
# Server time of one update besides its training: the fragment's run, the progress bar
# and the curves' figure JSON, and sending them (make loadtest's costs, in
# benchmarks/README.md). The governor plans with it.
TICK_OVERHEAD = 0.006
# The share of one core (the interpreter lock is one per process) that the ticks of all
# training sessions together may take; the rest keeps everyone's clicks quick.
TRAINING_SHARE = 0.5
# Updates come at least this often while the budget can still shrink: at least one
# update a second for each student, with the fragment timers' jitter to spare.
MAX_UPDATE_SECONDS = 0.8
_TRAINING: dict[str, float] = {}
_TRAINING_LOCK = threading.Lock()


def tick(run, live, budget=None):
    """Train ``run`` (a TrainingRun) for about ``budget`` seconds (default: the
    governor's ``tick_budget``); sets ``live.rate`` (steps per second) and stops
    ``live.running`` when the run is done."""
    if budget is None:
        budget = tick_budget(_busy())
    t0 = time.perf_counter()
    ran, chunk = 0, 5
    while time.perf_counter() - t0 < budget and not run.done:
        ran += run.step(chunk)
        chunk = min(chunk * 2, 200)
    elapsed = time.perf_counter() - t0
    live.rate = ran / elapsed if elapsed > 0 else 0.0
    if run.done:
        live.running = False


def _session_id():
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else "bare"


def _busy() -> int:
    """How many sessions trained in the last 3 s (at least 1)."""
    with _TRAINING_LOCK:
        return max(1, len(_TRAINING))


def plan(busy: int) -> tuple[float, float]:
    """(seconds between updates, seconds of training per update) for ``busy`` sessions.

    All ticks together take at most ``TRAINING_SHARE`` of a core: ``busy`` sessions
    updating every ``interval`` seconds cost ``busy * (budget + TICK_OVERHEAD) /
    interval``. Alone, a student gets an update every ``TICK_SECONDS`` with the full
    ``TICK_BUDGET``. As more train, the interval grows to ``MAX_UPDATE_SECONDS`` while
    the budget stays full; then the budget shrinks, down to ``MIN_BUDGET``, so that each
    student still sees an update at least that often; only then does the interval grow.

    Examples
    --------
    >>> plan(1)
    (0.15, 0.03)
    >>> interval, budget = plan(30)
    >>> interval, round(budget, 4)
    (0.8, 0.0073)
    >>> 30 * (budget + TICK_OVERHEAD) / interval <= TRAINING_SHARE + 1e-12
    True
    """
    busy = max(1, busy)
    full = busy * (TICK_BUDGET + TICK_OVERHEAD) / TRAINING_SHARE
    least = busy * (MIN_BUDGET + TICK_OVERHEAD) / TRAINING_SHARE
    interval = max(TICK_SECONDS, min(full, MAX_UPDATE_SECONDS), least)
    budget = TRAINING_SHARE * interval / busy - TICK_OVERHEAD
    return interval, min(TICK_BUDGET, max(MIN_BUDGET, budget))


def tick_budget(busy: int) -> float:
    """Seconds of training per tick while ``busy`` sessions train (see ``plan``)."""
    return plan(busy)[1]


def tick_interval(running):
    """Seconds between live updates of this session, from ``plan``: 0.15 s alone, then
    longer as more sessions train, so the ticks together stay within
    ``TRAINING_SHARE`` of a core and the server stays responsive to everyone."""
    if not running:
        return None
    now = time.monotonic()
    with _TRAINING_LOCK:
        _TRAINING[_session_id()] = now
        for sid, seen in list(_TRAINING.items()):
            if now - seen > 3.0:
                del _TRAINING[sid]
        busy = len(_TRAINING)
    return plan(busy)[0]


def slow_interval(running):
    """Seconds between redraws of the slowly changing views: the regions, the confusion."""
    return max(SLOW_SECONDS, 4 * tick_interval(running)) if running else None


def interval_drifted(live):
    """Whether the load changed enough that the fragment's timer should be re-armed."""
    wanted = tick_interval(live.running)
    current = live.interval
    return bool(wanted and current) and abs(wanted - current) / current > 0.5
