"""The lesson flow under AppTest: start, predict-then-reveal, Next/Prev, links."""

import numpy as np
import pytest
from scipy import special

from softmax_lab import lessons
from softmax_lab.ui import lesson_bar, sections
from softmax_lab.ui.frame import PAGES
from tests.page_harness import run_page

STORY = lessons.shipped()["softmax-story"]
TITLES = {path: title for _, title, path, _ in PAGES}


def _follow(at):
    """Stay on the page the script switched to, as the browser does (AppTest would
    otherwise run its own page again on the next interaction)."""
    state = at.session_state  # AppTest's proxy has no .get()
    active = state[lesson_bar.ACTIVE] if lesson_bar.ACTIVE in state else None  # noqa: SIM401
    if active:
        page = STORY.steps[active["step"] - 1].page
        at.switch_page(f"pages/{page}.py")
    return at


def _start(at, step=1):
    if step != 1:
        at.selectbox(key="lesson_start_softmax-story").set_value(step).run()
    next(b for b in at.button if b.key == "lesson_start").click().run()
    assert not at.exception
    return _follow(at)


def _bar(at):
    return at.markdown[0].value


def _guess(at, value):
    """Type or pick a guess and commit it, as the student does."""
    k = at.session_state[lesson_bar.ACTIVE]["step"]
    key = f"lesson_guess_softmax-story_{k}"
    widget = next((w for w in [*at.number_input, *at.radio] if w.key == key), None)
    if value is not None:
        widget.set_value(value)
    next(b for b in at.button if b.label == "Commit my guess and reveal").click().run()
    assert not at.exception
    return at


def _next(at):
    next(b for b in at.button if b.key == "lesson_next").click().run()
    assert not at.exception
    return _follow(at)


def _plain(text):
    """Markdown as the reader sees it: the escapes of user text removed."""
    return text.replace("\\", "")


def _title(at):
    return at.title[0].value if at.title else None


@pytest.fixture
def at():
    return _start(run_page("lesson"))


def test_the_lesson_page_lists_the_story_and_the_format():
    page = run_page("lesson")
    assert not page.exception
    assert _title(page) == "Lesson"
    steps = page.dataframe[0].value
    assert list(steps["title"]) == [s.title for s in STORY.steps]
    assert any("format = 1" in c.value for c in page.code)


def test_a_step_hides_its_page_until_a_guess_is_committed(at):
    assert "step **1 of 9**" in _bar(at)
    assert _title(at) is None  # the page, and so its chart, is not drawn yet
    _guess(at, None)  # commit without a guess
    assert any("Make a guess first" in w.value for w in at.warning)
    assert _title(at) is None
    _guess(at, 0.75)
    assert _title(at) == "Probabilities"
    gold = special.softmax([1.0, 3.0])[1]
    verdict = _plain(at.error[0].value)  # 0.75 is off by more than the 3 % tolerance
    assert f"{gold:.4g}" in verdict and "0.75" in verdict
    assert at.session_state["workspace"].preset == "penalty"


def test_a_right_guess_is_called_right(at):
    gold = special.softmax([1.0, 3.0])[1]
    _guess(at, round(gold, 2))
    assert at.success and "Right" in at.success[0].value
    assert f"{gold:.4g}" in _plain(at.success[0].value)


def test_next_lands_every_step_on_its_page_tab_and_values(at):
    for k, step in enumerate(STORY.steps, 1):
        assert f"step **{k} of {len(STORY.steps)}**" in _bar(at)
        assert _title(at) is None
        guess = step.question.choices[0] if step.question.kind == "choice" else 1.0
        _guess(at, guess)
        assert _title(at) == TITLES[step.page], k
        ws = at.session_state["workspace"]
        np.testing.assert_array_equal(ws.logits, step.workspace.logits)
        assert ws.temperature == step.workspace.temperature
        assert f"T = {step.workspace.temperature:g}" in at.sidebar.caption[-1].value
        if step.tab is not None:
            assert at.session_state[sections.key(step.page)] == step.tab
        assert at.query_params["lesson"] == "softmax-story"
        assert at.query_params["step"] == str(k)
        if k < len(STORY.steps):
            _next(at)
    assert next(b for b in at.button if b.key == "lesson_next").disabled


def test_step_settings_reach_the_page_widgets():
    at = _start(run_page("lesson"), 8)
    _guess(at, 1.0)
    assert _title(at) == "Saturation"
    assert at.slider(key="attention_d").value == 512
    assert at.number_input(key="attention_n").value == 16


def test_prev_goes_back_and_a_revealed_step_stays_revealed(at):
    _guess(at, 0.9)
    _next(at)
    assert _title(at) is None
    next(b for b in at.button if b.key == "lesson_prev").click().run()
    _follow(at).run()
    assert "step **1 of 9**" in _bar(at)
    assert _title(at) == "Probabilities"  # guessed already: no second question


def test_a_step_link_opens_that_step_in_a_new_session():
    at = _follow(run_page("home", query={"lesson": "softmax-story", "step": "3"}))
    assert not at.exception
    assert "step **3 of 9**" in _bar(at)
    _guess(at, 0.2)
    assert _title(at) == "Jacobian"
    assert at.session_state[sections.key("jacobian")] == "The Jacobian"


def test_the_batch_in_a_step_link_wins_over_the_steps_own():
    at = run_page("jacobian", query={"lesson": "softmax-story", "step": "3", "preset": "tie"})
    _guess(at, 0.2)
    assert _title(at) == "Jacobian"
    assert at.session_state["workspace"].preset == "tie"


@pytest.mark.parametrize(
    "query",
    [
        {"lesson": "nope", "step": "1"},
        {"lesson": "softmax-story", "step": "0"},
        {"lesson": "softmax-story", "step": "99"},
        {"lesson": "softmax-story", "step": "two"},
        {"lesson": "<script>alert(1)</script>", "step": "1"},
        {"lesson": "x" * 5000},
        {"lesson": ["softmax-story", "softmax-story"], "step": "1"},
    ],
    ids=["unknown", "step 0", "step 99", "text step", "markup", "long", "repeated"],
)
def test_a_bad_lesson_link_gives_a_message_and_no_lesson(query):
    at = run_page("probabilities", query=query)
    assert not at.exception
    assert any("lesson link could not be read" in w.value for w in at.warning)
    assert lesson_bar.ACTIVE not in at.session_state
    assert _title(at) == "Probabilities"


def test_leave_ends_the_lesson_and_drops_it_from_the_link(at):
    _guess(at, 0.9)
    next(b for b in at.button if b.key == "lesson_leave").click().run()
    assert lesson_bar.ACTIVE not in at.session_state
    assert "lesson" not in at.query_params
    assert _title(at) == "Probabilities"


def test_a_page_away_from_the_step_shows_a_way_back(at):
    _guess(at, 0.9)
    at.switch_page("pages/gradients.py").run()
    assert _title(at) == "Gradients"
    assert any("This step is on the Probabilities page" in i.value for i in at.info)
    next(b for b in at.button if b.key == "lesson_back").click().run()
    _follow(at).run()
    assert _title(at) == "Probabilities"


def test_the_training_step_sets_up_both_runs():
    at = _start(run_page("lesson"), 9)
    _guess(at, 50.0)
    assert _title(at) == "Training"
    step = STORY.steps[8]
    assert step.settings["train_pair"] == at.session_state["tr_pair"] == "softmax_mse"
    assert at.session_state["tr_init"] == at.session_state["tr_init_b"] == 10.0
    assert at.session_state["tr_compare"] is True
    assert at.session_state["tr_pair_b"] == "softmax_ce"
    assert at.query_params["tr_pair"] == "softmax_mse"
    assert at.query_params["step"] == "9"


def test_markup_in_a_shared_lesson_shows_as_text():
    hostile = (
        (lessons.SHIPPED / "softmax-story.toml")
        .read_text()
        .replace('id = "softmax-story"', 'id = "hostile"')
        .replace(
            'title = "What softmax computes"',
            'title = "<img src=x onerror=alert(1)> [x](javascript:alert(1))"',
        )
        .replace(
            'text = "What probability does softmax give class c1 (the logit 3)?"',
            'text = "**bold** <script>window.__pwned=1</script> $\\\\frac{1}{0}$"',
        )
    )
    key = "u-" + "0" * 16
    lesson_bar._SHARED[key] = hostile.encode()
    try:
        at = run_page("probabilities", query={"lesson": key, "step": "1"})
        assert not at.exception
        shown = " ".join(m.value for m in at.markdown)
        assert "\\<img" in shown and "\\[x\\]\\(javascript" in shown
        assert "\\<script\\>" in shown and "\\*\\*bold\\*\\*" in shown and "\\$" in shown
        assert all(not getattr(m.proto, "allow_html", False) for m in at.markdown)
    finally:
        lesson_bar._SHARED.pop(key, None)


SETTINGS_LESSON = """
format = 1
id = "settings"
title = "Settings reach the widgets"
[[steps]]
title = "Sweep"
page = "gradients"
tab = "Sweep one logit"
T = 0.5
prompt = "Row 2, sweep c2."
[steps.batch]
z = [[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]]
y = [2, 0]
[steps.settings]
row = 2
sweep_class = "c2"
[[steps]]
title = "Fit"
page = "jacobian"
tab = "The Jacobian"
preset = "confident"
prompt = "A tiny J: fit the colours."
[steps.settings]
fit_scale = true
"""


def test_row_class_and_toggle_settings_reach_their_widgets():
    key = "u-" + "1" * 16
    lesson_bar._SHARED[key] = SETTINGS_LESSON.encode()
    try:
        at = run_page("gradients", query={"lesson": key, "step": "1"})
        assert not at.exception
        assert _title(at) == "Gradients"  # no question: the page shows at once
        assert at.selectbox(key="gradients_row").value == 1  # row 2, 0-based in the widget
        assert at.selectbox(key="grad_sweep_k").value == 2
        assert at.session_state["workspace"].temperature == 0.501  # T = 0.5 on the slider grid
        next(b for b in at.button if b.key == "lesson_next").click().run()
        at.switch_page("pages/jacobian.py").run()
        assert _title(at) == "Jacobian"
        assert at.toggle(key="jacobian_fit_scale").value is True
        assert at.session_state["workspace"].preset == "confident"
    finally:
        lesson_bar._SHARED.pop(key, None)
