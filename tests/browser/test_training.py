"""The live training run in Chromium: Start, Pause and Reset as a person uses them; a
refresh and a server restart come back at the same step with the same weights; the
first screen at 1280×720 holds Start and the live chart; a tab in a link opens."""

import re
import time

from softmax_lab.training_run import RunSettings, TrainingRun
from tests.browser.harness import (
    CHART,
    PLOTS_JS,
    charts,
    exceptions,
    open_page,
    screenshot,
    settle,
)

PROGRESS = "[data-testid='stProgress']"
LIVE_TITLE = "train accuracy"


def _step(page):
    text = page.locator(PROGRESS).last.inner_text()
    return int(re.search(r"step ([\d,]+)", text).group(1).replace(",", ""))


def _losses(page):
    """The last recorded loss of each run, as the page prints it (9 significant digits)."""
    text = page.get_by_text(re.compile(r"^A: loss ")).first.inner_text()
    return re.findall(r"(\w): loss (\S+) \(recorded at step ([\d,]+)\)", text)


def _losses_when_drawn(page, gold, timeout_s=30.0):
    """The losses the page prints once its loss line has caught up with the paused run
    (the line can be drawn one live update behind the progress bar); the last read if
    it never matches, for the caller's assertion to show."""
    deadline = time.monotonic() + timeout_s
    shown = _losses(page)
    while shown != gold and time.monotonic() < deadline:
        page.wait_for_timeout(250)
        shown = _losses(page)
    return shown


def _gold_losses(step, **settings):
    """The same run replayed here, independently of the server: (label, loss, step)."""
    run = TrainingRun.replay(RunSettings(**settings), step)
    out = []
    for label, trainer in run.trainers.items():
        h = trainer.history_arrays()
        out.append((label[0], f"{h['loss'][-1]:.9g}", f"{int(h['step'][-1]):,}"))
    return out


CURVE_POINTS = f"""() => {{
    const charts = {PLOTS_JS};
    const isCurves = c => (c.layout.annotations || []).some(a => a.text === {LIVE_TITLE!r});
    const curves = charts.find(isCurves);
    return curves ? curves._fullData[0].x.length : -1;
}}"""


REGIONS = f"""() => {{
    const regions = {PLOTS_JS}.find(
        c => c._fullData.length > 1 && c._fullData[0].type === 'heatmap');
    return regions ? JSON.stringify(regions._fullData[0].z) : null;
}}"""


def _train_a_while(page):
    """Start, wait for some steps, Pause; returns the paused step."""
    page.get_by_role("button", name="Start", exact=True).click()
    page.wait_for_function(
        """() => /step ([1-9][\\d,]*)/.test(
            document.querySelector("[data-testid='stProgress']").innerText)""",
        timeout=20_000,
    )
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="Pause", exact=True).click()
    page.locator(PROGRESS).get_by_text("paused").wait_for()
    settle(page)
    # The address bar and the progress agree once the paused run's view is written.
    page.wait_for_function(
        """() => {
            const at = /[?&]tr_at=(\\d+)/.exec(location.search);
            const bars = document.querySelectorAll("[data-testid='stProgress']");
            const text = bars.length ? bars[bars.length - 1].innerText : "";
            const shown = /step ([\\d,]+) of .* paused/.exec(text);
            return at && shown && shown[1].replace(/,/g, "") === at[1];
        }""",
        timeout=40_000,
    )
    return _step(page)


def test_start_pause_reset(browser, server, page):
    open_page(page, f"{server.url}/training")
    assert _step(page) == 0
    before_points = page.evaluate(CURVE_POINTS)
    assert before_points == 1  # the curves are drawn, with the record at step 0
    before_regions = page.evaluate(REGIONS)
    assert before_regions
    page.get_by_role("button", name="Start", exact=True).click()
    page.wait_for_function(
        """() => /step ([1-9][\\d,]*)/.test(
            document.querySelector("[data-testid='stProgress']").innerText)""",
        timeout=20_000,
    )
    assert _step(page) > 0
    # The live chart's frame redraws just after the progress text: wait for its points.
    page.wait_for_function(
        f"(before) => ({CURVE_POINTS})() > before", arg=before_points, timeout=10_000
    )
    # The regions redraw on their own, slower timer while the run goes on.
    page.wait_for_function(
        f"(before) => ({REGIONS})() !== before", arg=before_regions, timeout=10_000
    )
    page.get_by_role("button", name="Pause", exact=True).click()
    page.locator(PROGRESS).get_by_text("paused").wait_for()
    settle(page)
    # After Pause every chart is drawn: live and slow curves, two regions, two matrices.
    page.wait_for_function(f"() => document.querySelectorAll({CHART!r}).length >= 6")
    settle(page)
    paused = _step(page)
    assert paused < 20_000, "the run finished before Pause: the test proves nothing"
    page.wait_for_timeout(1500)
    assert _step(page) == paused
    assert exceptions(page) == []
    total, drawn = charts(page)
    assert drawn == total == 6
    screenshot(page, "training-paused")
    page.get_by_role("button", name="Reset", exact=True).click()
    settle(page)
    assert _step(page) == 0
    assert exceptions(page) == []


def test_a_refresh_comes_back_at_the_same_step_with_the_same_weights(browser, server, page):
    open_page(page, f"{server.url}/training")
    paused = _train_a_while(page)
    assert "tr_at=" in page.url and f"tr_at={paused}" in page.url
    gold = _gold_losses(paused)
    shown = _losses_when_drawn(page, gold)
    assert shown == gold
    page.reload()
    settle(page, 120_000)
    assert _step(page) == paused
    assert _losses(page) == shown
    assert exceptions(page) == []


def test_a_server_restart_comes_back_at_the_same_step(browser, fresh_server, page):
    first = fresh_server()
    open_page(page, f"{first.url}/training?tr_lr=1&tr_compare=0")
    paused = _train_a_while(page)
    gold = _gold_losses(paused, lr=1.0, compare=False)
    shown = _losses_when_drawn(page, gold)
    assert shown == gold
    query = page.url.split("?", 1)[1]
    first.stop()
    second = fresh_server()
    open_page(page, f"{second.url}/training?{query}", timeout_ms=120_000)
    assert _step(page) == paused
    assert _losses(page) == shown
    assert page.get_by_text("learning rate 1,", exact=False).count() > 0
    assert exceptions(page) == []


def test_start_and_the_live_chart_share_the_first_screen_at_1280x720(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        open_page(page, f"{server.url}/training")
        start = page.get_by_role("button", name="Start", exact=True).bounding_box()
        live = page.locator(CHART).first.bounding_box()
        assert start["y"] + start["height"] <= 720
        assert live["y"] >= 0 and live["y"] + live["height"] <= 720, live
        screenshot(page, "training-1280x720")
    finally:
        context.close()


def test_on_a_phone_the_panels_stack(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        open_page(page, f"{server.url}/training")
        boxes = [page.locator(CHART).nth(i).bounding_box() for i in (2, 3)]  # regions A, B
        assert boxes[1]["y"] >= boxes[0]["y"] + boxes[0]["height"] - 1  # B below A
        assert all(b["x"] + b["width"] <= 390 + 1 for b in boxes)
        # No two panel titles of a chart overlap.
        overlaps = page.evaluate(
            f"""() => {PLOTS_JS}.map(c => {{
                const r = [...c.querySelectorAll('g.annotation')].map(
                    a => a.getBoundingClientRect());
                return r.some((a, i) => r.some((b, j) => i < j && a.width && b.width &&
                    a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom));
            }})"""
        )
        assert not any(overlaps), overlaps
        screenshot(page, "training-phone")
    finally:
        context.close()


def test_a_link_with_a_tab_opens_that_tab_in_a_fresh_browser(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        open_page(page, f"{server.url}/jacobian?tab=j-shrinks")
        selected = page.locator("[role='tab'][aria-selected='true']").inner_text()
        assert selected.strip() == "J shrinks"
        assert "tab=j-shrinks" in page.url
        page.get_by_role("tab", name="Backward pass").click()
        settle(page)
        assert "tab=backward-pass" in page.url
        open_page(page, f"{server.url}/jacobian?tab=nope")
        selected = page.locator("[role='tab'][aria-selected='true']").inner_text()
        assert selected.strip() == "The Jacobian"
        assert page.get_by_text("does not have", exact=False).count() > 0
        assert exceptions(page) == []
    finally:
        context.close()


def test_copy_link_reproduces_the_view_in_a_fresh_browser(browser, server):
    first = browser.new_context(viewport={"width": 1280, "height": 720})
    page = first.new_page()
    try:
        open_page(page, f"{server.url}/jacobian?z=1,5,2&tab=costs")
        page.get_by_role("button", name="Copy link").click()
        link = page.locator("[data-testid='stCode'] code").first.inner_text().strip()
    finally:
        first.close()
    assert link.startswith(f"{server.url}/jacobian?")
    second = browser.new_context(viewport={"width": 1280, "height": 720})
    page = second.new_page()
    try:
        open_page(page, link)
        selected = page.locator("[role='tab'][aria-selected='true']").inner_text()
        assert selected.strip() == "Costs"
        assert "z=1%2C5%2C2" in page.url or "z=1,5,2" in page.url
        assert exceptions(page) == []
    finally:
        second.close()
