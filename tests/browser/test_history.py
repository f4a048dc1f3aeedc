"""Browser history in Chromium: a temperature drag rewrites the address in place, a page
change adds an entry, and the link keeps T across pages."""

from urllib.parse import parse_qs, urlsplit

from scipy import special

from tests.browser.harness import exceptions, open_page, settle


def _params(page) -> dict:
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


def test_slider_steps_replace_the_entry_and_a_page_change_adds_one(page, server):
    open_page(page, f"{server.url}/probabilities?preset=penalty&T=1")
    before = page.evaluate("history.length")
    slider = page.get_by_role("slider").first
    slider.focus()
    for _ in range(3):  # three grid steps up from 1: 1.12, 1.26, 1.41
        slider.press("ArrowRight")
        settle(page)
    assert page.evaluate("history.length") == before  # replaced, not pushed
    assert _params(page)["T"] == "1.41"
    assert exceptions(page) == []

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Jacobian").click()
    settle(page)
    assert urlsplit(page.url).path.endswith("/jacobian")
    assert page.evaluate("history.length") > before  # the page change is an entry
    assert _params(page)["T"] == "1.41"  # the link still holds the temperature

    # The link reproduces the view: a fresh context on it shows softmax at T = 1.41.
    context = page.context.browser.new_context()
    other = context.new_page()
    open_page(other, f"{server.url}/probabilities?" + urlsplit(page.url).query)
    gold = special.softmax([1.0 / 1.41, 3.0 / 1.41])
    text = other.get_by_test_id("stMain").inner_text()
    assert f"{gold.max():.4f}" in text
    context.close()
