"""Versions of the app side by side in one Chromium run: slider round trips, a first visit,
a tab switch and the JavaScript heap, interleaved round by round.

``python -m benchmarks.side_by_side NAME=PATH [NAME=PATH ...] [--rounds 3]``: each PATH is
a checkout of the app with its package's chart assets in place (``git worktree add`` of a
commit, then ``python -m softmax_lab.ui.chart_assets`` in it if it has that module).
Every round visits every version in a rotated order, so a machine shared with other work
loads them alike; the table reports medians over the rounds. The two floors are those of
``benchmarks.browser``: the bare slider page with Streamlit's defaults, and without its
post-run ``gc.collect``.
"""

import argparse
import statistics
import time
from pathlib import Path

from benchmarks.browser import DONE, QUIET_MS, SLIDER, WATCH_FRAMES, _round_trip, floor_times
from softmax_lab.workspace import TEMPERATURES
from tests.browser.harness import CHROMIUM_ARGS, SKELETONS, Server, chromium_path

ROUND_TRIP_PAGES = ("probabilities", "jacobian", "gradients")
TABS = ("Attention", "Scale", "Attention", "Scale")  # Saturation's tabs, from the first
# Every change to the page or to any same-origin frame in it (an older version drew its
# charts in frames) stamps an absolute time in the top window, from the first script on.
# The top window watches the frames' documents itself, as benchmarks.browser's WATCH does:
# an init script alone did not run in the chart frames (their charts drew ~2 s after the
# last stamp), so a first visit of that version looked 2 s faster than it was.
STAMP = (
    """(() => {
    if (window !== window.top) return;
    const stamp = () => { window.__lastChangeAbs = performance.timeOrigin + performance.now(); };"""
    + WATCH_FRAMES
    + """
    new MutationObserver(() => { stamp(); watchFrames(); }).observe(document, opts);
    stamp();
})()"""
)
# Every chart drawn: in-page charts, or (an older version) chart frames.
ALL_DRAWN = """() => [...document.querySelectorAll("iframe[title$='plotly_chart']")]
        .map(f => f.contentDocument).every(d => d && d.body && d.body.dataset.state === 'drawn'
            && d.querySelector('.main-svg'))
    && [...document.querySelectorAll('div.softmax-lab-chart')]
        .every(d => d.dataset.state === 'drawn' && d.querySelector('.main-svg'))"""
SINCE = "(t0) => window.__lastChangeAbs - t0"
NOW = "() => performance.timeOrigin + performance.now()"
QUIET_ABS = (
    "(ms) => performance.timeOrigin + performance.now() - (window.__lastChangeAbs || 0) > ms"
)


def _new_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(STAMP)
    page = context.new_page()
    page.set_default_timeout(120_000)
    return page


def settle(page, timeout_ms=120_000):
    """The script run finished and every chart drawn, in either version."""
    page.wait_for_selector(DONE, timeout=timeout_ms)
    page.wait_for_function(f"() => !document.querySelector({SKELETONS!r})", timeout=timeout_ms)
    page.wait_for_timeout(300)
    page.wait_for_selector(DONE, timeout=timeout_ms)
    page.wait_for_function(ALL_DRAWN, timeout=timeout_ms)


def page_ms(browser, server, path, changes=6):
    """Median round trip (ms) of a temperature change on ``path``, alternating up and down."""
    page = _new_page(browser)
    page.goto(f"{server.url}/{path}")
    settle(page)
    slider = page.locator(f"[data-testid='stSidebar'] {SLIDER}").first
    up = TEMPERATURES[TEMPERATURES.index(1.0) + 1]
    times = []
    for i in range(changes):
        key, t = ("ArrowRight", up) if i % 2 == 0 else ("ArrowLeft", 1.0)
        times.append(_round_trip(page, slider, key, f"T = {t:g}"))
    page.context.close()
    return statistics.median(times) * 1e3


def _quiet(page):
    page.wait_for_selector(DONE)
    page.wait_for_function(QUIET_ABS, arg=QUIET_MS, polling=50)


def first_visit_ms(page, url):
    """From the navigation's start to the page's last change, every chart drawn."""
    page.goto(url)
    settle(page)
    _quiet(page)
    return page.evaluate("() => window.__lastChangeAbs - performance.timeOrigin")


def tab_switch_ms(page, server):
    """Medians over Saturation's tabs: a click on a tab until its charts have drawn."""
    page.goto(f"{server.url}/saturation")
    settle(page)
    times = []
    for tab in TABS:
        _quiet(page)
        t0 = page.evaluate(NOW)
        page.get_by_role("tab", name=tab).click()
        settle(page)
        _quiet(page)
        times.append(page.evaluate(SINCE, t0))
    return statistics.median(times)


def heap_mib(page):
    """The tab's JavaScript heap after a full collection (same-origin frames included)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("HeapProfiler.collectGarbage")
    used = cdp.send("Runtime.getHeapUsage")["usedSize"]
    cdp.detach()
    return used / 2**20


def one_version(browser, path: Path) -> dict:
    """Every figure of one version, on a server started for it (its first visit is the
    server's first)."""
    out = {}
    server = Server(cwd=path)
    try:
        page = _new_page(browser)
        out["first visit, Probabilities (fresh server)"] = first_visit_ms(
            page, f"{server.url}/probabilities"
        )
        page.context.close()
        page = _new_page(browser)
        out["first visit, Training (new tab)"] = first_visit_ms(page, f"{server.url}/training")
        out["JS heap on Training (MiB)"] = heap_mib(page)
        page.context.close()
        page = _new_page(browser)
        out["tab switch, Saturation"] = tab_switch_ms(page, server)
        page.context.close()
        for name in ROUND_TRIP_PAGES:
            out[f"round trip, {name}"] = page_ms(browser, server, name, changes=6)
    finally:
        server.stop()
    return out


def run(versions: dict[str, Path], rounds: int) -> dict:
    from playwright.sync_api import sync_playwright

    samples: dict[str, dict[str, list[float]]] = {name: {} for name in versions}
    floors: dict[str, list[float]] = {"floor": [], "floor without post-run gc": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        names = list(versions)
        for r in range(rounds):
            floors["floor"] += floor_times(
                browser, 6, env={"STREAMLIT_RUNNER_POST_SCRIPT_GC": "true"}
            )
            order = names[r % len(names) :] + names[: r % len(names)]
            for name in order:
                t = time.monotonic()
                for key, value in one_version(browser, versions[name]).items():
                    samples[name].setdefault(key, []).append(value)
                print(f"round {r + 1}: {name} in {time.monotonic() - t:.0f} s", flush=True)
            floors["floor without post-run gc"] += floor_times(
                browser, 6, env={"STREAMLIT_RUNNER_POST_SCRIPT_GC": "false"}
            )
        browser.close()
    return {
        "floors_ms": {k: statistics.median(v) * 1e3 for k, v in floors.items()},
        "medians": {
            name: {k: statistics.median(v) for k, v in figures.items()}
            for name, figures in samples.items()
        },
        "samples": samples,
    }


def paired_round_trips(versions: dict[str, Path], pages, changes: int) -> dict:
    """Round trips (ms) with every version's server up at once and one tab open on each:
    each change is made on every version in turn, so they share the machine's load alike.
    """
    from playwright.sync_api import sync_playwright

    up = TEMPERATURES[TEMPERATURES.index(1.0) + 1]
    out = {name: {} for name in versions}
    servers = {name: Server(cwd=path) for name, path in versions.items()}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            for path in pages:
                tabs = {}
                for name, server in servers.items():
                    tabs[name] = _new_page(browser)
                    tabs[name].goto(f"{server.url}/{path}")
                    settle(tabs[name])
                for i in range(changes):
                    key, t = ("ArrowRight", up) if i % 2 == 0 else ("ArrowLeft", 1.0)
                    order = list(tabs) if i % 2 == 0 else list(reversed(tabs))
                    for name in order:
                        page = tabs[name]
                        slider = page.locator(f"[data-testid='stSidebar'] {SLIDER}").first
                        ms = _round_trip(page, slider, key, f"T = {t:g}") * 1e3
                        out[name].setdefault(f"round trip, {path}", []).append(ms)
                for page in tabs.values():
                    page.context.close()
            browser.close()
    finally:
        for server in servers.values():
            server.stop()
    return out


def table(result: dict) -> str:
    floor = result["floors_ms"]["floor"]
    no_gc = result["floors_ms"]["floor without post-run gc"]
    names = list(result["medians"])
    keys = list(next(iter(result["medians"].values())))
    lines = [
        f"Floors: bare slider page {floor:.0f} ms (Streamlit's defaults), "
        f"{no_gc:.0f} ms without its post-run gc.collect.",
        "",
        "| measure | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for key in keys:
        cells = []
        for name in names:
            v = result["medians"][name][key]
            if key.startswith("round trip"):
                cells.append(f"{v:.0f} ms ({v / floor:.2f}× floor)")
            elif key.startswith("JS heap"):
                cells.append(f"{v:.0f} MiB")
            else:
                cells.append(f"{v:.0f} ms")
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("versions", nargs="+", help="NAME=PATH of a checkout")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument(
        "--paired",
        type=int,
        metavar="CHANGES",
        help="only round trips: this many changes per page, every version's tab in turn",
    )
    args = ap.parse_args()
    versions = {}
    for item in args.versions:
        name, _, path = item.partition("=")
        versions[name] = Path(path).resolve()
    if args.paired:
        samples = paired_round_trips(versions, ROUND_TRIP_PAGES, args.paired)
        for name, figures in samples.items():
            for key, values in figures.items():
                q = statistics.quantiles(values, n=4)
                print(
                    f"{name:>8} {key}: median {statistics.median(values):.0f} ms, "
                    f"quartiles {q[0]:.0f}-{q[2]:.0f} ms, n={len(values)}"
                )
        return
    result = run(versions, args.rounds)
    print(table(result))
    import json

    out = Path(__file__).resolve().parents[1] / "bench-report"
    out.mkdir(exist_ok=True)
    (out / "side_by_side.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
