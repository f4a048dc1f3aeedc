"""Round trips in Chromium: a temperature change until the charts are drawn, per page,
against a bare Streamlit page that only echoes a slider (the floor); server memory."""

import statistics
from pathlib import Path

from softmax_lab.ui.frame import PAGES, ROOT
from softmax_lab.workspace import TEMPERATURES
from tests.browser.harness import CHROMIUM_ARGS, Server, chromium_path, open_page

SLIDER = "[data-testid='stSlider'] input[type='range']"
DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"
# Every change to the page (text, elements, a chart's SVG) stamps the time; a round trip
# ends at the last change before the page has been quiet for QUIET_MS. The charts draw in
# the page (softmax_lab.ui.charts); same-origin frames are watched as well, so that an
# older version, whose charts drew in frames, is timed alike (benchmarks.side_by_side).
# ``watchFrames()``: observe, with ``stamp``, the document of every same-origin frame in
# the page, again whenever a frame loads a new one (shared with benchmarks.side_by_side).
WATCH_FRAMES = """
    const opts = {subtree: true, childList: true, attributes: true, characterData: true};
    const watched = new WeakSet();
    const watchFrames = () => {
        for (const f of document.querySelectorAll('iframe')) {
            let doc = null;
            try { doc = f.contentDocument; } catch (e) {}
            if (doc && doc.documentElement && !watched.has(doc)) {
                watched.add(doc);
                new MutationObserver(stamp).observe(doc.documentElement, opts);
            }
            if (!f.__watched) {
                f.__watched = true;
                f.addEventListener('load', () => { stamp(); watchFrames(); });
            }
        }
    };"""
WATCH = (
    """() => {
    window.__lastChange = performance.now();
    if (window.__watch) return;
    const stamp = () => { window.__lastChange = performance.now(); };"""
    + WATCH_FRAMES
    + """
    window.__watch = new MutationObserver(() => { stamp(); watchFrames(); });
    window.__watch.observe(document.body, opts);
    watchFrames();
}"""
)
SHOWS = "(text) => document.body.textContent.includes(text)"
QUIET = "(ms) => performance.now() - window.__lastChange > ms"
QUIET_MS = 300


def _round_trip(page, slider, key, expect_text, timeout=30_000):
    """Seconds from a key press on ``slider`` to the page's last change.

    The wait for quiet is not part of the time: the clock stops at the last DOM
    mutation (the final chart's SVG), as the browser records it.
    """
    page.evaluate(WATCH)
    slider.focus()
    t0 = page.evaluate("() => performance.now()")
    page.keyboard.press(key)
    page.wait_for_function(SHOWS, arg=expect_text, polling=25, timeout=timeout)
    page.wait_for_selector(DONE, timeout=timeout)
    page.wait_for_function(QUIET, arg=QUIET_MS, polling=50, timeout=timeout)
    return (page.evaluate("() => window.__lastChange") - t0) / 1e3


# Streamlit's default runs gc.collect(2) after every script run; the lab turns that off
# (runner.postScriptGC in .streamlit/config.toml, which the floor's server reads too). The
# floor keeps Streamlit's default, set explicitly; the variant reported beside it shows the
# floor without that collection, as the lab runs.
DEFAULT_GC = {"STREAMLIT_RUNNER_POST_SCRIPT_GC": "true"}
NO_POST_RUN_GC = {"STREAMLIT_RUNNER_POST_SCRIPT_GC": "false"}


def floor_times(browser, changes=10, env=None):
    """Round trips (s) on the bare slider page, with Streamlit's default post-run
    collection unless ``env`` says otherwise."""
    server = Server(str(Path(__file__).with_name("floor_app.py")), env=env or DEFAULT_GC)
    try:
        page = browser.new_page()
        open_page(page, server.url)
        slider = page.locator(SLIDER).first
        steps = [("ArrowRight", 2.0), ("ArrowLeft", 1.0)] * changes
        times = [_round_trip(page, slider, k, f"value = {v}") for k, v in steps[:changes]]
        page.close()
        return times
    finally:
        server.stop()


def page_ms(browser, server, path, changes=10):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    open_page(page, f"{server.url}/{path}")
    slider = page.locator(f"[data-testid='stSidebar'] {SLIDER}").first
    up = TEMPERATURES[TEMPERATURES.index(1.0) + 1]
    times = []
    for i in range(changes):
        key, t = ("ArrowRight", up) if i % 2 == 0 else ("ArrowLeft", 1.0)
        times.append(_round_trip(page, slider, key, f"T = {t:g}"))
    page.close()
    return statistics.median(times) * 1e3


def rss_mib(pid):
    """Resident memory of a process and its children, from /proc (Linux)."""
    total = 0
    for p in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def _children(pid):
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def run():
    from playwright.sync_api import sync_playwright

    rows = []
    path = chromium_path()
    if path is None:
        return [{"section": "browser", "name": "all", "note": "chromium is not on PATH: skipped"}]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        # The floor drifts with the machine's load: it is timed before and after the
        # pages, and its median over both runs is the reference.
        floor_before = floor_times(browser)
        pages = {}
        server = Server()
        try:
            for script, title, url_path, _ in PAGES:
                if url_path and (ROOT / script).exists():
                    pages[title] = page_ms(browser, server, url_path)
        except Exception:
            server.stop()
            raise
        floor = statistics.median(floor_before + floor_times(browser)) * 1e3
        no_gc = statistics.median(floor_times(browser, env=NO_POST_RUN_GC)) * 1e3
        rows.append(
            {
                "section": "browser round trip",
                "name": "bare slider page (the floor)",
                "ours_ms": floor,
                "reference": None,
                "reference_ms": None,
                "speedup": None,
                "target": "reference",
                "met": None,
                "note": "Streamlit's defaults",
            }
        )
        rows.append(
            {
                "section": "browser round trip",
                "name": "bare slider page, no post-run gc.collect (not the floor)",
                "ours_ms": no_gc,
                "reference": None,
                "reference_ms": None,
                "speedup": None,
                "target": "report",
                "met": None,
                "note": f"runner.postScriptGC off: {floor - no_gc:.0f} ms of the floor "
                "is Streamlit's collection after each run",
            }
        )
        try:
            for title, ms in pages.items():
                rows.append(
                    {
                        "section": "browser round trip",
                        "name": f"{title}: temperature change",
                        "ours_ms": ms,
                        "reference": "floor",
                        "reference_ms": floor,
                        "speedup": None,
                        "target": "≤ 3× floor",
                        "met": ms <= 3 * floor,
                        "note": f"{ms / floor:.2f}× the floor; {ms / no_gc:.2f}× the "
                        "floor without its post-run gc.collect",
                    }
                )
            try:  # a failure here must not lose the round trips above
                rows.extend(_training(browser, server))
            except Exception as exc:
                note = f"{type(exc).__name__}: {exc}"[:300]
                rows.append({"section": "training page", "name": "failed", "note": note})
        finally:
            server.stop()
        browser.close()
    return rows


def _training(browser, server):
    """Training page: updates per second, pause latency, memory with 10 running sessions."""
    from benchmarks import training_page

    return training_page.run(browser, server, rss_mib)
