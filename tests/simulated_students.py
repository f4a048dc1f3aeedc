"""Simulated students (the load generator's ``Student``: Streamlit's own protocol, no
browser) against a real server, for the tests of what the server does over time."""

import asyncio
import threading

from benchmarks.loadtest.protocol import Student
from benchmarks.loadtest.servers import AppProcess
from benchmarks.loadtest.students import TRAIN_STEPS, deep_link


def run_in_own_loop(make_coroutine):
    """Run a coroutine to its end on a fresh event loop in a thread of its own.

    Playwright's sync API (the browser tests' session fixture) keeps an event loop
    running in the main thread, where ``asyncio.run`` refuses to start."""
    outcome = {}

    def target():
        try:
            asyncio.run(make_coroutine())
        except BaseException as err:  # re-raised in the test's thread
            outcome["error"] = err

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]


def against_a_fresh_server(scenario, timeout: float) -> None:
    """``scenario(url)`` (a coroutine function) against an app process started for it;
    the server must print no traceback."""
    app = AppProcess()
    try:
        run_in_own_loop(lambda: asyncio.wait_for(scenario(app.url), timeout))
        assert "Traceback" not in app.output()
    finally:
        app.stop()


async def start_training(url: str, i: int) -> Student:
    """Student ``i`` opens their deep link, goes to Training, asks for a long run and
    presses Start."""
    s = Student(url, "probabilities", deep_link(i))
    await s.connect()
    await s.open()
    await s.go_to("training")
    await s.set_widget("tr_max_steps", double_value=TRAIN_STEPS)
    await s.click("Start")
    return s
