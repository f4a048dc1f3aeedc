"""The chart frames in Chromium: plotly.js from the browser's cache, and the fallback."""

from tests.browser.harness import CHART_FRAME, Server, charts, exceptions, open_page, settle

RESOURCES = f"""() => [...document.querySelectorAll({CHART_FRAME!r})].map(f => {{
    const js = f.contentWindow.performance.getEntriesByType('resource')
        .filter(r => r.name.endsWith('plotly.min.js'));
    return js.map(r => [r.name.split('/').slice(-3).join('/'), r.transferSize]);
}})"""


def test_later_frames_read_plotly_js_from_the_browser_cache(server, page):
    open_page(page, f"{server.url}/saturation")
    [first] = page.evaluate(RESOURCES)
    assert [name for name, _ in first] == ["app/static/plotly.min.js"]
    page.get_by_role("tab", name="Attention").click()
    settle(page)
    assert charts(page) == (2, 2)
    for [(name, transferred)] in page.evaluate(RESOURCES):
        assert name == "app/static/plotly.min.js"
        assert transferred < 10_000  # from the cache, or a 304: never the 1.5 MB body again
    assert exceptions(page) == []


def test_without_static_serving_the_frames_use_their_own_copy(page):
    server = Server(env={"STREAMLIT_SERVER_ENABLE_STATIC_SERVING": "false"})
    try:
        open_page(page, f"{server.url}/probabilities")
        total, drawn = charts(page)
        assert total == drawn == 1
        [[*tried, (name, _)]] = page.evaluate(RESOURCES)
        assert name.endswith("softmax_lab.ui.charts.plotly_chart/plotly.min.js")
        assert [n for n, _ in tried] in ([], ["app/static/plotly.min.js"])
        assert exceptions(page) == []
    finally:
        server.stop()
