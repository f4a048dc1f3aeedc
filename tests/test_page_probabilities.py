"""The Probabilities page under AppTest: what it shows equals the reference values."""

import numpy as np
import pytest
from scipy import special

from tests.page_harness import (
    decode_array,
    edit_table,
    editor_key,
    errors,
    plotly_figures,
    run_page,
)

WRITEUP_Z = np.array([[1.0, 2.0, 3.0], [2.0, 2.0, 1.0]])


def _softmax_bars(at):
    """The softmax bars' heights (C,) and the independent sigmoids'."""
    fig = plotly_figures(at)[0]
    return decode_array(fig["data"][0]["y"]), decode_array(fig["data"][3]["y"])


def _metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


@pytest.fixture
def at():
    page = run_page("probabilities")
    assert not page.exception
    return page


def test_defaults_show_the_writeup_row_against_scipy(at):
    mine, sig = _softmax_bars(at)
    gold = special.softmax(WRITEUP_Z[0])
    np.testing.assert_allclose(mine, gold, rtol=1e-12, atol=0)
    np.testing.assert_allclose(sig, special.expit(WRITEUP_Z[0]), rtol=1e-12, atol=0)
    assert _metric(at, "Top probability") == f"{gold.max():.4f}"
    gold_ce = -special.log_softmax(WRITEUP_Z, axis=1)[[0, 1], [2, 0]]
    assert _metric(at, "Cross-entropy, this row") == f"{gold_ce[0]:.4f}"
    assert any(f"{gold_ce.mean():.6g}" in c.value for c in at.caption)


def test_temperature_change_redraws_with_z_over_t(at):
    at.sidebar.select_slider(key="T").set_value(0.501).run()
    assert any("T = 0.501" in c.value for c in at.sidebar.caption)  # not one run behind
    mine, _ = _softmax_bars(at)
    gold = special.softmax(WRITEUP_Z[0] / 0.501)
    np.testing.assert_allclose(mine, gold, rtol=1e-12, atol=0)
    entropy = -(gold * np.log(gold)).sum()
    assert _metric(at, "Entropy (nats)") == f"{entropy:.4f}"


def test_a_valid_cell_edit_is_shown(at):
    edit_table(at, editor_key(at, "logits"), edited={0: {"c1": 7.5}})
    assert errors(at) == []
    mine, _ = _softmax_bars(at)
    np.testing.assert_allclose(mine, special.softmax([1.0, 7.5, 3.0]), rtol=1e-12, atol=0)


@pytest.mark.parametrize(
    ("cell", "message"),
    # The numeric column turns text and NaN into empty cells before the server sees them.
    [(None, "is empty"), ("abc", "is empty"), (float("nan"), "is empty"), (2e6, "±1e6")],
)
def test_a_bad_cell_gets_a_message_and_the_last_valid_chart_stays(at, cell, message):
    edit_table(at, editor_key(at, "logits"), edited={0: {"c1": 7.5}})
    edit_table(at, editor_key(at, "logits"), edited={0: {"c1": 7.5, "c2": cell}})
    assert not at.exception
    assert any(message in e for e in errors(at)), errors(at)
    mine, _ = _softmax_bars(at)
    np.testing.assert_allclose(mine, special.softmax([1.0, 7.5, 3.0]), rtol=1e-12, atol=0)


def test_deleting_every_row_keeps_the_last_batch(at):
    edit_table(at, editor_key(at, "logits"), deleted=[0, 1])
    assert any("no rows" in e for e in errors(at))
    mine, _ = _softmax_bars(at)
    np.testing.assert_allclose(mine, special.softmax(WRITEUP_Z[0]), rtol=1e-12, atol=0)


def test_adding_a_row_and_a_class(at):
    edit_table(at, editor_key(at, "logits"), added=[{"c0": 0.5, "c1": -1.0, "c2": 4.0}])
    assert errors(at) == []
    assert at.session_state["workspace"].logits.shape == (3, 3)
    next(b for b in at.button if b.label == "Add a class").click().run()
    assert at.session_state["workspace"].class_names == ("c0", "c1", "c2", "c3")
    edit_table(at, editor_key(at, "names"), edited={0: {"class 4": "dog"}})
    ws = at.session_state["workspace"]
    assert ws.class_names == ("c0", "c1", "c2", "dog")
    np.testing.assert_array_equal(ws.logits[:, 3], 0.0)
    np.testing.assert_array_equal(ws.logits[2, :3], [0.5, -1.0, 4.0])
    assert "C = 4 classes" in at.sidebar.caption[-1].value
    assert at.sidebar.selectbox[0].value is None  # the preset box says "Custom batch"


def test_a_row_added_without_values_starts_at_zero(at):
    edit_table(at, editor_key(at, "logits"), added=[{}])
    assert errors(at) == []
    ws = at.session_state["workspace"]
    np.testing.assert_array_equal(ws.logits[2], 0.0)
    assert "N = 3 rows" in at.sidebar.caption[-1].value
    assert "custom" in at.sidebar.caption[-1].value


def test_preset_picker_loads_the_overflow_row_and_the_naive_demo(at):
    at.sidebar.selectbox(key="preset_choice").set_value("overflow").run()
    assert not at.exception
    mine, _ = _softmax_bars(at)
    np.testing.assert_allclose(mine, special.softmax([0.0, 1.0, 2.0]), rtol=1e-12, atol=0)
    assert at.toggle[0].value is True
    assert any("709.78" in e for e in errors(at)), errors(at)
    naive = plotly_figures(at)[1]
    assert decode_array(naive["data"][2]["y"]).size == 3  # three inf/NaN markers
    np.testing.assert_allclose(decode_array(naive["data"][1]["y"]), mine, rtol=1e-12)


def test_naive_toggle_in_float16_names_its_limit(at):
    at.toggle[0].set_value(True).run()
    next(r for r in at.radio if r.label == "Precision").set_value("float16").run()
    assert not at.exception
    message = at.success[0].value
    assert message.startswith("In float16 the naive formula agrees with the stable one")
    assert "11.09" in message  # log(65504), float16's overflow limit


def test_soft_labels_that_do_not_sum_to_one_offer_to_normalise(at):
    at.radio(key="label_mode_choice").set_value("soft").run()
    key = editor_key(at, "labels_2x3_soft")
    edit_table(at, key, edited={0: {"c0": 0.5}})
    assert any("sums to 1.5" in w.value for w in at.warning)
    next(b for b in at.button if b.label == "Normalise the label rows").click().run()
    np.testing.assert_allclose(
        at.session_state["workspace"].labels[0], [0.5 / 1.5, 0, 1 / 1.5], rtol=1e-15
    )


def test_linear_normalisation_is_marked_undefined_for_negative_logits(at):
    edit_table(at, editor_key(at, "logits"), edited={0: {"c0": -1.0}})
    fig = plotly_figures(at)[0]
    names = [t["name"] for t in fig["data"]]
    assert names[1].endswith("(undefined for this row)")
    assert not any("undefined" in n for i, n in enumerate(names) if i != 1)
