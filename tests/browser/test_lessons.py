"""A lesson in Chromium: Next to Next through every step, predict-then-reveal, step links."""

import re

import numpy as np
import pytest
from scipy import special

from softmax_lab import lessons
from softmax_lab.ui.frame import PAGES
from tests.browser.harness import CHART, charts, exceptions, open_page, screenshot, settle

STORY = lessons.shipped()["softmax-story"]
TITLES = {path: title for _, title, path, _ in PAGES}
VIEWPORT = {"width": 1280, "height": 720}
NO_CHART = {("gradients", "Multi-label")}  # metrics and a table, no chart


def _guess(page, step):
    """Commit a guess: a number typed, or the first choice picked."""
    q = step.question
    if q.kind == "number":
        page.get_by_label("Your guess").fill("1")
    else:
        page.get_by_role("radiogroup").get_by_text(lessons.choice_label(q, q.choices[0])).click()
    page.get_by_role("button", name="Commit my guess and reveal").click()
    settle(page)


def _bar(page):
    return page.locator(".st-key-lesson_bar").first.inner_text()


def _hidden(page):
    """Nothing of the page but the lesson bar: no title, no chart."""
    return page.locator("h1").count() == 0 and charts(page)[0] == 0


def _open_tab(page):
    return page.locator("[role='tab'][aria-selected='true']").first.inner_text().strip()


def _caption(page):
    return (
        page.locator("[data-testid='stSidebar']").get_by_text(re.compile(r"^Batch: ")).inner_text()
    )


def _check_view(page, k, step):
    """The step's page, tab and values, with every chart drawn."""
    assert re.search(rf"/{step.page}\?", page.url), (k, page.url)
    assert "lesson=softmax-story" in page.url and f"step={k}" in page.url
    assert page.locator("h1").first.inner_text().strip() == TITLES[step.page], k
    if step.tab is not None:
        assert _open_tab(page) == step.tab, k
    T = step.workspace.temperature
    assert f"T = {T:g}" in _caption(page), k
    if (step.page, step.tab) not in NO_CHART:
        page.locator(CHART).first.wait_for()  # a chart mounts once its component loads
        settle(page)
    total, drawn = charts(page)
    assert drawn == total, (k, total, drawn)
    assert (total > 0) == ((step.page, step.tab) not in NO_CHART), k
    assert exceptions(page) == []


def test_a_lesson_runs_next_to_next_and_every_step_link_reopens_it(browser, server):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(30_000)
    open_page(page, f"{server.url}/lesson")
    page.get_by_role("button", name="Start the lesson").click()
    settle(page)
    links = []
    for k, step in enumerate(STORY.steps, 1):
        assert f"step {k} of {len(STORY.steps)}" in _bar(page), k
        assert _hidden(page), f"step {k} showed its page before a guess"
        if k == 1:  # a guess is required before the reveal
            page.get_by_role("button", name="Commit my guess and reveal").click()
            settle(page)
            assert page.get_by_text("Make a guess first").count() == 1
            assert _hidden(page)
            screenshot(page, "lesson-step1-question")
        _guess(page, step)
        _check_view(page, k, step)
        if k == 1:
            gold = special.softmax(np.array([1.0, 3.0]))[1]  # the verdict's truth, by SciPy
            assert f"{gold:.4g}" in _bar(page)
            screenshot(page, "lesson-step1-revealed")
        links.append(page.url)
        if k < len(STORY.steps):
            # Next by its keyboard shortcut (what a presenter's remote sends)
            page.locator(".st-key-lesson_bar").first.click(position={"x": 5, "y": 5})
            page.keyboard.press("PageDown")
            page.get_by_text(f"step {k + 1} of").first.wait_for()
            settle(page)
    screenshot(page, "lesson-last-step")
    context.close()

    # Each step's link in a fresh browser context shows the same view, tab included.
    for k, (url, step) in enumerate(zip(links, STORY.steps, strict=True), 1):
        other = browser.new_context(viewport=VIEWPORT)
        fresh = other.new_page()
        fresh.set_default_timeout(30_000)
        open_page(fresh, url)
        assert f"step {k} of" in _bar(fresh), k
        assert _hidden(fresh)
        _guess(fresh, step)
        _check_view(fresh, k, step)
        other.close()


def test_prev_button_and_leave(browser, server):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    open_page(page, f"{server.url}/lesson?lesson=softmax-story&step=2")
    assert "step 2 of" in _bar(page)
    page.get_by_role("button", name=re.compile("^Prev")).click()
    page.get_by_text("step 1 of").first.wait_for()
    settle(page)
    assert "/probabilities?" in page.url and "step=1" in page.url
    page.get_by_role("button", name="Leave").click()
    settle(page)
    assert "lesson=" not in page.url
    assert page.locator("h1").first.inner_text().strip() == "Probabilities"
    assert exceptions(page) == []
    context.close()


@pytest.mark.parametrize(
    "query", ["lesson=nope&step=1", "lesson=softmax-story&step=99", "lesson=%3Cb%3Ex&step=1"]
)
def test_a_bad_lesson_link_says_so_and_shows_the_page(browser, server, query):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    open_page(page, f"{server.url}/probabilities?{query}")
    assert page.get_by_text("This lesson link could not be read").count() == 1
    assert page.locator("h1").first.inner_text().strip() == "Probabilities"
    assert page.locator("b").filter(has_text="x").count() == 0
    assert exceptions(page) == []
    context.close()


def test_an_uploaded_lesson_runs_and_a_broken_one_names_its_field(browser, server, tmp_path):
    good = tmp_path / "mine.toml"
    good.write_text(
        (lessons.SHIPPED / "softmax-story.toml")
        .read_text()
        .replace('id = "softmax-story"', 'id = "mine"')
        .replace("Softmax, from the notes to a training run", "My own lecture")
    )
    bad = tmp_path / "broken.toml"
    bad.write_text(good.read_text().replace('tab = "Attention"', 'tab = "Nowhere"'))
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    open_page(page, f"{server.url}/lesson")
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(bad))
    page.get_by_text("could not be read").first.wait_for()
    settle(page)
    assert "steps[8].tab" in page.get_by_text("could not be read").first.inner_text()
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(good))
    page.get_by_text("Loaded").first.wait_for()
    settle(page)
    page.get_by_role("button", name="Start the lesson").click()
    settle(page)
    assert "My own lecture" in _bar(page)
    assert re.search(r"lesson=u-[0-9a-f]{16}", page.url)
    assert exceptions(page) == []
    # its link opens it in another browser on this server
    url = page.url
    other = browser.new_context(viewport=VIEWPORT)
    fresh = other.new_page()
    open_page(fresh, url)
    assert "My own lecture" in _bar(fresh)
    other.close()
    context.close()
