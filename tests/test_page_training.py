"""The Training page under AppTest: controls and state changes (timers run in the browser)."""

import json

import numpy as np

from tests.page_harness import run_page


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _step(at):
    return at.session_state["train_run"]["runs"]["A"].steps


def test_step_and_reset():
    at = run_page("training")
    assert not at.exception
    _button(at, "Step").click().run()
    _button(at, "Step").click().run()
    assert _step(at) == 20
    assert "step 20 of 20,000" in at.get("progress")[0].proto.text
    _button(at, "Reset").click().run()
    assert _step(at) == 0


def test_start_and_pause_flip_the_running_state():
    at = run_page("training")
    _button(at, "Start").click().run()
    assert at.session_state["train_run"]["running"] is True
    assert _button(at, "Pause").disabled is False
    _button(at, "Pause").click().run()
    assert at.session_state["train_run"]["running"] is False


def test_learning_rate_change_keeps_the_run():
    at = run_page("training")
    _button(at, "Step").click().run()
    at.select_slider(key="tr_lr").set_value(0.01).run()
    assert _step(at) == 10
    assert at.session_state["train_run"]["runs"]["A"].config.lr == 0.01


def test_changing_the_loss_asks_before_it_resets():
    at = run_page("training")
    _button(at, "Step").click().run()
    at.selectbox(key="tr_pair").set_value("softmax_mse").run()
    assert any("resets the run" in w.value for w in at.warning)
    assert _step(at) == 10  # nothing reset yet
    _button(at, "Keep the current run").click().run()
    assert at.session_state["tr_pair"] == "softmax_ce"
    at.selectbox(key="tr_pair").set_value("softmax_mse").run()
    _button(at, "Apply and reset").click().run()
    run = at.session_state["train_run"]["runs"]["A"]
    assert run.steps == 0
    assert run.config.pair == "softmax_mse"


def test_changing_settings_before_any_step_applies_at_once():
    at = run_page("training")
    at.slider(key="tr_classes").set_value(5).run()
    assert at.session_state["train_run"]["runs"]["A"].n_classes == 5
    assert not at.warning


def test_compare_mode_runs_two_configurations_on_the_same_data():
    at = run_page("training")
    at.toggle(key="tr_compare").set_value(True).run()
    runs = at.session_state["train_run"]["runs"]
    assert len(runs) == 2
    a, b = runs.values()
    np.testing.assert_array_equal(a.X, b.X)
    assert (a.config.pair, b.config.pair) == ("softmax_ce", "softmax_mse")
    _button(at, "Step").click().run()
    assert [t.steps for t in runs.values()] == [10, 10]


def test_export_json_round_trips_through_the_loader():
    from softmax_lab.ui.training_controls import export_json

    at = run_page("training")
    _button(at, "Step").click().run()
    saved = json.loads(export_json(at.session_state["train_run"]))
    assert saved["steps"] == 10
    assert saved["config"]["pair"] == "softmax_ce"
