"""The frame in a real browser: deep links on a fresh server, and shared links."""

import numpy as np
import pytest
from scipy import special

from softmax_lab.reference_examples import WRITEUP_Z
from softmax_lab.ui.frame import PAGES, ROOT
from softmax_lab.workspace import TEMPERATURES
from tests.browser.harness import (
    PLOTS_JS,
    charts,
    exceptions,
    nav_labels,
    open_page,
    screenshot,
    settle,
)

EXISTING = [(path, title) for script, title, path, _ in PAGES if (ROOT / script).exists()]
NAV = [title for _, title in EXISTING]


@pytest.mark.parametrize(("path", "title"), EXISTING, ids=[p or "home" for p, _ in EXISTING])
def test_deep_link_is_the_first_visit_to_a_fresh_server(browser, fresh_server, path, title):
    server = fresh_server()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    open_page(page, f"{server.url}/{path}")
    assert exceptions(page) == []
    assert nav_labels(page) == NAV
    assert page.locator("h1").first.inner_text().strip() == ("Softmax Lab" if not path else title)
    assert page.locator("[data-testid='stSidebar']").get_by_text("Temperature T").count() == 1
    total, drawn = charts(page)
    assert drawn == total
    if path in ("probabilities", "jacobian", "gradients", "saturation", "training"):
        assert total > 0, f"{path} drew no chart"
    screenshot(page, f"deep-{path or 'home'}")
    context.close()


def _metrics(page):
    return page.locator("[data-testid='stMetricValue']").all_inner_texts()


def test_a_shared_link_reproduces_the_same_numbers(browser, server, page):
    open_page(page, f"{server.url}/probabilities?z=1,2,3;2,2,1&y=0,1&T=0.501&names=ant|bee|cat")
    first = _metrics(page)
    gold = special.softmax(np.array([1.0, 2.0, 3.0]) / 0.501).max()
    assert first[2] == f"{gold:.4f}"
    shared = page.url
    assert "z=1%2C2%2C3%3B2%2C2%2C1" in shared or "z=1,2,3;2,2,1" in shared
    other = browser.new_context(viewport={"width": 1400, "height": 1000})
    page2 = other.new_page()
    open_page(page2, shared)
    assert _metrics(page2) == first
    assert page2.get_by_text("ant").count() > 0
    other.close()


def test_a_malformed_link_shows_a_message_and_the_default_batch(browser, server, page):
    open_page(page, f"{server.url}/probabilities?z=1,abc&T=-3")
    assert exceptions(page) == []
    assert page.get_by_text("This link could not be read").count() == 1
    total, drawn = charts(page)
    assert total > 0
    assert drawn == total


def test_changing_the_preset_in_the_sidebar_updates_the_link(browser, server, page):
    open_page(page, f"{server.url}/probabilities")
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="Overflow row [1000, 1001, 1002]").click()
    settle(page)
    assert "preset=overflow" in page.url
    assert exceptions(page) == []
    other = browser.new_context(viewport={"width": 1400, "height": 1000})
    page2 = other.new_page()
    open_page(page2, page.url)
    assert _metrics(page2) == _metrics(page)
    other.close()


def test_the_sidebar_generator_and_reload_preset_work_in_the_browser(server, page):
    open_page(page, f"{server.url}/jacobian")
    sidebar = page.locator("[data-testid='stSidebar']")
    assert sidebar.get_by_label("Rows N").count() == 0  # drawn only once opened
    sidebar.get_by_text("Generate a large batch").click()
    rows = sidebar.get_by_label("Rows N")
    rows.fill("3")
    sidebar.get_by_label("Classes C").fill("120")
    sidebar.get_by_role("button", name="Generate").click()
    sidebar.get_by_text("N = 3 rows × C = 120 classes").wait_for()
    settle(page)
    assert exceptions(page) == []
    total, drawn = charts(page)
    assert total > 0 and drawn == total
    screenshot(page, "sidebar-generated")
    settle(page)  # the screenshot resized the viewport: let the page lay out again
    # Back to the preset, which the generator had replaced.
    preset = sidebar.get_by_role("combobox").first
    preset.click()
    if not page.get_by_role("option").first.is_visible():  # a late rerun closed the list
        preset.click()
    page.get_by_role("option").first.click()
    sidebar.get_by_text("N = 2 rows × C = 3 classes").wait_for()
    sidebar.get_by_role("button", name="Reload preset").click()
    settle(page)
    assert exceptions(page) == []
    assert sidebar.get_by_text("N = 2 rows × C = 3 classes").count() == 1


def test_a_temperature_change_redraws_the_chart_in_place(server, page):
    """The chart keeps its plot and redraws it with Plotly.react: no new plot."""
    open_page(page, f"{server.url}/probabilities")
    page.evaluate(f"() => {{ {PLOTS_JS}[0].__kept = true; }}")
    slider = page.locator("[data-testid='stSidebar'] [data-testid='stSlider'] input").first
    up = TEMPERATURES[TEMPERATURES.index(1.0) + 1]
    slider.press("ArrowRight")
    page.get_by_text(f"T = {up:g}").first.wait_for()
    settle(page)
    kept, mine = page.evaluate(
        f"""() => {{
            const plot = {PLOTS_JS}[0];
            const softmax = plot._fullData.find(t => t.name.startsWith('softmax'));
            return [plot.__kept === true, Array.from(softmax.y)];
        }}"""
    )
    gold = special.softmax(WRITEUP_Z[0] / up)
    assert kept, "the chart was plotted anew"
    np.testing.assert_allclose(mine, gold, rtol=1e-12)
    assert exceptions(page) == []
