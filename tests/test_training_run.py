"""The Training page's run in the core: rate changes are recorded so that a replay from
the seeds reaches the same weights; what the runs show is read from their histories."""

import numpy as np
import pytest

from softmax_lab.datasets import make_dataset, train_test_split
from softmax_lab.training_run import (
    MAX_SCHEDULE,
    RunSettings,
    TrainingRun,
    class_sigmoids,
    longest_stall,
    reach_step,
)


def test_rate_changes_are_recorded_by_step_and_a_change_back_cancels():
    run = TrainingRun(RunSettings(compare=False))
    run.set_rates(1.0, 0.0)  # before any step: the run starts at these rates
    assert run.schedule == ((0, 1.0, 0.0),)
    run.step(5)
    run.set_rates(0.1, 0.0)
    run.set_rates(0.1, 0.5)  # two changes at one step: the last one holds
    assert run.schedule == ((0, 1.0, 0.0), (5, 0.1, 0.5))
    run.set_rates(1.0, 0.0)  # back to the rates in force before step 5: no change there
    assert run.schedule == ((0, 1.0, 0.0),)
    assert run.trainers["A"].config.lr == 1.0


def test_the_schedule_is_bounded():
    run = TrainingRun(RunSettings(compare=False, points=50))
    rates = [0.1, 1.0]
    for i in range(MAX_SCHEDULE - 1):
        run.step(1)
        run.set_rates(rates[i % 2 == 0], 0.0)
    assert len(run.schedule) == MAX_SCHEDULE
    run.step(1)
    with pytest.raises(ValueError, match="at most 100"):
        run.set_rates(0.01, 0.0)
    assert run.trainers["A"].config.lr == run.schedule[-1][1]  # the refused change is not applied


def test_a_replay_is_the_live_run_and_refuses_what_it_cannot_rebuild():
    settings = RunSettings(hidden=3, act="relu", batch=20, points=100, max_steps=300)
    live = TrainingRun(settings)
    live.step(33)
    live.set_rates(1.0, 0.2)
    live.step(100)
    again = TrainingRun.replay(live.settings, 133, live.schedule)
    for a, b in zip(live.trainers.values(), again.trainers.values(), strict=True):
        for name, p in a.params.items():
            np.testing.assert_array_equal(p, b.params[name])
    with pytest.raises(ValueError, match="generated data"):
        TrainingRun.replay(RunSettings(source="uploaded CSV"), 10)
    with pytest.raises(ValueError, match="from 0 to 300"):
        TrainingRun.replay(settings, 301)


def test_a_run_on_uploaded_data_is_not_replayable():
    X, y = make_dataset("moons", 60, 2, 0.1, 1)
    run = TrainingRun(RunSettings(source="uploaded CSV"), data=(X, y, ("p", "q")))
    assert not run.replayable and run.names == ("p", "q")
    assert run.X is X


def test_stall_and_reach_on_a_hand_made_history():
    steps = np.arange(0, 2000, 100)
    acc = np.array([0.1, 0.4] + [0.69] * 10 + [0.692, 0.9, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])
    h = {"step": steps, "train_acc": acc}
    assert reach_step(h, 1.0) == 1400
    assert reach_step(h, 0.5) == 200
    assert reach_step({"step": steps, "train_acc": np.zeros(20)}, 1.0) is None
    assert longest_stall(h, below=1.0) == (200, 1200, 0.692)
    assert longest_stall(h, below=0.5) is None  # a stall at or above the level is no stall


def test_class_sigmoids_are_the_mean_sigmoids_of_the_true_and_wrong_classes():
    run = TrainingRun(RunSettings(pair="sigmoid_pos_ce", compare=False, classes=4))
    run.step(20)
    trainer = run.trainers["A"]
    X_train, y_train, _, _ = train_test_split(run.X, run.y, 0.25, 0)
    Xs = (X_train - X_train.mean(axis=0)) / X_train.std(axis=0)  # the model's input units
    z = Xs @ trainer.params["W1"] + trainer.params["b1"]
    s = 1 / (1 + np.exp(-z))
    rows = np.arange(len(y_train))
    gold_true = s[rows, y_train].mean()
    gold_wrong = np.mean([np.delete(s[i], y_train[i]).mean() for i in rows])
    true, wrong = class_sigmoids(trainer)
    np.testing.assert_allclose([true, wrong], [gold_true, gold_wrong], rtol=1e-12)
