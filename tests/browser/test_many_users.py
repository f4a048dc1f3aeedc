"""Several people at once on one server: each sees only their own batch and run, all
runs finish, and another visitor still gets a whole page while they train.

No time is asserted here: the browsers share the machine's cores with the server, so a
time would measure the browsers. Three are enough to show that sessions keep apart;
how many students a server holds, and how long an interaction takes for a given number
of them, is measured without browsers by ``make loadtest`` (benchmarks/loadtest).
"""

import re

from tests.browser.harness import chart, exceptions, open_page, settle

SESSIONS = 3


def _step(page):
    text = page.locator("[data-testid='stProgress']").first.inner_text()
    return int(re.search(r"step ([\d,]+)", text).group(1).replace(",", ""))


def test_sessions_keep_their_own_state(browser, server):
    contexts, pages = [], []
    for i in range(SESSIONS):
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = ctx.new_page()
        page.set_default_timeout(60_000)
        open_page(
            page,
            f"{server.url}/training?z={i},{i + 1},{2 * i}&names=s{i}a|s{i}b|s{i}c",
            timeout_ms=60_000,
        )
        page.get_by_role("button", name="Setup").click()  # the settings' popover
        steps = page.get_by_label("Maximum steps")
        steps.fill(str(300 + 10 * i))
        steps.press("Enter")
        settle(page, 60_000)
        page.keyboard.press("Escape")  # close the popover
        page.get_by_role("button", name="Start", exact=True).click()
        contexts.append(ctx)
        pages.append(page)

    # While they train, a new visitor gets a whole page (a full run of the frame, every
    # chart drawn) and no error; the wait is generous because the browsers share the cores.
    visitor = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    open_page(visitor, f"{server.url}/", timeout_ms=60_000)
    assert exceptions(visitor) == []
    assert visitor.locator("h1").first.inner_text().strip() == "Softmax Lab"

    for i, page in enumerate(pages):
        page.get_by_text("stopped: reached the maximum").first.wait_for(timeout=90_000)
        settle(page, 60_000)
        assert _step(page) == 300 + 10 * i
        assert exceptions(page) == []
        # Back on the Probabilities page of the same session: its own batch, nobody else's.
        page.locator("[data-testid='stSidebarNav'] a", has_text="Probabilities").click()
        settle(page, 60_000)
        assert f"s{i}a" in chart(page).inner_text()
        assert f"z={i}%2C{i + 1}%2C{2 * i}" in page.url
        others = [f"s{j}a" for j in range(SESSIONS) if j != i]
        body = page.locator("[data-testid='stMain']").inner_text()
        assert not any(o in body for o in others)
    for ctx in contexts:
        ctx.close()
