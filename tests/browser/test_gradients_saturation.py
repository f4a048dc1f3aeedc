"""The Gradients and Saturation pages in Chromium: deep links on a fresh server, then a
click on every tab, each drawing its own charts."""

import re
import time

import pytest

from softmax_lab.ui.sections import SECTIONS
from tests.browser.harness import charts, exceptions, open_page, screenshot, settle

# Charts each tab draws (the multi-label and double-softmax tabs are numbers and tables).
CHARTS = {
    "gradients": (1, 1, 1, 1, 0, 0),
    "saturation": (1, 1, 1, 2),
}


@pytest.mark.parametrize(
    ("path", "title"), [("gradients", "Gradients"), ("saturation", "Saturation")]
)
def test_deep_link_on_a_fresh_server_draws_every_tab(browser, fresh_server, path, title):
    server = fresh_server()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    t0 = time.perf_counter()
    open_page(page, f"{server.url}/{path}", timeout_ms=60_000)
    print(f"{path}: first visit settled in {time.perf_counter() - t0:.2f} s")
    assert exceptions(page) == []
    assert page.locator("h1").first.inner_text().strip() == title
    screenshot(page, f"{path}-default")
    for label, expected in zip(SECTIONS[path], CHARTS[path], strict=True):
        page.get_by_role("tab", name=label).click()
        settle(page, 60_000)
        assert exceptions(page) == [], label
        total, drawn = charts(page)
        assert (total, drawn) == (expected, expected), label
        screenshot(page, f"{path}-tab-{re.sub(r'[^a-z]+', '-', label.lower())}")
    context.close()
