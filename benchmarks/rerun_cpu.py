"""Server CPU time of one rerun of each page after a temperature change, under AppTest.

Each page is run once under ``streamlit.testing.v1.AppTest`` (``tests.page_harness``),
then the sidebar's temperature is moved to another value and the page rerun, ``--reruns``
times; only the reruns are measured, in CPU time, not wall time, so other work on a
shared machine does not inflate it:

- ``script ms``: CPU time of the script thread (``time.thread_time`` around
  ``ScriptRunner._run_script``): the page itself and Streamlit's building of its
  messages, which is what a server spends per rerun in that thread (the scripts are
  compiled once, as on a server, not once per run as AppTest does);
- ``wire ms``: CPU time to serialize the rerun's messages (``SerializeToString``), which
  a server does once more in its event loop before sending them;
- ``process ms``: the whole process (``time.process_time``), which adds AppTest's own
  reading of the messages, work a server does not do.

``msgs`` and ``wire B`` are the rerun's messages and their serialized size; ``chart B``
the figure JSON of the page's charts in it.

``--profile PAGE`` prints the cProfile (CPU timer) of that page's script thread over
the reruns instead, sorted by cumulative time.

Run as ``python -m benchmarks.rerun_cpu [--reruns 30] [--profile probabilities]``.
"""

import argparse
import cProfile
import logging
import pstats
import statistics
import time
from contextlib import contextmanager

from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.runtime.scriptrunner.script_runner import ScriptRunner
from streamlit.testing.v1 import app_test, local_script_runner

from softmax_lab.workspace import TEMPERATURES
from tests.page_harness import chart_elements, run_page

PAGES = ("probabilities", "jacobian", "gradients", "saturation")
# Values the slider offers around T = 1, visited in turn so every rerun sees a new T.
_AROUND_ONE = [t for t in TEMPERATURES if 0.2 <= t <= 5.0]


@contextmanager
def _script_thread_measured(script_seconds: list, messages: list, profiler=None):
    """While open, each script run appends its script-thread CPU seconds to
    ``script_seconds`` (profiled by ``profiler`` if given) and the list of messages it
    sent to ``messages``.

    The runs also share one ``ScriptCache``, as a server's sessions do: AppTest makes
    new ones per run, so it would compile ``app.py`` and the page again each time (with
    Streamlit's magic rewrite of their syntax trees), which a server does once.
    """
    run_script = ScriptRunner._run_script
    parse_tree = local_script_runner.parse_tree_from_messages
    shared_cache = ScriptCache()

    def measured_run_script(self, rerun_data):
        if profiler is not None:
            profiler.enable()
        t0 = time.thread_time()
        try:
            return run_script(self, rerun_data)
        finally:
            script_seconds.append(time.thread_time() - t0)
            if profiler is not None:
                profiler.disable()

    def recorded_parse_tree(msgs):
        messages.append(list(msgs))
        return parse_tree(msgs)

    ScriptRunner._run_script = measured_run_script
    local_script_runner.parse_tree_from_messages = recorded_parse_tree
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared_cache
    try:
        yield
    finally:
        ScriptRunner._run_script = run_script
        local_script_runner.parse_tree_from_messages = parse_tree
        app_test.ScriptCache = local_script_runner.ScriptCache = ScriptCache


def rerun_cpu(page: str, reruns: int = 30, profiler: cProfile.Profile | None = None) -> dict:
    """Measure ``reruns`` reruns of ``page``, each after a temperature change.

    Returns
    -------
    dict
        ``script``, ``wire``, ``process``: CPU seconds per rerun (lists, see the module
        docstring); ``messages``, ``wire_bytes``, ``chart_bytes``: of the last rerun.
    """
    at = run_page(page)
    # Setting a widget outside a script run warns about bare mode (AppTest resets levels)
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(
        logging.ERROR
    )
    script, messages, process, wire = [], [], [], []
    with _script_thread_measured(script, messages, profiler):
        for i in range(reruns):
            at.sidebar.select_slider(key="T").set_value(_AROUND_ONE[(i + 1) % len(_AROUND_ONE)])
            t0 = time.process_time()
            at.run()
            process.append(time.process_time() - t0)
            if at.exception:
                raise RuntimeError(f"{page}: {at.exception[0].value}")
            t0 = time.process_time()
            wire_bytes = sum(len(msg.SerializeToString()) for msg in messages[-1])
            wire.append(time.process_time() - t0)
    return {
        "script": script,
        "wire": wire,
        "process": process,
        "messages": len(messages[-1]),
        "wire_bytes": wire_bytes,
        "chart_bytes": sum(len(el.proto.json) for el in chart_elements(at)),
    }


def _ms(seconds: list) -> float:
    return statistics.median(seconds) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=30)
    parser.add_argument("--pages", nargs="*", default=list(PAGES))
    parser.add_argument("--profile", metavar="PAGE", help="print this page's cProfile")
    parser.add_argument("--top", type=int, default=60, help="rows of the profile")
    args = parser.parse_args()
    if args.profile:
        profiler = cProfile.Profile(time.thread_time)
        rerun_cpu(args.profile, args.reruns, profiler)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)
        return
    print(f"median over {args.reruns} reruns, each after a temperature change (CPU time)")
    print(
        f"{'page':<14} {'script ms':>9} {'wire ms':>8} {'process ms':>10} "
        f"{'msgs':>5} {'wire B':>8} {'chart B':>8}"
    )
    for page in args.pages:
        r = rerun_cpu(page, args.reruns)
        print(
            f"{page:<14} {_ms(r['script']):>9.1f} {_ms(r['wire']):>8.2f} "
            f"{_ms(r['process']):>10.1f} {r['messages']:>5} {r['wire_bytes']:>8,} "
            f"{r['chart_bytes']:>8,}"
        )


if __name__ == "__main__":
    main()
