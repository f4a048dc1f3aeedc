"""Hostile input on every page: each case ends with a clear message, the last valid view
still on screen, and no traceback."""

import numpy as np
import pytest

from softmax_lab.ui.frame import PAGES, ROOT
from softmax_lab.workspace import from_preset
from tests.page_harness import edit_table, editor_key, plotly_figures, run_page

PAGE_NAMES = [p for s, _, p, _ in PAGES if p and (ROOT / s).exists()]
DEFAULT = from_preset("writeup")

# Every way a link can be malformed is a unit test of the link codec
# (tests/test_link_codec.py); here each page shows the message and keeps its batch.
HOSTILE_LINK = {"z": "nan,1", "T": "-1"}


@pytest.mark.parametrize("page", PAGE_NAMES)
def test_a_hostile_link_shows_a_message_and_keeps_the_batch(page):
    at = run_page(page, query={"z": "5,6;7,8", "names": "cat|dog"})
    assert not at.exception, at.exception
    for key in list(at.query_params):
        del at.query_params[key]
    for key, value in HOSTILE_LINK.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    assert any("could not be read" in w.value for w in at.warning)
    ws = at.session_state["workspace"]
    np.testing.assert_array_equal(ws.logits, [[5, 6], [7, 8]])
    assert ws.class_names == ("cat", "dog")


def test_negative_zero_and_extreme_but_valid_link_values_are_accepted():
    at = run_page("probabilities", query={"z": "-0.0,1e6,-1e6"})
    assert not at.exception
    assert not at.warning
    np.testing.assert_array_equal(at.session_state["workspace"].logits, [[-0.0, 1e6, -1e6]])
    assert plotly_figures(at)


@pytest.mark.parametrize(
    "names",
    ["猫 🐈", "כלב", "قطة", "<b>bold</b>", "<script>alert(1)</script>", "[x](javascript:alert(1))"],
)
def test_unicode_rtl_and_markup_names_are_kept_as_text(names):
    at = run_page("probabilities", query={"z": "1,2", "names": f"{names}|other"})
    assert not at.exception
    assert at.session_state["workspace"].class_names == (names, "other")


HOSTILE_CELLS = {
    "nan": float("nan"),
    "inf": float("inf"),
    "-inf": float("-inf"),
    "1e308": 1e308,
    "empty": None,
    "text": "abc",
}


@pytest.mark.parametrize("case", list(HOSTILE_CELLS))
def test_hostile_logit_cell_keeps_the_last_batch(case):
    at = run_page("probabilities")
    edit_table(at, editor_key(at, "logits"), edited={1: {"c0": HOSTILE_CELLS[case]}})
    assert not at.exception
    assert at.error
    np.testing.assert_array_equal(at.session_state["workspace"].logits, DEFAULT.logits)


def test_every_row_deleted_and_too_many_rows_and_classes():
    at = run_page("probabilities")
    edit_table(at, editor_key(at, "logits"), deleted=[0, 1])
    assert any("no rows" in e.value for e in at.error)
    at = run_page("probabilities")
    edit_table(at, editor_key(at, "logits"), added=[{"c0": 1.0, "c1": 1.0, "c2": 1.0}] * 19)
    assert any("At most 20 rows" in e.value for e in at.error)
    at = run_page("probabilities")
    for _ in range(47):  # C = 3 + 47 = 50, the table's limit: the button turns off
        next(b for b in at.button if b.label == "Add a class").click().run()
    assert at.session_state["workspace"].n_classes == 50
    assert next(b for b in at.button if b.label == "Add a class").disabled
    at = run_page("probabilities")
    for page in (at,):
        assert not page.exception
        np.testing.assert_array_equal(page.session_state["workspace"].logits, DEFAULT.logits)


@pytest.mark.parametrize("name", ["", "x" * 10_000, "a|b", "c1"])
def test_hostile_class_name_edit_keeps_the_last_names(name):
    at = run_page("probabilities")
    edit_table(at, editor_key(at, "names"), edited={0: {"class 1": name}})
    assert not at.exception
    assert at.error
    assert at.session_state["workspace"].class_names == DEFAULT.class_names


def test_diverging_training_settings_stop_with_a_message():
    at = run_page("training")
    at.slider(key="tr_hidden").set_value(8).run()
    at.radio(key="tr_act").set_value("relu").run()
    at.select_slider(key="tr_lr").set_value(10.0).run()
    at.number_input(key="tr_l2").set_value(10.0).run()
    for _ in range(12):
        step = next(b for b in at.button if b.label == "Step")
        if step.disabled:  # the run stopped
            break
        step.click().run()
    assert not at.exception
    assert any("diverged" in i.value for i in at.info)
    trainer = next(iter(at.session_state["train_run"].trainers.values()))
    assert all(np.isfinite(p).all() for p in trainer.params.values())
    assert plotly_figures(at)  # the last finite view stays


def test_training_steps_over_the_limit_are_refused():
    at = run_page("training")
    at.number_input(key="tr_max_steps").set_value(10**9).run()
    assert not at.exception
    assert at.session_state["train_run"].max_steps <= 100_000
