"""The lesson file format and the answers it computes (softmax_lab.lessons), against SciPy."""

import json
import math
import subprocess
import sys

import numpy as np
import pytest
from scipy import special, stats

from softmax_lab import attention, lessons
from softmax_lab.lessons import parse, truth
from softmax_lab.ui import sections

STORY = lessons.shipped()["softmax-story"]
TEXT = (lessons.SHIPPED / "softmax-story.toml").read_text()

MINIMAL = """
format = 1
id = "tiny"
title = "Tiny"
[[steps]]
title = "One"
page = "gradients"
tab = "Per class"
prompt = "Look."
[steps.batch]
z = [[1.0, 2.0, 3.0]]
y = [2]
[steps.question]
text = "Which class is likeliest?"
answer = "argmax_class"
row = 1
"""


def gold_softmax_row(step, row=1):
    ws = step.workspace
    return special.softmax(ws.logits[row - 1] / ws.temperature)


def gold_mse_grad(u, y):
    """d/du Σ(softmax(u) − y)², through J = diag(a) − a aᵀ built from SciPy's softmax."""
    a = special.softmax(u)
    J = np.diag(a) - np.outer(a, a)
    return J.T @ (2.0 * (a - y))


# -- the shipped lesson follows the notes' story ----------------------------------------
def test_the_story_has_at_least_eight_steps_along_the_notes():
    assert len(STORY.steps) >= 8
    pages = [s.page for s in STORY.steps]
    assert pages[0] == "probabilities"
    assert pages[-1] == "training"
    assert {"jacobian", "gradients", "saturation"} <= set(pages)
    assert [s.tab for s in STORY.steps if s.page == "gradients"] == ["Per class", "Multi-label"]
    assert ("saturation", "Attention") in [(s.page, s.tab) for s in STORY.steps]
    assert all(s.question is not None for s in STORY.steps)


def test_every_tab_of_the_story_exists_in_the_app():
    for step in STORY.steps:
        if step.page in sections.SECTIONS:
            assert step.tab in sections.SECTIONS[step.page]
        else:
            assert step.tab is None


# -- answers against SciPy -------------------------------------------------------------
def _steps(answer):
    return [s for s in STORY.steps if s.question.answer == answer]


def test_probability_answers_match_scipy():
    for step in _steps("probability"):
        q = step.question
        k = step.workspace.class_names.index(q.params["class"])
        gold = gold_softmax_row(step, q.params["row"])[k]
        assert truth(step) == pytest.approx(gold, rel=1e-12)
    for step in _steps("top_probability"):
        gold = gold_softmax_row(step, step.question.params["row"]).max()
        assert truth(step) == pytest.approx(gold, rel=1e-12)
    assert _steps("probability") and _steps("top_probability")


def test_the_jacobian_answer_matches_scipy():
    (step,) = _steps("jacobian_max_abs")
    a = gold_softmax_row(step)
    gold = np.abs(np.diag(a) - np.outer(a, a)).max()
    assert truth(step) == pytest.approx(gold, rel=1e-12)
    assert truth(step) <= 0.25


def test_the_ce_gradient_answer_is_a_times_sum_y_minus_y():
    (step,) = _steps("ce_grad")
    ws, q = step.workspace, step.question
    y = ws.labels[0]
    assert y.sum() == pytest.approx(1.5)  # the step is about labels that do not sum to 1
    k = ws.class_names.index(q.params["class"])
    a = gold_softmax_row(step)
    gold = a[k] * y.sum() - y[k]
    assert truth(step) == pytest.approx(gold, rel=1e-12)
    # and central differences of SciPy's CE agree
    u = ws.logits[0] / ws.temperature

    def ce(v):
        return -(y * special.log_softmax(v)).sum()

    eps = 1e-6
    e = np.zeros_like(u)
    e[k] = eps
    assert (ce(u + e) - ce(u - e)) / (2 * eps) == pytest.approx(gold, abs=1e-8)
    assert abs(truth(step) - (a[k] - y[k])) > 0.1  # a − y is a different number here


def test_the_multilabel_answer_matches_scipy_entropy():
    (step,) = _steps("ce_min_multilabel")
    y = step.workspace.labels[0]
    gold = y.sum() * stats.entropy(y / y.sum())
    assert truth(step) == pytest.approx(gold, rel=1e-12)
    assert truth(step) == pytest.approx(2 * math.log(2), rel=1e-12)


def test_the_naive_overflow_answer_counts_what_numpy_gives():
    (step,) = _steps("naive_nonfinite")
    z = step.workspace.logits[0]
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(z) / np.exp(z).sum()
    assert truth(step) == np.count_nonzero(~np.isfinite(naive)) == 3
    assert np.isfinite(gold_softmax_row(step)).all()


def test_the_attention_answer_matches_scipy():
    (step,) = _steps("attention_top_weight")
    p = step.question.params
    q, K = attention.random_query_keys(p["d"], p["n"], p["seed"])
    scores = K @ q if not p["scaled"] else K @ q / np.sqrt(p["d"])
    assert truth(step) == pytest.approx(special.softmax(scores).max(), rel=1e-12)
    scaled = special.softmax(K @ q / np.sqrt(p["d"])).max()
    assert truth(step) > scaled  # the unscaled softmax is the saturated one


def test_the_gradient_comparisons_match_scipy():
    (choice,) = _steps("larger_gradient")
    u = choice.workspace.logits[0] / choice.workspace.temperature
    y = choice.workspace.labels[0]
    ce = np.linalg.norm(special.softmax(u) * y.sum() - y)
    mse = np.linalg.norm(gold_mse_grad(u, y))
    assert truth(choice) == ("softmax_ce" if ce > mse else "softmax_mse") == "softmax_ce"
    (ratio,) = _steps("grad_norm_ratio")
    u = ratio.workspace.logits[0] / ratio.workspace.temperature
    y = ratio.workspace.labels[0]
    gold = np.linalg.norm(special.softmax(u) - y) / np.linalg.norm(gold_mse_grad(u, y))
    assert truth(ratio) == pytest.approx(gold, rel=1e-10)


def test_argmax_class_is_a_choice_of_class_names():
    lesson = parse(MINIMAL)
    step = lesson.steps[0]
    assert step.question.kind == "choice"
    assert step.question.choices == ("c0", "c1", "c2")
    assert truth(step) == "c2"


# -- judging a guess -------------------------------------------------------------------
def test_a_number_guess_within_tolerance_is_right_and_one_outside_is_not():
    step = STORY.steps[0]
    gold = gold_softmax_row(step)[1]
    assert lessons.judge(step, gold * 1.02).right
    wrong = lessons.judge(step, 0.75)
    assert not wrong.right
    assert f"{gold:.4g}" in wrong.text
    assert f"{gold - 0.75:.3g}" in wrong.text


def test_atol_accepts_a_near_guess_of_a_small_answer():
    step = _steps("ce_grad")[0]
    assert lessons.judge(step, truth(step) + 0.015).right
    assert not lessons.judge(step, truth(step) + 0.05).right


def test_a_choice_guess_is_right_only_when_it_is_the_truth():
    step = _steps("larger_gradient")[0]
    assert lessons.judge(step, "softmax_ce").right
    verdict = lessons.judge(step, "softmax_mse")
    assert not verdict.right
    assert "softmax + CE" in verdict.text or "softmax" in verdict.text


def test_a_non_finite_guess_is_refused():
    with pytest.raises(ValueError, match="guess"):
        lessons.judge(STORY.steps[0], float("nan"))


# -- malformed files: ValueError naming the field ---------------------------------------
def _broken(old, new, text=MINIMAL):
    assert old in text, old
    return text.replace(old, new, 1)


MALFORMED = {
    "not toml": ("format = = 1", "file"),
    "wrong format": (_broken("format = 1", "format = 2"), "format"),
    "bad id": (_broken('id = "tiny"', 'id = "Tiny Lesson!"'), "id"),
    "no title": (_broken('title = "Tiny"\n', ""), "title"),
    "unknown top field": (_broken('title = "Tiny"', 'title = "Tiny"\nauthor = "me"'), "author"),
    "unknown page": (_broken('page = "gradients"', 'page = "nowhere"'), "steps[1].page"),
    "unknown tab": (_broken('tab = "Per class"', 'tab = "Nope"'), "steps[1].tab"),
    "tab on a page without tabs": (
        _broken('page = "gradients"', 'page = "probabilities"'),
        "steps[1].tab",
    ),
    "preset and batch": (
        _broken('prompt = "Look."', 'prompt = "Look."\npreset = "tie"'),
        "steps[1].preset",
    ),
    "unknown preset": (
        _broken("[steps.batch]\nz = [[1.0, 2.0, 3.0]]\ny = [2]\n", 'preset = "nope"\n'),
        "steps[1].preset",
    ),
    "ragged logits": (_broken("z = [[1.0, 2.0, 3.0]]", "z = [[1.0, 2.0, 3.0], [1.0]]"), "batch.z"),
    "text logit": (_broken("z = [[1.0, 2.0, 3.0]]", 'z = [[1.0, "two", 3.0]]'), "batch.z"),
    "huge logit": (_broken("z = [[1.0, 2.0, 3.0]]", "z = [[1.0, 2.0, 3e9]]"), "batch.z"),
    "label out of range": (_broken("y = [2]", "y = [7]"), "batch.y"),
    "bad mode": (_broken("y = [2]", 'y = [2]\nmode = "fuzzy"'), "batch.mode"),
    "names count": (_broken("y = [2]", 'y = [2]\nnames = ["a", "b"]'), "batch.names"),
    "T zero": (_broken('prompt = "Look."', 'prompt = "Look."\nT = 0'), "steps[1].T"),
    "T text": (_broken('prompt = "Look."', 'prompt = "Look."\nT = "hot"'), "steps[1].T"),
    "unknown setting": (
        _broken("[steps.question]", "[steps.settings]\nworkspace = 1\n[steps.question]"),
        "settings.workspace",
    ),
    "setting for another page": (
        _broken("[steps.question]", "[steps.settings]\nattention_d = 8\n[steps.question]"),
        "settings.attention_d",
    ),
    "row beyond the batch": (_broken("row = 1", "row = 2"), "question.row"),
    "unknown answer": (_broken('answer = "argmax_class"', 'answer = "vibes"'), "question.answer"),
    "missing parameter": (_broken("row = 1\n", ""), "question.row"),
    "unknown class": (
        _broken(
            'answer = "argmax_class"\nrow = 1', 'answer = "probability"\nrow = 1\nclass = "cow"'
        ),
        "question.class",
    ),
    "tolerance on a choice": (_broken("row = 1", "row = 1\ntolerance = 0.1"), "question.tolerance"),
    "bad choices": (
        _broken(
            'answer = "argmax_class"\nrow = 1',
            'answer = "larger_gradient"\nrow = 1\nchoices = ["softmax_ce", "magic"]',
        ),
        "question.choices",
    ),
    "prompt too long": (_broken('prompt = "Look."', f'prompt = "{"x" * 601}"'), "steps[1].prompt"),
    "control character": (_broken('prompt = "Look."', 'prompt = "Lo\\u0007ok"'), "steps[1].prompt"),
    "no steps": (MINIMAL[: MINIMAL.index("[[steps]]")] + "steps = []", "steps"),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_a_malformed_file_raises_value_error_naming_the_field(case):
    text, field = MALFORMED[case]
    with pytest.raises(ValueError, match=r"^" + r"[^:]*" + _escape(field)):
        parse(text)


def _escape(text):
    import re

    return re.escape(text)


def test_too_many_steps_are_refused():
    step = MINIMAL[MINIMAL.index("[[steps]]") :]
    text = MINIMAL[: MINIMAL.index("[[steps]]")] + step * (lessons.MAX_LESSON_STEPS + 1)
    with pytest.raises(ValueError, match=r"^steps"):
        parse(text)


def test_an_oversized_or_binary_file_is_refused():
    with pytest.raises(ValueError, match=r"^file"):
        parse(b"#" * (lessons.MAX_LESSON_BYTES + 1))
    with pytest.raises(ValueError, match=r"^file"):
        parse(b"\xff\xfe\x00binary")


def test_the_minimal_file_parses_and_an_unchanged_copy_of_the_story_reparses():
    assert parse(MINIMAL).steps[0].workspace.logits.tolist() == [[1.0, 2.0, 3.0]]
    again = parse(TEXT)
    assert [s.title for s in again.steps] == [s.title for s in STORY.steps]


@pytest.mark.parametrize(
    "text", ["0", "10", "-1", "1.5", "", "１", "3 ", "<b>", "9" * 50, "1e1", "0x1"]
)
def test_hostile_step_params_are_refused(text):
    with pytest.raises(ValueError, match=r"^step"):
        lessons.parse_step_param(text, 9)


@pytest.mark.parametrize("text", ["", "A", "x" * 41, "../etc", "a b", "<script>", "é"])
def test_hostile_lesson_ids_are_refused(text):
    with pytest.raises(ValueError, match=r"^lesson"):
        lessons.check_lesson_id(text)


def test_importing_lessons_loads_no_ui_library():
    code = (
        "import sys, json, softmax_lab.lessons\n"
        "print(json.dumps([m for m in ('streamlit', 'plotly', 'pandas') if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_the_numbers_the_story_quotes_are_what_the_lab_computes():
    """Prompts and questions are lecturer text; the few numbers the shipped one quotes
    are checked here so they cannot drift from the batch."""
    (grad,) = _steps("ce_grad")
    k = grad.workspace.class_names.index(grad.question.params["class"])
    a_minus_y = gold_softmax_row(grad)[k] - grad.workspace.labels[0, k]
    assert f"about −{abs(a_minus_y):.3f}" in grad.question.text
    (att,) = _steps("attention_top_weight")
    assert f"√d ≈ {math.sqrt(att.question.params['d']):.1f}" in att.prompt
    first = STORY.steps[0]
    z = first.workspace.logits[0]
    assert "3/4" in first.prompt and z[1] / z.sum() == 0.75  # "plain averaging gives 3/4"
