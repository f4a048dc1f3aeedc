"""The live training run in Chromium: Start, Pause and Reset as a person uses them."""

import re

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


def _step(page):
    text = page.locator("[data-testid='stProgress']").first.inner_text()
    return int(re.search(r"step ([\d,]+)", text).group(1).replace(",", ""))


CURVE_POINTS = f"""() => {{
    const charts = {PLOTS_JS};
    const isCurves = c => (c.layout.annotations || []).some(a => a.text === 'loss');
    const curves = charts.find(isCurves);
    return curves ? curves._fullData[0].x.length : -1;
}}"""


REGIONS = f"""() => {{
    const regions = {PLOTS_JS}.find(
        c => c._fullData.length > 1 && c._fullData[0].type === 'heatmap');
    return regions ? JSON.stringify(regions._fullData[0].z) : null;
}}"""


def test_start_pause_reset(browser, server, page):
    # Slower learning so the run lasts beyond the test.
    open_page(page, f"{server.url}/training")
    assert _step(page) == 0
    before_points = page.evaluate(CURVE_POINTS)
    assert before_points == 1  # the loss curve is drawn, with the record at step 0
    before_regions = page.evaluate(REGIONS)
    assert before_regions
    page.get_by_role("button", name="Start", exact=True).click()
    page.wait_for_function(
        """() => /step ([1-9][\\d,]*)/.test(
            document.querySelector("[data-testid='stProgress']").innerText)""",
        timeout=20_000,
    )
    running_step = _step(page)
    assert running_step > 0
    # The loss curve's frame redraws just after the progress text: wait for its points.
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
    # The rerun after Pause draws every chart again: the live loss, the slow curves, the
    # regions and the confusion matrix.
    page.wait_for_function(f"() => document.querySelectorAll({CHART!r}).length >= 4")
    settle(page)
    paused = _step(page)
    assert paused < 20_000, "the run finished before Pause: the test proves nothing"
    page.wait_for_timeout(1500)
    assert _step(page) == paused
    assert exceptions(page) == []
    total, drawn = charts(page)
    assert drawn == total == 4
    screenshot(page, "training-paused")
    page.get_by_role("button", name="Reset", exact=True).click()
    settle(page)
    assert _step(page) == 0
    assert exceptions(page) == []


def test_compare_mode_trains_both_runs_on_shared_axes(browser, server, page):
    open_page(page, f"{server.url}/training")
    page.get_by_text("Compare with a second run", exact=True).click()
    settle(page)
    page.get_by_role("button", name="Step", exact=True).click()
    settle(page)
    assert _step(page) == 10
    traces = page.evaluate(
        f"""() => {{
            const curves = {PLOTS_JS}.find(
                c => (c.layout.annotations || []).some(a => a.text === 'loss'));
            return curves._fullData.filter(t => t.xaxis === 'x' && t.yaxis === 'y')
                .map(t => [t.name, t.x[t.x.length - 1]]);
        }}"""
    )
    assert len(traces) == 2
    assert traces[0][0].startswith("A:") and traces[1][0].startswith("B:")
    assert [last for _, last in traces] == [10, 10]  # both curves reach step 10
    total, drawn = charts(page)
    assert drawn == total == 6  # live and slow curves, two regions, two confusion matrices
    assert exceptions(page) == []
    screenshot(page, "training-compare")
