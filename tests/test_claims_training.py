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
    found = re.findall(r"(\w+): loss (\S+) \(recorded at step ([\d,]+)\)", caption)
    shown = {name: float(loss) for name, loss, step in found if int(step.replace(",", "")) == 10}
    assert run.steps == 10 and len(shown) == len(run.trainers) == 2, caption
    for label, trainer in run.trainers.items():
        gold = _gold_loss(trainer)
        np.testing.assert_allclose(shown[label.split(":")[0]], gold, rtol=1e-8)
    assert any("now at step 10." in m.value for m in at.markdown)
