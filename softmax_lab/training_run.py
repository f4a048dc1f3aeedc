"""The Training page's run: its settings, one trainer (or two to compare) on the same
data, the step count, the learning-rate history, and a deterministic replay.

A run made from generated data is a pure function of its settings and its
learning-rate schedule: replaying it from the seeds to a step gives the same weights,
bit for bit, as the run that got there live. That is what lets a link (or a refresh, or
a server restart) bring a run back.

Shapes: points X (N, 2), labels y (N,), C classes.
"""

import math
import numbers
from dataclasses import asdict, dataclass, fields, replace

import numpy as np

from softmax_lab.activations import sigmoid
from softmax_lab.datasets import KINDS, make_dataset, train_test_split
from softmax_lab.model import forward
from softmax_lab.pairs import PAIRS
from softmax_lab.run_schema import ACTIVATIONS, MAX_STEPS, TRAIN_PAIRS, TrainConfig
from softmax_lab.trainer import Trainer

SOURCES = ("generated", "uploaded CSV")
LRS = tuple(float(f"{v:.3g}") for v in np.logspace(-4, 1, 26))
INITS = (0.01, 0.1, 0.3, 1.0, 3.0, 10.0)
MAX_SEED = 2**31 - 1
MAX_BATCH = 2000
MIN_MAX_STEPS = 10
MAX_SCHEDULE = 100  # learning-rate or L2 changes one run records (and a link carries)
RATES = ("lr", "l2")  # the settings that change a running run instead of resetting it


@dataclass(frozen=True)
class RunSettings:
    """Everything the Training page's controls set.

    Attributes
    ----------
    source : {"generated", "uploaded CSV"}
    kind, classes, points, noise, test, data_seed
        The generated data: ``make_dataset(kind, points, classes, noise, data_seed)``,
        split with a ``test`` fraction held out (``train_test_split``).
    hidden, act, pair, init, batch, seed, max_steps, lr, l2
        Run A's model and optimiser (``TrainConfig``'s hidden, activation, pair,
        init_scale, batch_size, seed, max_steps, lr and l2).
    compare : bool
        Whether run B trains beside A on the same data; B differs in ``pair_b`` and
        ``init_b`` only.

    Examples
    --------
    >>> RunSettings(lr=0.3).validate()
    Traceback (most recent call last):
    ...
    ValueError: lr must be one of the slider's values (1e-4 … 10); got 0.3
    """

    source: str = "generated"
    kind: str = "blobs"
    classes: int = 3
    points: int = 300
    noise: float = 0.2
    test: float = 0.25
    data_seed: int = 0
    hidden: int = 0
    act: str = "tanh"
    pair: str = "softmax_ce"
    init: float = 10.0
    batch: int = 0
    seed: int = 0
    max_steps: int = 20000
    lr: float = 0.1
    l2: float = 0.0
    compare: bool = True
    pair_b: str = "softmax_mse"
    init_b: float = 10.0

    def validate(self):
        """``self`` with plain Python values, or ``ValueError`` naming the first bad field."""
        values = {}
        for f in fields(self):
            kind, check, allowed = _RULES[f.name]
            value = getattr(self, f.name)
            if not _is_kind(value, kind) or not check(value):
                raise ValueError(f"{f.name} must be {allowed}; got {_short(value)}")
            values[f.name] = kind(value)
        return RunSettings(**values)

    def config(self, run="A"):
        """The ``TrainConfig`` of run A or B.

        Examples
        --------
        >>> RunSettings().config("B").pair
        'softmax_mse'
        """
        pair, init = (self.pair, self.init) if run == "A" else (self.pair_b, self.init_b)
        return TrainConfig(
            pair=pair,
            hidden=self.hidden,
            activation=self.act,
            lr=self.lr,
            l2=self.l2,
            init_scale=init,
            batch_size=self.batch,
            seed=self.seed,
            max_steps=self.max_steps,
        )

    def structural(self):
        """The settings whose change needs a new run: all but the learning rate and L2."""
        return {k: v for k, v in asdict(self).items() if k not in RATES}

    def labels(self):
        """The runs' labels: ("A",) alone, or ("A: <loss>, init ×s", "B: …") to compare."""
        if not self.compare:
            return ("A",)
        return (
            f"A: {PAIRS[self.pair].title}, init ×{self.init:g}",
            f"B: {PAIRS[self.pair_b].title}, init ×{self.init_b:g}",
        )


_RULES = {  # field: (type, range check, what is allowed)
    "source": (str, lambda v: v in SOURCES, "generated or uploaded CSV"),
    "kind": (str, lambda v: v in KINDS, f"one of {', '.join(KINDS)}"),
    "classes": (int, lambda v: 2 <= v <= 6, "a whole number from 2 to 6"),
    "points": (int, lambda v: 50 <= v <= 2000, "a whole number from 50 to 2,000"),
    "noise": (float, lambda v: 0 <= v <= 1, "a number from 0 to 1"),
    "test": (float, lambda v: 0 <= v <= 0.5, "a number from 0 to 0.5"),
    "data_seed": (int, lambda v: 0 <= v <= MAX_SEED, "a whole number from 0 to 2**31 - 1"),
    "hidden": (int, lambda v: 0 <= v <= 64, "a whole number from 0 to 64"),
    "act": (str, lambda v: v in ACTIVATIONS, "tanh or relu"),
    "pair": (str, lambda v: v in TRAIN_PAIRS, f"one of {', '.join(TRAIN_PAIRS)}"),
    "init": (float, lambda v: v in INITS, "one of 0.01, 0.1, 0.3, 1, 3, 10"),
    "batch": (int, lambda v: 0 <= v <= MAX_BATCH, "a whole number from 0 to 2,000"),
    "seed": (int, lambda v: 0 <= v <= MAX_SEED, "a whole number from 0 to 2**31 - 1"),
    "max_steps": (
        int,
        lambda v: MIN_MAX_STEPS <= v <= MAX_STEPS,
        "a whole number from 10 to 100,000",
    ),
    "lr": (float, lambda v: v in LRS, "one of the slider's values (1e-4 … 10)"),
    "l2": (float, lambda v: 0 <= v <= 10, "a number from 0 to 10"),
    "compare": (bool, lambda v: True, "true or false"),
    "pair_b": (str, lambda v: v in TRAIN_PAIRS, f"one of {', '.join(TRAIN_PAIRS)}"),
    "init_b": (float, lambda v: v in INITS, "one of 0.01, 0.1, 0.3, 1, 3, 10"),
}


def _is_kind(value, kind):
    if kind is str:
        return isinstance(value, str)
    if kind is bool:
        return isinstance(value, bool | np.bool_)
    if isinstance(value, bool | np.bool_):
        return False
    if kind is int:
        return isinstance(value, numbers.Integral)
    return isinstance(value, numbers.Real) and math.isfinite(value)


def _short(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def run_data(settings, data=None):
    """(X, y, names, split) of a run: the uploaded ``data`` (X, y, names) or the generated
    points of ``settings``, and ``train_test_split`` of them (X_train, y_train, X_test,
    y_test) with the settings' test fraction and data seed.

    Examples
    --------
    >>> X, y, names, split = run_data(RunSettings(points=100, test=0.25))
    >>> X.shape, names, [len(part) for part in split]
    ((100, 2), ('0', '1', '2'), [75, 75, 25, 25])
    """
    if data is None:
        X, y = make_dataset(
            settings.kind, settings.points, settings.classes, settings.noise, settings.data_seed
        )
        names = tuple(str(k) for k in range(settings.classes))
    else:
        X, y, names = data
    return X, y, tuple(names), train_test_split(X, y, settings.test, settings.data_seed)


def check_schedule(schedule, max_steps):
    """A validated learning-rate schedule: a tuple of (step, lr, l2), first at step 0.

    Steps rise strictly and stay within ``max_steps``; lr is one of ``LRS`` and l2 in
    [0, 10]; at most ``MAX_SCHEDULE`` entries.

    Examples
    --------
    >>> check_schedule([(0, 0.1, 0.0), (50, 1.0, 0.0)], 100)
    ((0, 0.1, 0.0), (50, 1.0, 0.0))
    >>> check_schedule([(5, 0.1, 0.0)], 100)
    Traceback (most recent call last):
    ...
    ValueError: the learning-rate schedule must start at step 0
    """
    entries = list(schedule)
    if not 1 <= len(entries) <= MAX_SCHEDULE:
        raise ValueError(f"the learning-rate schedule must have 1 to {MAX_SCHEDULE} entries")
    out, last = [], -1
    for entry in entries:
        step, lr, l2 = entry
        if not _is_kind(step, int) or not last < step <= max_steps:
            raise ValueError("the learning-rate schedule's steps must rise within max_steps")
        if not _is_kind(lr, float) or float(lr) not in LRS:
            raise ValueError(f"the learning-rate schedule has an lr off the slider: {_short(lr)}")
        if not _is_kind(l2, float) or not 0 <= l2 <= 10:
            raise ValueError(f"the learning-rate schedule has an l2 outside 0 … 10: {_short(l2)}")
        out.append((int(step), float(lr), float(l2)))
        last = step
    if out[0][0] != 0:
        raise ValueError("the learning-rate schedule must start at step 0")
    return tuple(out)


class TrainingRun:
    """One or two trainers on the same data, with their step count and rate history.

    Parameters
    ----------
    settings : RunSettings
    data : tuple (X, y, names), optional
        Uploaded points (N, 2), labels (N,) and class names; None generates the data
        from the settings.
    trainer : Trainer, optional
        A loaded run A (from a saved JSON) to continue instead of a fresh one.

    Attributes
    ----------
    settings : RunSettings
        The settings it was built with; lr and l2 follow ``set_rates``.
    X, y, names
        All the points (train and test), their labels and the class names.
    trainers : dict of str to Trainer
        Keyed by ``settings.labels()``.
    schedule : tuple of (step, lr, l2)
        The learning rate and L2 from each step on.
    replayable : bool
        Whether ``replay`` rebuilds it: generated data and fresh weights.

    Examples
    --------
    >>> run = TrainingRun(RunSettings(compare=False, max_steps=100))
    >>> run.step(30); run.set_rates(1.0, 0.0); run.step(30); run.steps
    30
    30
    60
    >>> again = TrainingRun.replay(run.settings, 60, run.schedule)
    >>> all(np.array_equal(again.trainers["A"].params[k], p)
    ...     for k, p in run.trainers["A"].params.items())
    True
    """

    def __init__(self, settings, data=None, trainer=None):
        self.settings = settings.validate()
        s = self.settings
        X, y, names, split = run_data(s, data)
        labels = s.labels()
        self.X, self.y, self.names = X, y, names
        self.trainers = {labels[0]: trainer or Trainer(s.config("A"), *split, len(names))}
        if s.compare:
            self.trainers[labels[1]] = Trainer(s.config("B"), *split, len(names))
        start = self.steps
        self.schedule = ((start, s.lr, s.l2),)
        self.replayable = data is None and trainer is None

    @property
    def steps(self):
        """The step count: the furthest any trainer has got."""
        return max(t.steps for t in self.trainers.values())

    @property
    def done(self):
        """Whether every trainer has stopped."""
        return all(t.done for t in self.trainers.values())

    @property
    def max_steps(self):
        return self.settings.max_steps

    def step(self, k):
        """Up to k updates of every trainer; returns how many the furthest one ran."""
        before = self.steps
        for trainer in self.trainers.values():
            trainer.step(k)
        return self.steps - before

    def set_rates(self, lr, l2):
        """Change the learning rate and L2 from the next update on, and record it.

        Raises
        ------
        ValueError
            If lr is not on the slider's grid, l2 is outside 0 … 10, or the schedule
            already holds ``MAX_SCHEDULE`` changes.
        """
        new = replace(self.settings, lr=lr, l2=l2).validate()
        if (new.lr, new.l2) == (self.settings.lr, self.settings.l2):
            return
        at = self.steps
        schedule = [e for e in self.schedule if e[0] < at] + [(at, new.lr, new.l2)]
        if len(schedule) > 1 and schedule[-2][1:] == (new.lr, new.l2):
            schedule.pop()  # back to the rates in force before: no change at this step
        if len(schedule) > MAX_SCHEDULE:
            raise ValueError(
                f"a run records at most {MAX_SCHEDULE} learning-rate or L2 changes; "
                "reset the run to change them again"
            )
        for trainer in self.trainers.values():
            trainer.set_lr(new.lr)
            trainer.set_l2(new.l2)
        self.settings, self.schedule = new, tuple(schedule)

    @classmethod
    def replay(cls, settings, target, schedule=None, chunk=2000, progress=None):
        """The run of ``settings`` rebuilt from its seeds: trained to step ``target``
        with the rates of ``schedule`` (default: the settings' lr and l2 throughout).

        Parameters
        ----------
        settings : RunSettings
            With source "generated".
        target : int
            0 … settings.max_steps.
        schedule : sequence of (step, lr, l2), optional
            As ``TrainingRun.schedule``; entries past ``target`` are ignored.
        chunk : int
            Updates between calls of ``progress``.
        progress : callable, optional
            Called as ``progress(done_steps, target)`` after every chunk.

        Returns
        -------
        TrainingRun
            Its weights equal, bit for bit, those of the run that reached ``target``
            live with the same settings and schedule.
        """
        settings = settings.validate()
        if settings.source != "generated":
            raise ValueError("only a run on generated data can be replayed from its seeds")
        if not _is_kind(target, int) or not 0 <= target <= settings.max_steps:
            raise ValueError(f"the step must be a whole number from 0 to {settings.max_steps:,}")
        if schedule is None:
            schedule = ((0, settings.lr, settings.l2),)
        schedule = [e for e in check_schedule(schedule, settings.max_steps) if e[0] <= target]
        first = replace(settings, lr=schedule[0][1], l2=schedule[0][2])
        run = cls(first)
        ends = [e[0] for e in schedule[1:]] + [target]
        for (_, lr, l2), end in zip(schedule, ends, strict=True):
            run.set_rates(lr, l2)
            while run.steps < end and not run.done:
                run.step(min(chunk, end - run.steps))
                if progress is not None:
                    progress(run.steps, target)
        return run


def class_sigmoids(trainer):
    """Mean σ(z) of the true class and of the wrong classes, on the training points.

    For a sigmoid pair these are the model's own yes/no answers: positive-only CE
    pushes the true class's σ(z) up and never pushes a wrong class's σ(z) down.

    Returns
    -------
    true, wrong : float
        The mean over N of σ(z_y), and the mean over N of the mean σ over the C − 1
        wrong classes.
    """
    logits, _ = forward(trainer.params, trainer.X, trainer.config.activation)
    probs = sigmoid(logits)
    n_rows, n_classes = probs.shape
    true = probs[np.arange(n_rows), trainer.y]
    wrong = (probs.sum(axis=1) - true) / (n_classes - 1)
    return float(true.mean()), float(wrong.mean())


# -- what the runs show -----------------------------------------------------------------

STALL_TOLERANCE = 0.005  # accuracies this close count as the same level
MIN_STALL_STEPS = 200


def reach_step(history, level):
    """The first recorded step at which train accuracy is within ``STALL_TOLERANCE`` of
    ``level`` or above it; None if it never is.

    Examples
    --------
    >>> reach_step({"step": np.array([0, 10, 20]), "train_acc": np.array([0.2, 0.5, 1.0])}, 1)
    20
    """
    hit = np.flatnonzero(history["train_acc"] >= level - STALL_TOLERANCE)
    return int(history["step"][hit[0]]) if hit.size else None


def longest_stall(history, below):
    """(first step, last step, accuracy at the last step) of the longest stretch of
    records whose train accuracy stays within ``STALL_TOLERANCE`` of its first value,
    which is under ``below``; None if no such stretch lasts ``MIN_STALL_STEPS`` steps.

    Examples
    --------
    >>> acc = np.array([0, 0.5, 0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1])
    >>> h = {"step": np.arange(0, 1000, 100), "train_acc": acc}
    >>> longest_stall(h, below=1.0)
    (100, 500, 0.5)
    """
    acc, steps = history["train_acc"], history["step"]
    best, i = None, 0
    while i < len(acc):
        j = i
        while j + 1 < len(acc) and abs(acc[j + 1] - acc[i]) <= STALL_TOLERANCE:
            j += 1
        length = steps[j] - steps[i]
        longer = best is None or length > best[1] - best[0]
        if acc[i] < below - STALL_TOLERANCE and length >= MIN_STALL_STEPS and longer:
            best = (int(steps[i]), int(steps[j]), float(acc[j]))
        i = j + 1
    return best


def story(run):
    """Sentences that say what the run shows, every number read from its history.

    Returns
    -------
    list of str
        The budget and learning rate; for each trainer, the train accuracy it reached
        (and at which step), and the longest stall below the best run's accuracy.
    """
    s = run.settings
    how = "full-batch" if s.batch == 0 else f"mini-batch ({s.batch})"
    l2 = f", L2 {s.l2:g}" if s.l2 else ""
    lines = [
        f"Budget {s.max_steps:,} steps of {how} gradient descent at learning rate {s.lr:g}"
        f"{l2}, on {len(run.y):,} points of {s.kind}; now at step {run.steps:,}."
    ]
    if run.steps == 0:
        return lines
    histories = {label: t.history_arrays() for label, t in run.trainers.items()}
    lead = max(float(np.nanmax(h["train_acc"])) for h in histories.values())
    for label, h in histories.items():
        now, last = float(h["train_acc"][-1]), int(h["step"][-1])
        stall = longest_stall(h, lead)
        parts = []
        if stall is not None:
            first, end, level = stall
            if end == last and now < lead - STALL_TOLERANCE:
                parts.append(f"has stayed at {level:.0%} train accuracy since step {first:,}")
            else:
                parts.append(f"stayed at {level:.0%} from step {first:,} to step {end:,}")
        reached = reach_step(h, lead)
        if reached is not None:
            parts.append(f"reached {lead:.0%} at step {reached:,}")
        elif stall is None:
            parts.append(f"is at {now:.0%} train accuracy, below the best run's {lead:.0%}")
        lines.append(f"{label} " + ", then ".join(parts) + ".")
    return lines


def pos_ce_story(run):
    """For each trainer with the positive-only CE: what its sigmoids say now.

    Returns
    -------
    list of str
        The mean σ(z) of the true class and of the wrong classes, computed on the
        training points.
    """
    lines = []
    for label, trainer in run.trainers.items():
        if trainer.config.pair != "sigmoid_pos_ce":
            continue
        true, wrong = class_sigmoids(trainer)
        lines.append(
            f"{label}, at step {trainer.steps:,}: mean σ of the true class {true:.3f}, "
            f"of the wrong classes {wrong:.3f}."
        )
    return lines


def loss_line(run):
    """Each run's last recorded loss in full (9 significant digits) and its step: a
    fingerprint of the weights that a replay of the same link reproduces exactly.

    Examples
    --------
    >>> loss_line(TrainingRun(RunSettings(compare=False)))
    'A: loss 6.93808791 (recorded at step 0)'
    """
    parts = []
    for label, trainer in run.trainers.items():
        h = trainer.history_arrays()
        parts.append(
            f"{label.split(':')[0]}: loss {h['loss'][-1]:.9g} "
            f"(recorded at step {int(h['step'][-1]):,})"
        )
    return " · ".join(parts)
