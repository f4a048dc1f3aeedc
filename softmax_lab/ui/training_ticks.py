"""The Training page's live ticks: how much a tick trains, and how often ticks come.

A process-wide load governor (it holds no user data, only which sessions are training
right now) spaces the ticks out as more sessions train, so the server stays
responsive to everyone.
"""

import threading
import time

TICK_SECONDS = 0.15
SLOW_SECONDS = 1.5
TICK_BUDGET = 0.03  # seconds of training per tick, so a tick stays light
_TRAINING: dict[str, float] = {}
_TRAINING_LOCK = threading.Lock()


def tick(run, live, budget=TICK_BUDGET):
    """Train ``run`` (a TrainingRun) for about ``budget`` seconds; sets ``live.rate``
    (steps per second) and stops ``live.running`` when the run is done."""
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


def tick_interval(running):
    """Seconds between live updates: 0.15 s alone, times the number of sessions training.

    The server then sends about the same number of updates per second however many
    people train at once, and each tick stays light.
    """
    if not running:
        return None
    now = time.monotonic()
    with _TRAINING_LOCK:
        _TRAINING[_session_id()] = now
        for sid, seen in list(_TRAINING.items()):
            if now - seen > 3.0:
                del _TRAINING[sid]
        busy = len(_TRAINING)
    return TICK_SECONDS * max(1, busy)


def slow_interval(running):
    """Seconds between redraws of the slowly changing views: the regions, the confusion."""
    return max(SLOW_SECONDS, 4 * tick_interval(running)) if running else None


def interval_drifted(live):
    """Whether the load changed enough that the fragment's timer should be re-armed."""
    wanted = tick_interval(live.running)
    current = live.interval
    return bool(wanted and current) and abs(wanted - current) / current > 0.5
