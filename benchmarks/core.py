"""The numeric core against SciPy, PyTorch (when importable) and the writeup's loop."""

import importlib.util
import tracemalloc

import numpy as np
from scipy import special

import softmax_lab as sl
from benchmarks.timing import interleaved
from softmax_lab.jacobian import softmax_backward_loop

SIZES = ((100_000, 10), (10_000, 1_000), (200, 10))


def _row(section, name, ours, reference, ref_name, target, met, note=""):
    return {
        "section": section,
        "name": name,
        "ours_ms": ours * 1e3,
        "reference": ref_name,
        "reference_ms": reference * 1e3 if reference is not None else None,
        "speedup": (reference / ours) if reference else None,
        "target": target,
        "met": met,
        "note": note,
    }


def forward(rows):
    torch = _torch()
    for n, c in SIZES:
        z = np.random.default_rng(0).normal(size=(n, c)) * 3
        cands = {"ours": lambda z=z: sl.softmax(z), "scipy": lambda z=z: special.softmax(z, axis=1)}
        if torch is not None:
            zt = torch.from_numpy(z)
            cands["torch"] = lambda zt=zt: torch.softmax(zt, dim=1)
        t = interleaved(cands)
        speedup = t["scipy"] / t["ours"]
        target = "≥ 1.25× SciPy" if (n, c) == (100_000, 10) else "no slower than SciPy"
        need = 1.25 if (n, c) == (100_000, 10) else 1.0
        rows.append(
            _row(
                "forward",
                f"softmax {n}×{c}",
                t["ours"],
                t["scipy"],
                "scipy.special.softmax",
                target,
                speedup >= need,
            )
        )
        if torch is not None:
            threads = torch.get_num_threads()
            torch.set_num_threads(1)  # ours and SciPy run on one thread (NumPy, no BLAS here)
            single = interleaved({"ours": cands["ours"], "torch": cands["torch"]})
            torch.set_num_threads(threads)
            rows.append(
                _row(
                    "forward",
                    f"softmax {n}×{c}",
                    t["ours"],
                    t["torch"],
                    f"torch.softmax ({threads} threads)",
                    "report",
                    None,
                )
            )
            rows.append(
                _row(
                    "forward",
                    f"softmax {n}×{c}",
                    single["ours"],
                    single["torch"],
                    "torch.softmax (1 thread)",
                    "report",
                    None,
                )
            )
    if torch is None:
        rows.append(
            _row(
                "forward",
                "PyTorch",
                0.0,
                None,
                "torch",
                "optional",
                None,
                "PyTorch is not importable here, so it was not measured",
            )
        )


def backward(rows):
    for n, c in SIZES:
        rng = np.random.default_rng(1)
        z = rng.normal(size=(n, c))
        a, g = sl.softmax(z), rng.normal(size=(n, c))
        t = interleaved({"vjp": lambda: sl.softmax_vjp(a, g), "fwd": lambda: sl.softmax(z)})
        rows.append(
            _row(
                "backward",
                f"softmax_vjp {n}×{c}",
                t["vjp"],
                t["fwd"],
                "our softmax forward",
                "no slower than forward",
                t["fwd"] / t["vjp"] >= 1.0,
            )
        )
    rng = np.random.default_rng(2)
    a, g = sl.softmax(rng.normal(size=(1000, 10))), rng.normal(size=(1000, 10))
    t = interleaved(
        {"vjp": lambda: sl.softmax_vjp(a, g), "loop": lambda: softmax_backward_loop(a, g)}, repeat=5
    )
    rows.append(
        _row(
            "backward",
            "softmax_vjp 1000×10",
            t["vjp"],
            t["loop"],
            "writeup per-sample Jacobian loop",
            "≥ 1000×",
            t["loop"] / t["vjp"] >= 1000,
        )
    )


def _scipy_ce(z, y):
    logp = special.log_softmax(z, axis=1)
    n = z.shape[0]
    loss = -logp[np.arange(n), y].mean()
    grad = np.exp(logp)
    grad[np.arange(n), y] -= 1.0
    return loss, grad / n


def losses(rows):
    for n, c in SIZES:
        rng = np.random.default_rng(3)
        z, y = rng.normal(size=(n, c)), rng.integers(0, c, size=n)
        t = interleaved(
            {
                "ours": lambda: (sl.cross_entropy(z, y), sl.cross_entropy_grad(z, y)),
                "scipy": lambda: _scipy_ce(z, y),
            }
        )
        rows.append(
            _row(
                "losses",
                f"cross_entropy + grad {n}×{c}",
                t["ours"],
                t["scipy"],
                "scipy.special.log_softmax based",
                "no slower",
                t["scipy"] >= t["ours"],
            )
        )
        t = interleaved(
            {"ours": lambda: sl.log_softmax(z), "scipy": lambda: special.log_softmax(z, axis=1)}
        )
        rows.append(
            _row(
                "losses",
                f"log_softmax {n}×{c}",
                t["ours"],
                t["scipy"],
                "scipy.special.log_softmax",
                "no slower",
                t["scipy"] >= t["ours"],
            )
        )


def memory(rows):
    z = np.random.default_rng(4).normal(size=(10_000, 1_000))
    g = np.random.default_rng(5).normal(size=z.shape)
    for name, fn in (
        ("softmax forward", lambda: sl.softmax(z)),
        ("softmax_vjp backward", lambda a=sl.softmax(z): sl.softmax_vjp(a, g)),
    ):
        tracemalloc.start()
        fn()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        arrays = peak / z.nbytes
        rows.append(
            {
                "section": "memory",
                "name": f"{name} 10000×1000",
                "ours_ms": None,
                "reference": "input size",
                "reference_ms": None,
                "speedup": None,
                "target": "≤ 3 arrays",
                "met": arrays <= 3,
                "note": f"peak {peak / 2**20:.1f} MiB = {arrays:.2f} arrays of the input",
            }
        )


def training(rows):
    from softmax_lab.datasets import make_dataset, train_test_split
    from softmax_lab.run_schema import TrainConfig
    from softmax_lab.trainer import Trainer

    X, y = make_dataset("blobs", n_points=625, n_classes=3, seed=0)
    X_train, y_train, X_test, y_test = train_test_split(X, y, test_fraction=0.2, seed=0)
    for hidden, target in ((0, "≥ 5000 steps/s"), (32, "report")):
        config = TrainConfig(pair="softmax_ce", hidden=hidden, lr=0.1, max_steps=100_000)
        trainer = Trainer(config, X_train, y_train, X_test, y_test, 3)
        steps = 2000
        t = interleaved({"step": lambda tr=trainer: tr.step(steps)}, repeat=3, min_time=0)["step"]
        if trainer.done:  # a stopped run returns early, and the rate would be inflated
            raise RuntimeError(f"the benchmark run stopped: {trainer.stopped_reason}")
        rate = steps / t
        rows.append(
            {
                "section": "training",
                "name": f"full-batch steps, 500 pts, hidden={hidden}",
                "ours_ms": t / steps * 1e3,
                "reference": None,
                "reference_ms": None,
                "speedup": None,
                "target": target,
                "met": rate >= 5000 if hidden == 0 else None,
                "note": f"{rate:,.0f} steps/s",
            }
        )


def _torch():
    if importlib.util.find_spec("torch") is None:
        return None
    import torch

    return torch


def run():
    rows = []
    sections = [forward, backward, losses, memory]
    if importlib.util.find_spec("softmax_lab.trainer") is not None:
        sections.append(training)
    for section in sections:
        section(rows)
    return rows
