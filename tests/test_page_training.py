"""The Training page under AppTest: controls and state changes (timers run in the browser)."""

import json

import numpy as np

from softmax_lab.figures.training import CURVE_POINTS, LIVE_PANELS, SLOW_PANELS
from tests.page_harness import decode_array, figure, run_page


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


def _points_csv(n=40):
    rows = "".join(f"{i % 7},{i // 7},{'ab'[i % 2]}\n" for i in range(n))
    return ("x1,x2,label\n" + rows).encode()


def test_an_uploaded_csv_is_the_data_and_a_bad_one_changes_nothing():
    at = run_page("training")
    at.radio(key="tr_source").set_value("uploaded CSV").run()
    assert at.session_state["train_run"]["X"].shape == (300, 2)  # generated data stays
    at.file_uploader(key="tr_csv").set_value(("p.csv", _points_csv(), "text/csv")).run()
    run = at.session_state["train_run"]
    assert run["X"].shape == (40, 2)
    assert run["names"] == ["a", "b"]
    _button(at, "Step").click().run()
    X_before = run["X"].copy()
    at.file_uploader(key="tr_csv").set_value(("bad.csv", b"a,b\n1,2\n", "text/csv")).run()
    assert not at.exception
    assert any("header must be exactly" in e.value for e in at.error)
    run = at.session_state["train_run"]
    np.testing.assert_array_equal(run["X"], X_before)
    assert run["runs"]["A"].steps == 10
    assert not at.warning  # no pending reset either


def test_a_saved_run_loads_and_continues_where_it_stopped():
    from softmax_lab.ui.training_controls import export_json

    at = run_page("training")
    at.select_slider(key="tr_lr").set_value(0.01).run()
    for _ in range(3):
        _button(at, "Step").click().run()
    saved = export_json(at.session_state["train_run"])
    weights = at.session_state["train_run"]["runs"]["A"].params["W1"].copy()

    fresh = run_page("training")
    fresh.file_uploader(key="tr_json").set_value(("run.json", saved, "application/json")).run()
    assert not fresh.exception
    assert not fresh.error
    trainer = fresh.session_state["train_run"]["runs"]["A"]
    assert trainer.steps == 30
    assert trainer.config.lr == 0.01
    assert fresh.session_state["tr_lr"] == 0.01
    np.testing.assert_array_equal(trainer.params["W1"], weights)
    _button(fresh, "Step").click().run()
    assert fresh.session_state["train_run"]["runs"]["A"].steps == 40


def test_a_bad_saved_run_shows_an_error_and_changes_nothing():
    at = run_page("training")
    _button(at, "Step").click().run()
    bad = json.dumps({"config": {"pair": "nope"}, "n_classes": 3, "steps": 0, "params": {}})
    at.file_uploader(key="tr_json").set_value(("run.json", bad.encode(), "application/json"))
    at.run()
    assert not at.exception
    assert any("could not be loaded" in e.value for e in at.error)
    assert _step(at) == 10
    assert at.session_state["train_run"]["runs"]["A"].config.pair == "softmax_ce"


def test_long_histories_are_drawn_thinned_to_every_kth_row_and_the_last():
    at = run_page("training")
    trainer = at.session_state["train_run"]["runs"]["A"]
    trainer.step(15_000)  # the history holds more rows than a curve draws
    _button(at, "Step").click().run()
    gold = trainer.history_arrays()
    assert len(gold["step"]) > CURVE_POINTS
    drawn = [
        (trace, metric)
        for key, panels in (("curves_live", LIVE_PANELS), ("curves_slow", SLOW_PANELS))
        for trace, metric in zip(
            figure(at, key)["data"],
            [metric for _, metrics in panels for metric, _ in metrics],
            strict=True,
        )
    ]
    assert [m for _, m in drawn] == [
        "loss",
        "train_acc",
        "test_acc",
        "grad_norm",
        "mean_top_prob",
        "mean_entropy",
    ]
    for trace, metric in drawn:
        x, y = decode_array(trace["x"]), decode_array(trace["y"])
        assert len(x) <= CURVE_POINTS
        assert x[0] == gold["step"][0] and x[-1] == gold["step"][-1]  # first and last kept
        rows = np.searchsorted(gold["step"], x)
        np.testing.assert_array_equal(gold["step"][rows], x)  # only recorded rows
        mine, ref = y, gold[metric][rows]
        if metric == "grad_norm":
            ref = np.maximum(ref, 1e-300)
        np.testing.assert_array_equal(mine, ref)
        gaps = np.diff(rows)
        assert np.all(gaps[:-1] == gaps[0]) and 0 < gaps[-1] <= gaps[0]  # every k-th row
