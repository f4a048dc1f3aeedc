"""The Jacobian page in Chromium: a deep link on a fresh server, then C = 50 and C = 200."""

import time

import pytest
from scipy import special

from softmax_lab.reference_examples import WRITEUP_Z
from softmax_lab.workspace import TEMPERATURES
from tests.browser.harness import (
    chart,
    charts,
    count_in_charts,
    exceptions,
    open_page,
    screenshot,
    settle,
)

HEATMAP = ".heatmaplayer image, .hm"


def _heatmap_drawn(page) -> bool:
    return count_in_charts(page, HEATMAP) > 0


def test_deep_link_on_a_fresh_server_draws_the_heatmap(browser, fresh_server):
    server = fresh_server()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    t0 = time.perf_counter()
    open_page(page, f"{server.url}/jacobian", timeout_ms=60_000)
    print(f"first visit settled in {time.perf_counter() - t0:.2f} s")
    assert exceptions(page) == []
    assert page.locator("h1").first.inner_text().strip() == "Jacobian"
    total, drawn = charts(page)
    assert total == drawn == 1  # the first tab: the heatmap
    assert _heatmap_drawn(page)
    cells = chart(page).locator(".heatmap-label text")
    assert cells.count() == 9  # each value of the 3 × 3 J printed in its cell
    a = special.softmax(WRITEUP_Z[0])
    assert cells.first.text_content() == f"{a[0] * (1 - a[0]):.4f}"

    screenshot(page, "jacobian-default")
    page.get_by_role("tab", name="The writeup's example").click()
    settle(page)
    assert page.get_by_text("The writeup's worked example").count() == 1
    assert charts(page) == (1, 1)  # exact J, the printed J and their difference
    page.get_by_role("tab", name="The Jacobian").click()
    settle(page)

    # a temperature change redraws the page (benchmarks/browser.py compares with the floor)
    slider = page.locator("[data-testid='stSidebar'] [data-testid='stSlider'] input").first
    up = TEMPERATURES[TEMPERATURES.index(1.0) + 1]
    times = []
    for key, t in (("ArrowRight", up), ("ArrowLeft", 1.0), ("ArrowRight", up)):
        t0 = time.perf_counter()
        slider.press(key)
        page.get_by_text(f"Row 1 at T = {t:g}").first.wait_for(timeout=30_000)
        settle(page)
        times.append(time.perf_counter() - t0)
    print("temperature change round trips (s):", [f"{x:.2f}" for x in times])
    assert exceptions(page) == []
    assert page.get_by_text(f"Row 1 at T = {up:g}").count() == 1
    assert max(times) < 10
    context.close()


@pytest.mark.parametrize("n_classes", [50, 200])
def test_large_batches_draw_and_settle(browser, server, page, n_classes):
    t0 = time.perf_counter()
    open_page(page, f"{server.url}/jacobian?gen=random:2:{n_classes}:3:0", timeout_ms=60_000)
    seconds = time.perf_counter() - t0
    print(f"C = {n_classes}: settled in {seconds:.2f} s")
    assert exceptions(page) == []
    total, drawn = charts(page)
    assert total == drawn == 1
    assert _heatmap_drawn(page)
    assert seconds < 30
    screenshot(page, f"jacobian-C{n_classes}")
