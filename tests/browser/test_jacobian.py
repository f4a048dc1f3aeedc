"""The Jacobian page in Chromium at C = 50 and C = 200, each a first visit to a fresh server."""

import time

import pytest

from tests.browser.harness import charts, exceptions, open_page, screenshot


@pytest.mark.parametrize("n_classes", [50, 200])
def test_jacobian_page_draws_large_heatmaps(browser, fresh_server, n_classes):
    server = fresh_server()
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    t0 = time.perf_counter()
    open_page(page, f"{server.url}/jacobian?gen=random:2:{n_classes}:3:0", timeout_ms=60_000)
    seconds = time.perf_counter() - t0
    assert exceptions(page) == []
    total, drawn = charts(page)
    assert total >= 2
    assert drawn == total
    heatmap = page.locator("[data-testid='stPlotlyChart']").first
    assert heatmap.locator(".heatmaplayer, .hm").count() + heatmap.locator("image").count() > 0
    screenshot(page, f"jacobian-C{n_classes}")
    print(f"C = {n_classes}: settled in {seconds:.1f} s")
