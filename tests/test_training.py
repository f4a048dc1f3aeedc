"""The training core: gradients vs finite differences, determinism, saturation, limits."""

import json
import warnings

import numpy as np
import pytest

from softmax_lab import numerical_gradient
from softmax_lab.datasets import MAX_CSV_BYTES, make_dataset, parse_points_csv, train_test_split
from softmax_lab.training import (
    HISTORY_ROWS,
    TRAIN_PAIRS,
    TrainConfig,
    Trainer,
    backward,
    decision_grid,
    forward,
    init_params,
    total_loss,
)


def _data(kind="blobs", n=200, k=3, seed=0):
    X, y = make_dataset(kind, n, k, noise=0.1, seed=seed)
    return train_test_split(X, y, 0.25, seed=seed)


@pytest.mark.parametrize("pair", TRAIN_PAIRS)
@pytest.mark.parametrize(("hidden", "activation"), [(0, "tanh"), (5, "tanh"), (5, "relu")])
def test_every_gradient_matches_finite_differences(pair, hidden, activation):
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(7, 2)), np.eye(3)[rng.integers(0, 3, 7)]
    config = TrainConfig(pair=pair, hidden=hidden, activation=activation, l2=0.3, seed=1)
    params = init_params(config, 2, 3)
    logits, cache = forward(params, X, activation)
    from softmax_lab.pairs import PAIRS

    mine = backward(params, cache, PAIRS[pair].row_grad(logits, Y) / 7, activation, 0.3)
    for name, p in params.items():

        def f(v, name=name):
            return total_loss({**params, name: v}, X, Y, config)

        gold = numerical_gradient(f, p)
        np.testing.assert_allclose(mine[name], gold, rtol=1e-5, atol=1e-7, err_msg=name)


def test_same_seed_same_run_and_different_seed_differs():
    data = _data()
    runs = []
    for seed in (3, 3, 4):
        t = Trainer(TrainConfig(seed=seed, batch_size=32), *data, 3)
        t.step(300)
        runs.append(t)
    np.testing.assert_array_equal(
        runs[0].history_arrays()["loss"], runs[1].history_arrays()["loss"]
    )
    np.testing.assert_array_equal(runs[0].params["W1"], runs[1].params["W1"])
    assert not np.array_equal(runs[0].params["W1"], runs[2].params["W1"])


def test_loss_falls_on_separable_blobs():
    t = Trainer(TrainConfig(lr=0.5), *_data(), 3)
    t.step(200)
    h = t.history_arrays()
    assert h["loss"][-1] < 0.5 * h["loss"][0]
    assert h["train_acc"][-1] > 0.9
    assert h["test_acc"][-1] > 0.9


def test_init_times_ten_saturates_mse_but_not_ce():
    data = _data()
    norms = {}
    for pair in ("softmax_ce", "softmax_mse"):
        t = Trainer(TrainConfig(pair=pair, init_scale=10.0, hidden=16), *data, 3)
        norms[pair] = t.history_arrays()["grad_norm"][0]
    assert norms["softmax_mse"] < norms["softmax_ce"]
    t = Trainer(TrainConfig(init_scale=10.0, hidden=16), *data, 3)
    assert t.history_arrays()["mean_top_prob"][0] > 0.9  # starts saturated


def test_divergence_stops_with_a_reason_and_finite_weights():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = Trainer(TrainConfig(lr=10, l2=10, hidden=8, activation="relu"), *_data(), 3)
        t.step(2000)
    assert t.done
    assert t.stopped_reason.startswith("diverged")
    assert all(np.isfinite(p).all() for p in t.params.values())


def test_history_stays_bounded_and_max_steps_stops():
    X, y = make_dataset("blobs", 50, 2, seed=0)
    t = Trainer(
        TrainConfig(max_steps=30_000, plateau_patience=100_000, lr=0.01), X, y, X[:0], y[:0], 2
    )
    t.step(30_000)
    assert t.steps == 30_000
    assert "maximum" in t.stopped_reason
    h = t.history_arrays()
    assert len(h["step"]) <= HISTORY_ROWS
    assert h["step"][-1] == 30_000
    assert np.all(np.diff(h["step"]) > 0)


def test_lr_and_l2_change_mid_run_without_reset():
    t = Trainer(TrainConfig(), *_data(), 3)
    t.step(50)
    t.set_lr(0.01)
    t.set_l2(0.1)
    t.step(50)
    assert t.steps == 100
    with pytest.raises(ValueError, match="lr"):
        t.set_lr(100.0)


@pytest.mark.parametrize(
    "bad",
    [
        {"lr": 1e3},
        {"hidden": 65},
        {"pair": "hinge"},
        {"unknown": 1},
        {"seed": "1"},
        {"hidden": 2.5},
        {"lr": True},
        {"init_scale": 0},
    ],
)
def test_config_from_dict_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        TrainConfig.from_dict({**TrainConfig().to_dict(), **bad})


def test_state_dict_round_trip_reproduces_the_run():
    data = _data()
    a = Trainer(TrainConfig(hidden=4, batch_size=0), *data, 3)
    a.step(100)
    saved = json.loads(json.dumps(a.state_dict()))
    b = Trainer.from_state_dict(saved, *data)
    a.step(100)
    b.step(100)
    for k in a.params:
        np.testing.assert_allclose(a.params[k], b.params[k], rtol=1e-12)
    with pytest.raises(ValueError, match="params"):
        Trainer.from_state_dict({**saved, "params": {"W1": [[1.0]]}}, *data)


def test_confusion_matrix_and_decision_grid():
    t = Trainer(TrainConfig(lr=0.5), *_data(), 3)
    t.step(200)
    cm = t.confusion_matrix()
    assert cm.sum() == 50
    assert np.trace(cm) / cm.sum() == pytest.approx(t.history_arrays()["test_acc"][-1])
    _, _, cls, conf = decision_grid(t, t.X * t.std + t.mean, resolution=20)
    assert cls.shape == (20, 20)
    assert ((conf >= 1 / 3) & (conf <= 1)).all()


@pytest.mark.parametrize("kind", ["blobs", "moons", "circles", "spirals", "xor"])
def test_datasets_are_seeded_and_shaped(kind):
    X1, y1 = make_dataset(kind, 120, 4, seed=5)
    X2, y2 = make_dataset(kind, 120, 4, seed=5)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert X1.shape == (120, 2)
    assert set(np.unique(y1)) <= {0, 1, 2, 3}
    with pytest.raises(ValueError, match="n_classes"):
        make_dataset(kind, 120, 7)


GOOD = "x1,x2,label\n" + "".join(f"{i},{i * 0.5},{i % 2}\n" for i in range(20))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        (b"x" * (MAX_CSV_BYTES + 1), "limit"),
        (b"a,b,c\n1,2,3\n", "header"),
        (b"x1,x2\n1,2\n", "header"),
        (GOOD.replace("3,1.5", "abc,1.5").encode(), "must be numbers"),
        (GOOD.replace("3,1.5", "nan,1.5").encode(), "finite"),
        (GOOD.replace("3,1.5", "inf,1.5").encode(), "finite"),
        ("x1,x2,label\n" + "".join(f"{i},{i},0\n" for i in range(20)), "1 classes"),
        ("x1,x2,label\n" + "".join(f"{i},{i},{i}\n" for i in range(20)), "20 classes"),
        (b"\xff\xfe bad", "UTF-8"),
    ],
)
def test_csv_validation(data, message):
    data = data.encode() if isinstance(data, str) else data
    with pytest.raises(ValueError, match=message):
        parse_points_csv(data)


def test_csv_with_a_million_rows_fails_fast():
    import time

    rows = b"x1,x2,label\n" + b"1,2,0\n" * 1_000_000
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match="limit"):
        parse_points_csv(rows, max_bytes=10**8)
    assert time.perf_counter() - t0 < 5
    with pytest.raises(ValueError, match="limit"):
        parse_points_csv(rows)  # the default byte cap refuses it before parsing


def test_good_csv_parses():
    X, y, names = parse_points_csv(GOOD.encode())
    assert X.shape == (20, 2)
    assert names == ["0", "1"]
    np.testing.assert_array_equal(y, np.arange(20) % 2)


def test_a_hundred_thousand_steps_keep_memory_bounded():
    import tracemalloc

    X, y = make_dataset("blobs", 50, 2, seed=0)
    t = Trainer(
        TrainConfig(max_steps=100_000, plateau_patience=100_000, lr=0.01), X, y, X[:0], y[:0], 2
    )
    t.step(1000)
    tracemalloc.start()
    t.step(99_000)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert t.steps == 100_000
    assert len(t.history_arrays()["step"]) <= HISTORY_ROWS
    assert peak < 1_000_000  # bytes: nothing grows with the step count


def test_plateau_stops_the_run():
    X, y = make_dataset("blobs", 100, 2, seed=0)
    t = Trainer(TrainConfig(lr=1.0, plateau_patience=200, plateau_tol=1e-3), X, y, X[:0], y[:0], 2)
    t.step(5000)
    assert "plateaued" in t.stopped_reason
    assert t.steps < 5000
