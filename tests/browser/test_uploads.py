"""Uploads in a real browser: bad files get a message and change nothing; markup in CSV
cells shows as text and runs no script."""

import json

from playwright.sync_api import expect

from tests.browser.harness import chart, count_in_charts, exceptions, open_page, settle, untouched

PAYLOAD = "<img src=x onerror=window.__pwned=1>"


def _choose_csv(page):
    page.get_by_role("button", name="Setup").click()  # the settings are in a popover
    page.get_by_text("uploaded CSV", exact=True).click()
    settle(page)
    page.keyboard.press("Escape")


def test_bad_csv_files_are_refused_and_nothing_changes(browser, server, page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_page(page, f"{server.url}/training")
    _choose_csv(page)
    uploader = page.locator("[data-testid='stFileUploaderDropzoneInput']").first
    for name, data, message in [
        ("empty.csv", b"", "empty"),
        ("binary.csv", b"\x00\x01\x02\x03" * 100, "binary"),
        ("wrong.csv", b"a,b,c\n1,2,3\n", "header must be exactly"),
        ("rows.csv", b"x1,x2,label\n" + b"1,2,0\n" * 6000, "more than 5,000 rows"),
    ]:
        uploader.set_input_files({"name": name, "mimeType": "text/csv", "buffer": data})
        settle(page)
        alert = page.locator("[data-testid='stAlert']").filter(has_text=message)
        alert.first.wait_for(timeout=30_000)  # the upload's rerun may start after settle
        settle(page)
        assert alert.count() == 1, name
        assert "Nothing was changed" in alert.first.inner_text()
        assert exceptions(page) == []
    assert dialogs == []


def test_markup_in_csv_labels_shows_as_text(browser, server, page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_page(page, f"{server.url}/training")
    _choose_csv(page)
    rows = ["x1,x2,label"] + [
        f"{i % 7},{i // 7},{PAYLOAD if i % 2 else 'plain'}" for i in range(40)
    ]
    uploader = page.locator("[data-testid='stFileUploaderDropzoneInput']").first
    uploader.set_input_files(
        {"name": "xss.csv", "mimeType": "text/csv", "buffer": "\n".join(rows).encode()}
    )
    # The upload's rerun may start after a settle: wait until the confusion matrix is
    # the uploaded data's (before it, the generated data's classes 0, 1, 2 are shown).
    expect(chart(page, -1)).to_contain_text(PAYLOAD, timeout=30_000)
    settle(page)
    assert exceptions(page) == []
    assert dialogs == []
    assert untouched(page)
    assert PAYLOAD in chart(page, -1).inner_text()
    assert count_in_charts(page, "img") == 0


def test_a_malformed_run_json_is_refused(browser, server, page):
    open_page(page, f"{server.url}/training")
    page.get_by_text("Export or load a run").click()
    inputs = page.locator("[data-testid='stFileUploaderDropzoneInput']")
    bad = json.dumps({"config": {"pair": "eval('x')"}, "n_classes": 3, "steps": 0, "params": {}})
    inputs.last.set_input_files(
        {"name": "run.json", "mimeType": "application/json", "buffer": bad.encode()}
    )
    alert = page.locator("[data-testid='stAlert']").filter(has_text="could not be loaded")
    alert.first.wait_for(timeout=30_000)  # the upload's rerun may start after a settle
    settle(page)
    assert alert.count() == 1
    assert exceptions(page) == []
