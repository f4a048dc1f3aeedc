"""The Gradients and Saturation pages in Chromium: deep links on a fresh server."""

import time

import pytest

from tests.browser.harness import charts, exceptions, open_page, screenshot


@pytest.mark.parametrize(
    ("path", "title"), [("gradients", "Gradients"), ("saturation", "Saturation")]
)
def test_deep_link_on_a_fresh_server_draws_every_chart(browser, fresh_server, path, title):
    server = fresh_server()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    t0 = time.perf_counter()
    open_page(page, f"{server.url}/{path}", timeout_ms=60_000)
    print(f"{path}: first visit settled in {time.perf_counter() - t0:.2f} s")
    assert exceptions(page) == []
    assert page.locator("h1").first.inner_text().strip() == title
    total, drawn = charts(page)
    assert total >= 4 and drawn == total
    screenshot(page, f"{path}-default")
    context.close()
