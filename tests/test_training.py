"""The training core: gradients vs finite differences, determinism, saturation, the stops,
the bounded history, strict config and saved-run loading."""

import json
import tracemalloc
import warnings

import numpy as np
import pytest
from scipy import special

from softmax_lab.activations import sigmoid
from softmax_lab.datasets import make_dataset, train_test_split
from softmax_lab.decision_regions import decision_grid
from softmax_lab.gradcheck import numerical_gradient
from softmax_lab.model import forward, init_params, mean_row_loss_grad, total_loss, total_loss_grad
from softmax_lab.pairs import PAIRS
from softmax_lab.run_schema import TRAIN_PAIRS, TrainConfig
from softmax_lab.trainer import HISTORY_ROWS, METRICS, RECORD_EVERY, Trainer


def _blobs(n_points=200, n_classes=3, seed=0):
    X, y = make_dataset("blobs", n_points, n_classes, noise=0.1, seed=seed)
    return train_test_split(X, y, 0.25, seed=seed)


def _tiny(n_classes=2):
    X, y = make_dataset("blobs", 50, n_classes, seed=0)
    return X, y, X[:0], y[:0]


def _same_run(a, b):
    history_a, history_b = a.history_arrays(), b.history_arrays()
    for name in METRICS:
        np.testing.assert_array_equal(history_a[name], history_b[name], err_msg=name)
    for name in a.params:
        np.testing.assert_array_equal(a.params[name], b.params[name], err_msg=name)


# -- gradients -----------------------------------------------------------------------------


@pytest.mark.parametrize("pair", TRAIN_PAIRS)
@pytest.mark.parametrize(("hidden", "activation"), [(0, "tanh"), (5, "tanh"), (5, "relu")])
def test_every_gradient_matches_finite_differences(pair, hidden, activation):
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(7, 2)), np.eye(3)[rng.integers(0, 3, 7)]
    config = TrainConfig(pair=pair, hidden=hidden, activation=activation, l2=0.3, seed=1)
    params = init_params(config, 2, 3)
    for name in params:  # nonzero biases, so every term of the chain rule is exercised
        params[name] = params[name] + rng.normal(scale=0.5, size=params[name].shape)
    mine = total_loss_grad(params, X, Y, config)
    for name, value in params.items():

        def loss_of(v, name=name):
            return total_loss({**params, name: v}, X, Y, config)

        gold = numerical_gradient(loss_of, value, eps=1e-6)
        np.testing.assert_allclose(mine[name], gold, rtol=1e-5, atol=1e-8, err_msg=name)


def test_the_recorded_loss_and_grad_norm_are_the_full_batch_values():
    data = _blobs()
    trainer = Trainer(TrainConfig(hidden=4, l2=0.1, batch_size=16), *data, 3)
    trainer.step(RECORD_EVERY)
    X, y, params = trainer.X, trainer.y, trainer.params

    def loss(flat):  # written out here: tanh layer, softmax + CE, L2 on the weights
        W1, b1, W2, b2 = np.split(flat, np.cumsum([8, 4, 12]))
        Z = np.tanh(X @ W1.reshape(2, 4) + b1) @ W2.reshape(4, 3) + b2
        ce = -special.log_softmax(Z, axis=1)[np.arange(len(y)), y].mean()
        return ce + 0.05 * (W1 @ W1 + W2 @ W2)

    flat = np.concatenate([params[k].ravel() for k in ("W1", "b1", "W2", "b2")])
    history = trainer.history_arrays()
    np.testing.assert_allclose(history["loss"][-1], loss(flat), rtol=1e-12)
    gold = np.linalg.norm(numerical_gradient(loss, flat, eps=1e-6))
    np.testing.assert_allclose(history["grad_norm"][-1], gold, rtol=1e-6)


@pytest.mark.parametrize("pair", ["softmax_ce", "sigmoid_bce"])
def test_the_recorded_metrics_are_the_full_batch_values(pair):
    data = _blobs()
    trainer = Trainer(TrainConfig(pair=pair, hidden=4, l2=0.1, batch_size=16), *data, 3)
    trainer.step(RECORD_EVERY)
    logits = forward(trainer.params, trainer.X, "tanh")[0]
    test_logits = forward(trainer.params, trainer.X_test, "tanh")[0]
    if pair == "softmax_ce":
        gold_p = special.softmax(logits, axis=1)
    else:  # the per-class sigmoids, normalised to sum to 1
        gold_p = special.expit(logits) / special.expit(logits).sum(axis=1, keepdims=True)
    gold = {
        "train_acc": np.mean(logits.argmax(axis=1) == trainer.y),
        "test_acc": np.mean(test_logits.argmax(axis=1) == trainer.y_test),
        "mean_top_prob": gold_p.max(axis=1).mean(),
        "mean_entropy": special.entr(gold_p).sum(axis=1).mean(),
    }
    history = trainer.history_arrays()
    for name, value in gold.items():
        np.testing.assert_allclose(history[name][-1], value, rtol=1e-12, err_msg=name)


def test_softmax_ce_gradient_on_labels_is_the_one_hot_gradient():
    rng = np.random.default_rng(3)
    for N, C in [(1, 2), (7, 3), (500, 3), (40, 40)]:
        logits, labels = rng.normal(size=(N, C)) * 5, rng.integers(0, C, N)
        Y = np.eye(C)[labels]
        gold = (special.softmax(logits, axis=1) - Y) / N
        mine = mean_row_loss_grad(PAIRS["softmax_ce"], logits, Y, labels)
        np.testing.assert_allclose(mine, gold, rtol=1e-12, atol=1e-17)
        other = PAIRS["softmax_mse"]  # the other pairs use Y, and ignore the labels
        np.testing.assert_array_equal(
            mean_row_loss_grad(other, logits, Y, labels), mean_row_loss_grad(other, logits, Y)
        )


# -- determinism ---------------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [0, 32])
def test_same_seed_same_run_and_different_seed_differs(batch_size):
    data = _blobs()
    runs = []
    for seed in (3, 3, 4):
        trainer = Trainer(TrainConfig(seed=seed, batch_size=batch_size, hidden=4), *data, 3)
        trainer.step(300)
        runs.append(trainer)
    _same_run(runs[0], runs[1])
    assert not np.array_equal(runs[0].params["W1"], runs[2].params["W1"])
    assert not np.array_equal(runs[0].history_arrays()["loss"], runs[2].history_arrays()["loss"])


def test_the_run_does_not_depend_on_how_steps_are_chunked():
    data = _blobs()
    whole = Trainer(TrainConfig(batch_size=24), *data, 3)
    whole.step(300)
    chunked = Trainer(TrainConfig(batch_size=24), *data, 3)
    for k in [1, 2, 7, 90, 200]:
        chunked.step(k)
    _same_run(whole, chunked)


# -- learning and saturation ---------------------------------------------------------------


@pytest.mark.parametrize("pair", ["softmax_ce", "sigmoid_bce"])
def test_loss_falls_on_separable_blobs(pair):
    trainer = Trainer(TrainConfig(pair=pair, lr=0.5), *_blobs(), 3)
    trainer.step(200)
    history = trainer.history_arrays()
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["train_acc"][-1] > 0.9
    assert history["test_acc"][-1] > 0.9


@pytest.mark.parametrize("hidden", [0, 16])
def test_init_times_ten_saturates_softmax_mse_but_not_ce(hidden):
    data = _blobs()
    grad_norm = {}
    for pair in ("softmax_ce", "softmax_mse"):
        trainer = Trainer(TrainConfig(pair=pair, init_scale=10.0, hidden=hidden), *data, 3)
        grad_norm[pair] = trainer.history_arrays()["grad_norm"][0]
        assert trainer.history_arrays()["mean_top_prob"][0] > 0.85  # starts saturated
    assert grad_norm["softmax_mse"] < 0.1 * grad_norm["softmax_ce"]


# -- stops ---------------------------------------------------------------------------------


def test_divergence_stops_with_a_reason_and_finite_weights():
    data = _blobs()
    config = TrainConfig(lr=10, l2=10, hidden=8, activation="relu")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not one warning of any kind
        trainer = Trainer(config, *data, 3)
        ran = trainer.step(2000)
    assert trainer.done and ran < 2000
    assert trainer.stopped_reason.startswith("diverged: ")
    assert "lower the learning rate" in trainer.stopped_reason
    assert f"at step {trainer.steps}" in trainer.stopped_reason
    assert all(np.isfinite(p).all() for p in trainer.params.values())
    assert np.isfinite(trainer.history_arrays()["loss"]).all()
    assert trainer.step(10) == 0


def test_weights_that_would_overflow_are_not_applied():
    X, y, X_test, y_test = _tiny()
    huge = {"W1": np.full((2, 2), 1e307) * [[1, -1], [-1, 1]], "b1": np.zeros(2)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trainer = Trainer(TrainConfig(lr=10), X, y, X_test, y_test, 2, params=huge)
        trainer.step(100)
        proba = trainer.predict_proba(X)
    assert trainer.stopped_reason.startswith("diverged: ")
    assert all(np.isfinite(p).all() for p in trainer.params.values())
    assert proba.shape == (50, 2)


def test_max_steps_stops_the_run():
    X, y, X_test, y_test = _tiny()
    config = TrainConfig(max_steps=123, plateau_patience=100_000)
    trainer = Trainer(config, X, y, X_test, y_test, 2)
    assert trainer.step(1000) == 123
    assert trainer.stopped_reason == "reached the maximum of 123 steps"
    assert trainer.history_arrays()["step"][-1] == 123  # the last update is recorded
    assert trainer.step(1) == 0


def test_plateau_stops_the_run():
    X, y, X_test, y_test = _tiny()
    config = TrainConfig(lr=1.0, l2=0.1, plateau_patience=200, plateau_tol=1e-6)
    trainer = Trainer(config, X, y, X_test, y_test, 2)
    trainer.step(5000)
    assert trainer.stopped_reason.startswith("loss plateaued at ")
    assert trainer.steps < 5000


def test_history_stays_bounded():
    X, y, X_test, y_test = _tiny()
    config = TrainConfig(max_steps=22_000, plateau_patience=100_000, lr=0.01)
    trainer = Trainer(config, X, y, X_test, y_test, 2)
    trainer.step(18_000)
    tracemalloc.start()
    trainer.step(4_000)  # the history fills (2,000 rows) at step 20,000 and is thinned
    _, peak_bytes = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    history = trainer.history_arrays()
    assert trainer.steps == 22_000
    assert 1000 <= len(history["step"]) <= HISTORY_ROWS
    assert history["step"][0] == 0 and history["step"][-1] == 22_000
    assert np.all(np.diff(history["step"]) > 0)
    assert trainer.record_stride == 2 * RECORD_EVERY
    assert np.isnan(history["test_acc"]).all()  # no test set
    assert peak_bytes < 200_000  # nothing grows with the step count


# -- changing a run ------------------------------------------------------------------------


def test_lr_and_l2_change_mid_run_without_reset():
    data = _blobs()
    trainer = Trainer(TrainConfig(), *data, 3)
    trainer.step(50)
    weights = trainer.params["W1"].copy()
    trainer.set_lr(0.01)
    trainer.set_l2(0.1)
    trainer.step(50)
    assert trainer.steps == 100 and (trainer.config.lr, trainer.config.l2) == (0.01, 0.1)
    assert np.abs(trainer.params["W1"] - weights).max() < 0.5  # continued, not restarted
    with pytest.raises(ValueError, match="lr"):
        trainer.set_lr(100.0)
    with pytest.raises(ValueError, match="l2"):
        trainer.set_l2(float("nan"))
    assert (trainer.config.lr, trainer.config.l2) == (0.01, 0.1)  # a refused value changes nothing


def test_the_trainer_keeps_its_own_copy_of_the_config():
    config = TrainConfig()
    trainer = Trainer(config, *_blobs(), 3)
    trainer.set_lr(0.5)
    assert config.lr == 0.1


# -- config --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "name"),
    [
        ({"lr": 1e3}, "lr"),
        ({"lr": 1e-5}, "lr"),
        ({"lr": True}, "lr"),
        ({"lr": "0.1"}, "lr"),
        ({"lr": float("nan")}, "lr"),
        ({"hidden": 65}, "hidden"),
        ({"hidden": 2.5}, "hidden"),
        ({"hidden": 4.0}, "hidden"),
        ({"pair": "sigmoid_mse"}, "pair"),
        ({"pair": None}, "pair"),
        ({"activation": "gelu"}, "activation"),
        ({"l2": -1}, "l2"),
        ({"init_scale": 0}, "init_scale"),
        ({"batch_size": -1}, "batch_size"),
        ({"seed": "1"}, "seed"),
        ({"seed": 2**32}, "seed"),
        ({"max_steps": 100_001}, "max_steps"),
        ({"max_steps": 0}, "max_steps"),
        ({"plateau_tol": 1.0}, "plateau_tol"),
        ({"plateau_patience": [1]}, "plateau_patience"),
        ({"unknown": 1}, "unknown keys: 'unknown'"),
    ],
)
def test_config_from_dict_rejects_bad_input(bad, name):
    with pytest.raises(ValueError, match=name):
        TrainConfig.from_dict({**TrainConfig().to_dict(), **bad})


def test_config_round_trips_through_json():
    config = TrainConfig(pair="sigmoid_pos_ce", hidden=3, activation="relu", lr=2, seed=7)
    mine = TrainConfig.from_dict(json.loads(json.dumps(config.validate().to_dict())))
    assert mine == config and isinstance(mine.lr, float)
    with pytest.raises(ValueError, match="JSON object"):
        TrainConfig.from_dict([1, 2])


# -- saving and loading --------------------------------------------------------------------


@pytest.mark.parametrize(("hidden", "batch_size"), [(4, 0), (0, 16)])
def test_state_dict_round_trip_reproduces_the_run(hidden, batch_size):
    data = _blobs()
    uninterrupted = Trainer(TrainConfig(hidden=hidden, batch_size=batch_size), *data, 3)
    uninterrupted.step(100)
    saved = json.loads(json.dumps(uninterrupted.state_dict()))
    loaded = Trainer.from_state_dict(saved, *data)
    assert loaded.steps == 100
    uninterrupted.step(77)
    loaded.step(77)
    for name in uninterrupted.params:
        np.testing.assert_array_equal(loaded.params[name], uninterrupted.params[name])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.pop("steps"), "exactly the keys"),
        (lambda s: s.update(extra=1), "exactly the keys"),
        (lambda s: s.update(config={"lr": 99}), "lr"),
        (lambda s: s.update(n_classes=2), "params\\['W1'\\]"),  # shaped for 3 classes
        (lambda s: s.update(n_classes=True), "n_classes"),
        (lambda s: s.update(steps=10**6), "steps"),
        (lambda s: s.update(steps=-1), "steps"),
        (lambda s: s["params"].pop("b1"), "params must have exactly"),
        (lambda s: s["params"].update(W1=[[1.0]]), "params\\['W1'\\]"),
        (lambda s: s["params"].update(b1=["1", "2", "3"]), "params\\['b1'\\]"),
        (lambda s: s["params"].update(b1=[True, 0.0, 0.0]), "params\\['b1'\\]"),
        (lambda s: s["params"].update(b1=[float("nan"), 0.0, 0.0]), "params\\['b1'\\]"),
        (lambda s: s["params"].update(b1=[[0.0, 0.0, 0.0]]), "params\\['b1'\\]"),
        (lambda s: s["params"].update(W1="[[1]]"), "params\\['W1'\\]"),
    ],
)
def test_from_state_dict_refuses_a_bad_saved_run(change, message):
    data = _blobs()
    saved = json.loads(json.dumps(Trainer(TrainConfig(), *data, 3).state_dict()))
    change(saved)
    with pytest.raises(ValueError, match=message):
        Trainer.from_state_dict(saved, *data)
    with pytest.raises(ValueError, match="exactly the keys"):
        Trainer.from_state_dict([saved], *data)


# -- reading the model ---------------------------------------------------------------------


def test_sigmoid_pairs_show_normalised_and_raw_probabilities():
    data = _blobs()
    trainer = Trainer(TrainConfig(pair="sigmoid_bce", lr=0.5), *data, 3)
    trainer.step(100)
    points = data[2][:10]
    logits, _ = forward(trainer.params, trainer.standardise(points), trainer.config.activation)
    gold_raw = sigmoid(logits)
    np.testing.assert_allclose(trainer.predict_proba(points, raw=True), gold_raw, rtol=1e-12)
    gold_shown = gold_raw / gold_raw.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(trainer.predict_proba(points), gold_shown, rtol=1e-12)


def test_confusion_matrix_and_decision_grid():
    data = _blobs()
    trainer = Trainer(TrainConfig(lr=0.5, max_steps=200), *data, 3)
    trainer.step(200)
    counts = trainer.confusion_matrix()
    assert counts.shape == (3, 3) and counts.sum() == 50  # the test set
    test_acc = trainer.history_arrays()["test_acc"][-1]
    assert np.trace(counts) / counts.sum() == pytest.approx(test_acc, abs=1e-12)
    X = np.vstack([data[0], data[2]])
    xs, ys, class_index, confidence = decision_grid(trainer, X, resolution=20, margin=0.5)
    assert xs.shape == ys.shape == (20,) and class_index.shape == confidence.shape == (20, 20)
    assert xs[0] == pytest.approx(X[:, 0].min() - 0.5) and ys[-1] == pytest.approx(
        X[:, 1].max() + 0.5
    )
    assert ((confidence >= 1 / 3) & (confidence <= 1)).all()
    gold = trainer.predict_proba(np.array([[xs[3], ys[7]]]))[0]
    assert class_index[7, 3] == gold.argmax() and confidence[7, 3] == pytest.approx(gold.max())
    for bad in ({"resolution": 1}, {"resolution": True}, {"margin": -1.0}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            decision_grid(trainer, X, **bad)


def test_starting_weights_are_checked():
    X, y, X_test, y_test = _tiny()
    good = init_params(TrainConfig(), 2, 2)
    for bad, message in [
        ({**good, "W1": np.ones((3, 2))}, "W1"),
        ({**good, "b1": np.array([np.inf, 0.0])}, "b1"),
        ({"W1": good["W1"]}, "exactly the keys"),
    ]:
        with pytest.raises(ValueError, match=message):
            Trainer(TrainConfig(), X, y, X_test, y_test, 2, params=bad)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"y_train": "out of range"}, "y_train"),
        ({"n_classes": 1}, "n_classes"),
        ({"X_train": "nan"}, "X_train"),
        ({"k": -1}, "k"),
    ],
)
def test_bad_trainer_input_is_named(args, message):
    X, y, X_test, y_test = _tiny()
    if "y_train" in args:
        y = y + 5
    if "X_train" in args:
        X = X.copy()
        X[0, 0] = np.nan
    n_classes = args.get("n_classes", 2)
    with pytest.raises(ValueError, match=message):
        Trainer(TrainConfig(), X, y, X_test, y_test, n_classes).step(args.get("k", 1))
