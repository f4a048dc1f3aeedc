"""Claims on the Training page: the losses and steps it states in text, recomputed here.

The recomputation is a plain NumPy forward pass of each run's current weights through
SciPy's log_softmax and softmax, never the trainer's own loss code.
"""

import re

import numpy as np
from scipy import special

from softmax_lab.ui import training_controls as tc
from tests.page_harness import run_page


def _gold_loss(trainer):
    p, X, Y = trainer.params, trainer.X, trainer.Y
    z = X @ p["W1"] + p["b1"]
    if "W2" in p:  # one hidden layer
        h = np.tanh(z) if trainer.config.activation == "tanh" else np.maximum(z, 0.0)
        z = h @ p["W2"] + p["b2"]
    if trainer.config.pair == "softmax_ce":
        return -(Y * special.log_softmax(z, axis=1)).sum(axis=1).mean()
    if trainer.config.pair == "softmax_mse":
        return ((special.softmax(z, axis=1) - Y) ** 2).sum(axis=1).mean()
    raise AssertionError(f"no gold for {trainer.config.pair}")


def test_the_stated_losses_and_step_are_those_of_the_runs_weights():
    at = run_page("training")
    next(b for b in at.button if b.label == "Step").click().run()  # ten updates
    assert not at.exception
    run = at.session_state[tc.RUN]
    caption = next(c.value for c in at.caption if "recorded at step" in c.value)
    shown = dict(re.findall(r"(\w+): loss ([0-9.e+-]+) \(recorded at step 10\)", caption))
    assert len(shown) == len(run.trainers) == 2, caption
    for label, trainer in run.trainers.items():
        gold = _gold_loss(trainer)
        np.testing.assert_allclose(float(shown[label.split(":")[0]]), gold, rtol=1e-8)
    assert any("now at step 10." in m.value for m in at.markdown)
