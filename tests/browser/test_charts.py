"""The charts in Chromium: in the page, plotly.js loaded once per tab and verified."""

import hashlib
import urllib.request

import pytest

from softmax_lab.ui import chart_assets, charts
from tests.browser.harness import CHART, exceptions, open_page, settle
from tests.browser.harness import charts as count_charts

PLOTLY_PATH = f"/_stcore/bidi-components/{charts.NAME}/{chart_assets.BUNDLE.name}"
# Every request for a plotly.js this tab has made, and every script element that loads one.
REQUESTS = """() => performance.getEntriesByType('resource')
    .filter(r => /plotly[^/]*\\.js/.test(r.name)).map(r => new URL(r.name).pathname)"""
SCRIPTS = """() => [...document.querySelectorAll('script[src]')]
    .filter(s => /plotly[^/]*\\.js/.test(s.src)).map(s => new URL(s.src).pathname)"""


def test_plotly_js_loads_once_per_tab(server, page):
    open_page(page, f"{server.url}/saturation")
    for tab in ("Attention", "Scale", "Attention"):
        page.get_by_role("tab", name=tab).click()
        settle(page)
    for title in ("Probabilities", "Jacobian", "Saturation"):  # pages of the same tab
        page.locator("[data-testid='stSidebarNav'] a", has_text=title).click()
        settle(page)
        total, drawn = count_charts(page)
        assert total == drawn > 0, title
    assert page.evaluate(REQUESTS) == [PLOTLY_PATH]
    assert page.evaluate(SCRIPTS) == [PLOTLY_PATH]
    assert page.locator("iframe").count() == 0  # no chart frame
    assert exceptions(page) == []


def test_the_served_plotly_js_is_the_pinned_bundle(server):
    with urllib.request.urlopen(server.url + PLOTLY_PATH, timeout=10) as r:
        served = r.read()
    assert hashlib.sha256(served).hexdigest() == chart_assets.BUNDLE_SHA256


def test_the_bundle_registers_the_trace_types_the_app_is_checked_against(server, page):
    open_page(page, f"{server.url}/probabilities")
    mine = page.evaluate("() => Object.keys(Plotly.PlotSchema.get().traces).sort()")
    assert set(mine) == chart_assets.TRACES


def test_each_chart_is_as_tall_as_its_figure(server, page):
    open_page(page, f"{server.url}/jacobian")
    sizes = page.evaluate(
        f"""() => [...document.querySelectorAll({CHART!r})].map(d => [
            d.getBoundingClientRect().height,
            d._fullLayout.height,
            !!d.querySelector('.softmax-lab-chart-loading')])"""
    )
    assert sizes, "no chart"
    for chart_height, figure_height, loading_left in sizes:
        assert chart_height == pytest.approx(figure_height, abs=1)
        assert not loading_left  # the placeholder goes with the first drawing


def test_plotly_css_reaches_the_chart(server, page):
    """The component is not style-isolated: Plotly's injected CSS styles its mode bar."""
    open_page(page, f"{server.url}/probabilities")
    position = page.evaluate(
        f"""() => getComputedStyle(
            document.querySelector({CHART!r}).querySelector('.modebar-container')).position"""
    )
    assert position == "absolute"  # from Plotly's stylesheet; 'static' without it
