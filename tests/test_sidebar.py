"""The shared sidebar under AppTest: reloading a preset and generating a batch.

Both buttons replace the batch and set the preset and temperature widgets above them,
so they act in callbacks; done inline after those widgets are drawn, Streamlit refuses
the change with an exception.
"""

import numpy as np
import pytest

from softmax_lab.presets import DEFAULT_PRESET
from softmax_lab.ui import sidebar
from softmax_lab.ui.sidebar import GENERATOR_DEFAULTS
from softmax_lab.workspace import from_generator, from_preset
from tests.page_harness import edit_table, editor_key, errors, run_page

OPEN = "sidebar_generator"


def _button(at, label):
    return next(b for b in at.sidebar.button if b.label == label)


@pytest.fixture
def at():
    page = run_page("probabilities")
    assert not page.exception
    return page


def test_reload_preset_restores_the_preset_batch_after_an_edit(at):
    edit_table(at, editor_key(at, "logits"), edited={0: {"c0": 7.5}})
    assert at.session_state["workspace"].logits[0, 0] == 7.5
    _button(at, "Reload preset").click().run()
    assert not at.exception
    gold = from_preset(DEFAULT_PRESET)
    mine = at.session_state["workspace"]
    np.testing.assert_array_equal(mine.logits, gold.logits)
    np.testing.assert_array_equal(mine.labels, gold.labels)
    assert at.sidebar.selectbox[0].value == DEFAULT_PRESET


def test_the_generator_draws_nothing_until_opened(at):
    assert not at.sidebar.number_input
    at.session_state[OPEN] = True
    at.run()
    labels = [n.label for n in at.sidebar.number_input]
    assert labels == ["Rows N", "Classes C", "Scale (normal) or exponent (Zipf)", "Seed"]


def test_the_copy_link_popover_sends_its_link_only_while_open(at):
    def link_texts():
        texts = [c.value for c in at.sidebar.code] + [m.value for m in at.sidebar.markdown]
        return [t for t in texts if "link" in t or t.startswith("http")]

    assert link_texts() == []  # closed: no code box sent on every rerun
    at.session_state["copy_link"] = True
    at.run()
    assert not at.exception
    assert link_texts() != []


def test_generate_replaces_the_batch_with_the_generated_one(at):
    at.session_state[OPEN] = True
    at.run()
    at.sidebar.radio(key="gen_kind").set_value("zipf")
    at.sidebar.number_input(key="gen_rows").set_value(3)
    at.sidebar.number_input(key="gen_classes").set_value(120)
    at.sidebar.number_input(key="gen_param").set_value(1.3)
    at.sidebar.number_input(key="gen_seed").set_value(5)
    _button(at, "Generate").click().run()
    assert not at.exception
    mine = at.session_state["workspace"]
    gold = from_generator("zipf", 3, 120, 1.3, 5)
    np.testing.assert_array_equal(mine.logits, gold.logits)
    assert mine.logits.shape == (3, 120)
    assert at.sidebar.selectbox[0].value is None  # "Custom batch"
    assert "N = 3 rows × C = 120 classes" in at.sidebar.caption[-1].value


def test_generator_values_survive_closing_and_reopening_it(at):
    at.session_state[OPEN] = True
    at.run()
    at.sidebar.number_input(key="gen_rows").set_value(7)
    at.sidebar.number_input(key="gen_seed").set_value(11)
    _button(at, "Generate").click().run()
    at.session_state[OPEN] = False
    at.run()
    assert not at.sidebar.number_input
    at.session_state[OPEN] = True
    at.run()
    assert at.sidebar.number_input(key="gen_rows").value == 7
    assert at.sidebar.number_input(key="gen_seed").value == 11
    assert not at.warning and not at.exception


def test_an_out_of_range_generator_value_never_reaches_the_core(at):
    at.session_state[OPEN] = True
    at.run()
    # A tampered browser can send C = 5000; Streamlit's number_input refuses it on the
    # server and falls back to the widget's default (its minimum here), so no traceback.
    at.sidebar.number_input(key="gen_classes").set_value(5000)
    _button(at, "Generate").click().run()
    assert not at.exception and not errors(at)
    n_classes = at.session_state["workspace"].n_classes
    assert 2 <= n_classes <= 1000


def test_a_refused_batch_gets_a_message_by_the_form_and_keeps_the_last(at, monkeypatch):
    # The widgets' limits match the core's, so only a future mismatch reaches this path.
    def refuse(*args):
        raise ValueError("n_classes must be between 2 and 1000, got 1001")

    monkeypatch.setattr(sidebar, "from_generator", refuse)
    before = at.session_state["workspace"].logits.copy()
    at.session_state[OPEN] = True
    at.run()
    _button(at, "Generate").click().run()
    assert not at.exception
    assert [e.value for e in at.sidebar.error] == ["n_classes must be between 2 and 1000, got 1001"]
    np.testing.assert_array_equal(at.session_state["workspace"].logits, before)


def test_generator_defaults_match_the_core_signature():
    ws = from_generator(*GENERATOR_DEFAULTS.values())
    assert ws.logits.shape == (GENERATOR_DEFAULTS["gen_rows"], GENERATOR_DEFAULTS["gen_classes"])


def test_an_edit_turns_the_preset_box_and_caption_to_custom_at_once(at):
    assert at.sidebar.caption[-1].value.startswith(f"Batch: {DEFAULT_PRESET} · N = 2 rows")
    edit_table(at, editor_key(at, "logits"), edited={1: {"c2": -4.0}})
    assert not at.exception
    assert at.sidebar.selectbox[0].value is None  # "Custom batch", in the same click
    assert at.sidebar.caption[-1].value.startswith("Batch: custom · N = 2 rows × C = 3")
    next(b for b in at.button if b.label == "Add a class").click().run()
    assert "C = 4 classes" in at.sidebar.caption[-1].value
    _button(at, "Reload preset").click().run()
    assert at.sidebar.selectbox[0].value == DEFAULT_PRESET
    assert "C = 3 classes" in at.sidebar.caption[-1].value


@pytest.mark.parametrize("t", [0.1, 1.0, 10.0])
def test_quick_temperature_buttons_set_the_sidebar_temperature(at, t):
    from scipy import special

    from tests.page_harness import decode_array, figure, trace

    at.sidebar.select_slider(key="T").set_value(2.0).run()
    next(b for b in at.button if b.label == f"T = {t:g}").click().run()
    assert not at.exception
    assert at.session_state["workspace"].temperature == t
    assert at.sidebar.select_slider(key="T").value == t
    assert f"T = {t:g}" in at.sidebar.caption[-1].value
    z = from_preset(DEFAULT_PRESET).logits[0]
    mine = trace(figure(at, "mappings"), "softmax(z / T)")["y"]
    np.testing.assert_allclose(decode_array(mine), special.softmax(z / t), rtol=1e-12)


def test_large_display_from_the_link_enlarges_every_chart_and_stays_in_the_link():
    from tests.page_harness import plotly_figures

    small = run_page("jacobian")
    big = run_page("jacobian", query={"large": "1"})
    assert not big.exception
    assert big.sidebar.toggle(key="large_display").value is True
    assert big.query_params["large"] == "1"
    figs, base = plotly_figures(big), plotly_figures(small)
    assert figs and len(figs) == len(base)
    for fig, ref in zip(figs, base, strict=True):
        assert fig["layout"]["font"]["size"] >= 18
        for a in fig["layout"].get("annotations", []):
            assert a.get("font", {}).get("size", 18) >= 18
        assert fig["layout"]["height"] > ref["layout"].get("height", 0)
    big.sidebar.toggle(key="large_display").set_value(False).run()
    assert "large" not in big.query_params
    assert plotly_figures(big)[0]["layout"]["font"]["size"] < 18


@pytest.mark.parametrize("value", ["0", "yes", "<b>1</b>", "1" * 500])
def test_a_large_param_other_than_1_is_off(value):
    at = run_page("probabilities", query={"large": value})
    assert not at.exception
    assert at.sidebar.toggle(key="large_display").value is False
