"""The Training page under AppTest: controls, state changes and links (timers run in the
browser)."""

import json

import numpy as np

from softmax_lab.figures.training import CURVE_POINTS, LIVE_PANELS, SLOW_PANELS, panel_layout
from softmax_lab.training_run import RunSettings, TrainingRun
from tests.page_harness import decode_array, figure, run_page


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _run(at):
    return at.session_state["train_run"]


def _a(at):
    return next(iter(_run(at).trainers.values()))


def _query(at):
    """The address bar's parameters after the last run, name -> value."""
    return {k: v if isinstance(v, str) else v[-1] for k, v in dict(at.query_params).items()}


def _same_weights(run_a, run_b):
    assert list(run_a.trainers) == list(run_b.trainers)
    for ta, tb in zip(run_a.trainers.values(), run_b.trainers.values(), strict=True):
        assert ta.steps == tb.steps
        for name, p in ta.params.items():
            np.testing.assert_array_equal(p, tb.params[name])


def test_the_default_compares_ce_with_mse_from_a_saturated_start():
    at = run_page("training")
    assert not at.exception
    a, b = _run(at).trainers.values()
    assert (a.config.pair, b.config.pair) == ("softmax_ce", "softmax_mse")
    assert a.config.init_scale == b.config.init_scale == 10.0
    np.testing.assert_array_equal(a.X, b.X)
    # Two losses are never drawn on one axis: one loss panel per run, accuracy shared.
    titles = [a["text"] for a in figure(at, "curves_live")["layout"]["annotations"]]
    assert titles == [t for t, _, _ in panel_layout(_run(at).trainers, LIVE_PANELS)]
    assert titles[0] == "train accuracy" and titles[1].startswith("loss of A")


def test_step_and_reset():
    at = run_page("training")
    _button(at, "Step").click().run()
    _button(at, "Step").click().run()
    assert [t.steps for t in _run(at).trainers.values()] == [20, 20]
    assert "step 20 of 20,000" in at.get("progress")[0].proto.text
    _button(at, "Reset").click().run()
    assert _run(at).steps == 0


def test_start_and_pause_flip_the_running_state():
    at = run_page("training")
    _button(at, "Start").click().run()
    assert at.session_state["train_live"].running is True
    assert _button(at, "Pause").disabled is False
    _button(at, "Pause").click().run()
    assert at.session_state["train_live"].running is False


def test_a_link_replays_the_run_with_its_rate_changes_to_the_same_weights():
    at = run_page("training")
    _button(at, "Step").click().run()
    at.select_slider(key="tr_lr").set_value(1.0).run()
    for _ in range(2):
        _button(at, "Step").click().run()
    at.number_input(key="tr_l2").set_value(0.01).run()
    _button(at, "Step").click().run()
    assert _run(at).steps == 40
    link = _query(at)
    assert link["tr_at"] == "40"
    assert link["tr_rates"] == "0:0.1:0,10:1:0,30:1:0.01"

    fresh = run_page("training", query=link)  # a refresh, or another machine
    assert not fresh.exception
    assert fresh.session_state["tr_lr"] == 1.0 and fresh.session_state["tr_l2"] == 0.01
    _same_weights(_run(fresh), _run(at))
    # The same run, built independently from the settings and the schedule by hand:
    gold = TrainingRun(RunSettings())
    gold.step(10)
    gold.set_rates(1.0, 0.0)
    gold.step(20)
    gold.set_rates(1.0, 0.01)
    gold.step(10)
    _same_weights(_run(fresh), gold)


def test_a_hostile_training_link_shows_a_message_and_keeps_the_batch():
    at = run_page("training", query={"tr_classes": "99", "tr_at": "5", "z": "1,2;3,4"})
    assert not at.exception
    assert any("Training setting classes" in w.value for w in at.warning)
    assert at.session_state["tr_classes"] == 3
    assert _run(at).steps == 0
    np.testing.assert_array_equal(at.session_state["workspace"].logits, [[1, 2], [3, 4]])


def test_a_link_past_max_steps_is_refused():
    at = run_page("training", query={"tr_max_steps": "100", "tr_at": "500"})
    assert not at.exception
    assert any("must be at most max" in w.value for w in at.warning)
    assert _run(at).steps == 0


def test_learning_rate_change_keeps_the_run():
    at = run_page("training")
    _button(at, "Step").click().run()
    at.select_slider(key="tr_lr").set_value(0.01).run()
    assert _run(at).steps == 10
    assert all(t.config.lr == 0.01 for t in _run(at).trainers.values())


def test_changing_the_loss_asks_before_it_resets():
    at = run_page("training")
    _button(at, "Step").click().run()
    at.selectbox(key="tr_pair").set_value("sigmoid_bce").run()
    assert any("resets the run" in w.value for w in at.warning)
    assert _run(at).steps == 10  # nothing reset yet
    _button(at, "Keep the current run").click().run()
    assert at.session_state["tr_pair"] == "softmax_ce"
    at.selectbox(key="tr_pair").set_value("sigmoid_bce").run()
    _button(at, "Apply and reset").click().run()
    assert _run(at).steps == 0
    assert _a(at).config.pair == "sigmoid_bce"


def test_changing_settings_before_any_step_applies_at_once():
    at = run_page("training")
    at.slider(key="tr_classes").set_value(5).run()
    assert _a(at).n_classes == 5
    assert not at.warning


def test_one_run_without_compare():
    at = run_page("training", query={"tr_compare": "0"})
    assert list(_run(at).trainers) == ["A"]
    titles = [a["text"] for a in figure(at, "curves_live")["layout"]["annotations"]]
    assert titles == ["train accuracy", "loss"]


def test_the_caption_states_the_stall_read_from_the_history():
    at = run_page("training", query={"tr_at": "3000"})
    b = list(_run(at).trainers.values())[1]
    h = b.history_arrays()
    # Independently: the accuracy B sat at, and the first step it got there.
    level = np.round(h["train_acc"][h["step"] == 3000][0], 2)
    first = int(h["step"][np.flatnonzero(np.abs(h["train_acc"] - h["train_acc"][-1]) <= 0.005)[0]])
    text = " ".join(m.value for m in at.markdown)
    assert f"has stayed at {level:.0%} train accuracy since step {first:,}" in text
    assert "Budget 20,000 steps of full-batch gradient descent at learning rate 0.1" in text


def test_positive_only_ce_says_what_its_sigmoids_do():
    at = run_page("training", query={"tr_pair": "sigmoid_pos_ce", "tr_compare": "0"})
    _button(at, "Step").click().run()
    trainer = _a(at)
    z = trainer.X @ trainer.params["W1"] + trainer.params["b1"]
    sig = 1 / (1 + np.exp(-z))
    true = sig[np.arange(len(z)), trainer.y].mean()
    wrong = ((sig.sum(axis=1) - sig[np.arange(len(z)), trainer.y]) / 2).mean()
    text = " ".join(m.value for m in at.markdown)
    assert "does not vanish" in text and "nothing pulls the wrong classes" in text
    assert f"true class {true:.3f}, of the wrong classes {wrong:.3f}" in text


def test_export_json_round_trips_through_the_loader():
    from softmax_lab.ui.training_controls import export_json

    at = run_page("training")
    _button(at, "Step").click().run()
    saved = json.loads(export_json(_run(at)))
    assert saved["steps"] == 10
    assert saved["config"]["pair"] == "softmax_ce"


def _points_csv(n=40):
    rows = "".join(f"{i % 7},{i // 7},{'ab'[i % 2]}\n" for i in range(n))
    return ("x1,x2,label\n" + rows).encode()


def test_an_uploaded_csv_is_the_data_and_a_bad_one_changes_nothing():
    at = run_page("training")
    at.radio(key="tr_source").set_value("uploaded CSV").run()
    assert _run(at).X.shape == (300, 2)  # generated data stays
    at.file_uploader(key="tr_csv").set_value(("p.csv", _points_csv(), "text/csv")).run()
    run = _run(at)
    assert run.X.shape == (40, 2)
    assert run.names == ("a", "b")
    assert "tr_at" not in _query(at)  # a link cannot carry the file, nor replay it
    _button(at, "Step").click().run()
    X_before = run.X.copy()
    at.file_uploader(key="tr_csv").set_value(("bad.csv", b"a,b\n1,2\n", "text/csv")).run()
    assert not at.exception
    assert any("header must be exactly" in e.value for e in at.error)
    run = _run(at)
    np.testing.assert_array_equal(run.X, X_before)
    assert run.steps == 10
    assert not at.warning  # no pending reset either


def test_a_saved_run_loads_and_continues_where_it_stopped():
    from softmax_lab.ui.training_controls import export_json

    at = run_page("training")
    at.select_slider(key="tr_lr").set_value(0.01).run()
    for _ in range(3):
        _button(at, "Step").click().run()
    saved = export_json(_run(at))
    weights = _a(at).params["W1"].copy()

    fresh = run_page("training")
    fresh.file_uploader(key="tr_json").set_value(("run.json", saved, "application/json")).run()
    assert not fresh.exception
    assert not fresh.error
    trainer = _a(fresh)
    assert trainer.steps == 30
    assert trainer.config.lr == 0.01
    assert fresh.session_state["tr_lr"] == 0.01
    np.testing.assert_array_equal(trainer.params["W1"], weights)
    _button(fresh, "Step").click().run()
    assert _a(fresh).steps == 40


def test_a_bad_saved_run_shows_an_error_and_changes_nothing():
    at = run_page("training")
    _button(at, "Step").click().run()
    bad = json.dumps({"config": {"pair": "nope"}, "n_classes": 3, "steps": 0, "params": {}})
    at.file_uploader(key="tr_json").set_value(("run.json", bad.encode(), "application/json"))
    at.run()
    assert not at.exception
    assert any("could not be loaded" in e.value for e in at.error)
    assert _run(at).steps == 10
    assert _a(at).config.pair == "softmax_ce"


def test_long_histories_are_drawn_thinned_to_every_kth_row_and_the_last():
    at = run_page("training", query={"tr_compare": "0"})
    trainer = _a(at)
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
        "train_acc",
        "loss",
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


def test_what_happens_later_trains_the_budget_and_reads_it_from_the_history():
    from softmax_lab.datasets import make_dataset, train_test_split
    from softmax_lab.trainer import Trainer

    at = run_page("training", query={"tr_max_steps": "12000"})
    at.session_state["tr_later"] = True
    at.run()
    assert not at.exception
    # Independently: run B alone with a bare Trainer, and find when it reaches A's 100%.
    split = train_test_split(*make_dataset("blobs", 300, 3, 0.2, 0), 0.25, 0)
    b = Trainer(RunSettings(max_steps=12000).config("B"), *split, 3)
    b.step(12000)
    h = b.history_arrays()
    reached = int(h["step"][np.flatnonzero(h["train_acc"] >= 1 - 0.005)[0]])
    text = " ".join(m.value for m in at.markdown)
    assert f"then reached 100% at step {reached:,}." in text
    assert reached > 5000  # the stall is long: MSE catches up only thousands of steps later
    assert _run(at).steps == 0  # the forecast leaves the live run alone


def test_coming_back_to_the_runs_own_link_keeps_the_run_without_a_replay():
    at = run_page("training")
    _button(at, "Step").click().run()
    run = _run(at)
    link = _query(at)
    at.switch_page("pages/probabilities.py").run()  # Streamlit clears the URL on a page change
    for key, value in link.items():  # Back: the browser restores the Training link
        at.query_params[key] = value
    at.switch_page("pages/training.py").run()
    assert not at.exception
    assert _run(at) is run  # the same object: nothing was rebuilt
