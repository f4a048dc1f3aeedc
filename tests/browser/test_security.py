"""Hostile text in a real browser: no dialog opens, no script runs, the text shows escaped."""

from urllib.parse import quote

from tests.browser.harness import chart, count_in_charts, exceptions, open_page, untouched

PAYLOADS = [
    "<img src=x onerror=window.__pwned=1>",
    "<script>window.__pwned=2</script>",
    "javascript:window.__pwned=3",
]


def _watch(page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return dialogs


def test_class_names_with_markup_show_as_text(browser, server, page):
    dialogs = _watch(page)
    names = quote("|".join(PAYLOADS), safe="")
    open_page(page, f"{server.url}/probabilities?z=1,2,3&y=0&names={names}")
    assert exceptions(page) == []
    assert dialogs == []
    assert untouched(page)
    # The names are listed as plain text in the editor and drawn as text in the chart.
    chart_text = chart(page).inner_text()
    assert "<img src=x onerror=window.__pwned=1>" in chart_text
    assert count_in_charts(page, "img") == 0
    assert page.locator("script:has-text('__pwned')").count() == 0


def test_hostile_query_parameters_show_a_message_not_markup(browser, server, page):
    dialogs = _watch(page)
    bad = quote("<img src=x onerror=window.__pwned=4>", safe="")
    open_page(page, f"{server.url}/probabilities?preset={bad}&T=javascript:alert(1)")
    assert exceptions(page) == []
    assert dialogs == []
    assert untouched(page)
    warning = page.locator("[data-testid='stAlert']").first.inner_text()
    assert "could not be read" in warning
    assert page.locator("[data-testid='stAlert'] img").count() == 0


def test_hostile_tab_and_training_parameters_show_a_message_not_markup(browser, server, page):
    dialogs = _watch(page)
    bad = quote("<img src=x onerror=window.__pwned=5>", safe="")
    for url in (f"/jacobian?tab={bad}", f"/training?tr_kind={bad}&tr_at={bad}"):
        open_page(page, server.url + url)
        assert exceptions(page) == []
        assert dialogs == []
        assert untouched(page)
        warnings = page.locator("[data-testid='stAlert']").all_inner_texts()
        assert any("does not have" in w or "could not be read" in w for w in warnings), warnings
        assert page.locator("[data-testid='stAlert'] img").count() == 0
