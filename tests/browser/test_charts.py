"""The chart frames in Chromium: plotly.js from the browser's cache, and the fallback."""

import pytest

from softmax_lab.ui.charts import STATIC_NAME
from tests.browser.harness import CHART_FRAME, Server, charts, exceptions, open_page, settle

RESOURCES = rf"""() => [...document.querySelectorAll({CHART_FRAME!r})].map(f => {{
    const js = f.contentWindow.performance.getEntriesByType('resource')
        .filter(r => /plotly.*\.min\.js$/.test(r.name));
    return js.map(r => [r.name.split('/').slice(-3).join('/'), r.transferSize]);
}})"""


def test_later_frames_read_plotly_js_from_the_browser_cache(server, page):
    open_page(page, f"{server.url}/saturation")
    [first] = page.evaluate(RESOURCES)
    assert [name for name, _ in first] == [f"app/static/{STATIC_NAME}"]
    for tab in ("Attention", "Scale", "Attention"):
        page.get_by_role("tab", name=tab).click()
        settle(page)
        for [(name, transferred)] in page.evaluate(RESOURCES):
            assert name == f"app/static/{STATIC_NAME}"
            assert transferred == 0  # from the cache: never the 1.5 MB again
    assert charts(page) == (2, 2)
    assert exceptions(page) == []


def test_without_static_serving_the_frames_use_their_own_copy(page):
    server = Server(env={"STREAMLIT_SERVER_ENABLE_STATIC_SERVING": "false"})
    try:
        open_page(page, f"{server.url}/probabilities")
        total, drawn = charts(page)
        assert total == drawn == 1
        [[*tried, (name, _)]] = page.evaluate(RESOURCES)
        assert name.endswith("softmax_lab.ui.charts.plotly_chart/plotly.min.js")
        assert [n for n, _ in tried] in ([], [f"app/static/{STATIC_NAME}"])
        assert exceptions(page) == []
    finally:
        server.stop()


def test_each_frame_is_as_tall_as_its_figure(server, page):
    open_page(page, f"{server.url}/jacobian")
    sizes = page.evaluate(
        f"""() => [...document.querySelectorAll({CHART_FRAME!r})].map(f => [
            f.getBoundingClientRect().height,
            f.contentDocument.querySelector('.js-plotly-plot')._fullLayout.height,
            !!f.contentDocument.getElementById('loading')])"""
    )
    assert sizes, "no chart frame"
    for frame_height, figure_height, loading_left in sizes:
        assert frame_height == pytest.approx(figure_height, abs=1)
        assert not loading_left  # the placeholder goes with the first drawing
