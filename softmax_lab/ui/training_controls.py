"""The Training page's state: settings widgets, the runs, and the start/pause machine.

Everything lives in ``st.session_state`` under ``train_*`` keys, one run per browser
session. Changing the data, the model or the loss asks before it resets a run that
has started; the learning rate and L2 apply to the running run.
"""

import json
import threading
import time

import numpy as np
import streamlit as st

from softmax_lab.datasets import (
    KINDS,
    MAX_CSV_BYTES,
    make_dataset,
    parse_points_csv,
    train_test_split,
)
from softmax_lab.pairs import PAIRS
from softmax_lab.run_schema import MAX_STEPS, TRAIN_PAIRS, TrainConfig
from softmax_lab.trainer import Trainer
from softmax_lab.ui.text import md

LRS = tuple(float(f"{v:.3g}") for v in np.logspace(-4, 1, 26))
INITS = (0.01, 0.1, 0.3, 1.0, 3.0, 10.0)
TICK_SECONDS = 0.15
SLOW_SECONDS = 1.5
TICK_BUDGET = 0.03  # seconds of training per tick, so a tick stays light
MAX_JSON_BYTES = 200_000
RUN = "train_run"
# A process-wide load governor (no user data): which sessions are training right now.
# Ticks space out as more sessions train, so the server stays responsive to everyone.
_TRAINING: dict[str, float] = {}
_TRAINING_LOCK = threading.Lock()
PENDING = "train_pending_load"

DEFAULTS = {
    "tr_kind": "blobs",
    "tr_classes": 3,
    "tr_points": 300,
    "tr_noise": 0.2,
    "tr_test": 0.25,
    "tr_data_seed": 0,
    "tr_source": "generated",
    "tr_hidden": 0,
    "tr_act": "tanh",
    "tr_pair": "softmax_ce",
    "tr_init": 1.0,
    "tr_batch": 0,
    "tr_seed": 0,
    "tr_max_steps": 20000,
    "tr_lr": 0.1,
    "tr_l2": 0.0,
    "tr_compare": False,
    "tr_pair_b": "softmax_mse",
    "tr_init_b": 1.0,
}
STRUCTURAL = [k for k in DEFAULTS if k not in ("tr_lr", "tr_l2")]


def settings() -> dict:
    """Draw the setup widgets and return their values (keys as in ``DEFAULTS``)."""
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)
    if PENDING in st.session_state:  # a loaded configuration, applied before the widgets draw
        st.session_state.update(st.session_state.pop(PENDING))
    pair_name = {k: PAIRS[k].title for k in TRAIN_PAIRS}.get
    with st.expander("Setup: data, model, loss and optimiser", expanded=True):
        d1, d2, d3, d4 = st.columns(4)
        d1.radio("Data", ["generated", "uploaded CSV"], key="tr_source", horizontal=True)
        d1.selectbox("Dataset", KINDS, key="tr_kind")
        d2.slider("Classes", 2, 6, key="tr_classes")
        d2.slider("Points", 50, 2000, step=50, key="tr_points")
        d3.slider("Noise", 0.0, 1.0, step=0.05, key="tr_noise")
        d3.slider("Test fraction", 0.0, 0.5, step=0.05, key="tr_test")
        d4.number_input("Data seed", 0, 2**31 - 1, key="tr_data_seed")
        d4.number_input("Training seed", 0, 2**31 - 1, key="tr_seed")
        m1, m2, m3, m4 = st.columns(4)
        m1.selectbox("Loss and output", TRAIN_PAIRS, key="tr_pair", format_func=pair_name)
        m2.slider("Hidden units (0 = linear)", 0, 64, key="tr_hidden")
        m2.radio("Activation", ["tanh", "relu"], key="tr_act", horizontal=True)
        m3.select_slider(
            "Initial weight scale",
            INITS,
            key="tr_init",
            help="×10 starts the softmax saturated, as in the reference blog's code.",
        )
        m3.number_input("Mini-batch size (0 = full batch)", 0, 2000, step=16, key="tr_batch")
        m4.number_input("Maximum steps", 10, MAX_STEPS, step=1000, key="tr_max_steps")
        o1, o2, o3 = st.columns([2, 1, 2])
        o1.select_slider("Learning rate", LRS, key="tr_lr", format_func=lambda v: f"{v:g}")
        o2.number_input("L2 penalty", 0.0, 10.0, step=0.001, format="%.4f", key="tr_l2")
        with o3:
            st.toggle("Compare with a second run", key="tr_compare")
            if st.session_state.tr_compare:
                c1, c2 = st.columns(2)
                c1.selectbox("Run B loss", TRAIN_PAIRS, key="tr_pair_b", format_func=pair_name)
                c2.select_slider("Run B init", INITS, key="tr_init_b")
    return {k: st.session_state[k] for k in DEFAULTS}


def csv_upload():
    """The CSV uploader; a bad file shows an error and changes nothing."""
    if st.session_state.get("tr_source") != "uploaded CSV":
        return
    file = st.file_uploader(
        "Points CSV with columns x1, x2, label (at most 1 MB, 5,000 rows)",
        type=["csv", "txt"],
        key="tr_csv",
    )
    if file is None:
        if "train_csv" not in st.session_state:
            st.info("Upload a CSV to train on it; until then the generated data stays.")
        return
    data = file.getvalue()
    digest = (file.name, len(data), hash(data))
    if st.session_state.get("train_csv_digest") == digest:
        return
    try:
        X, y, names = parse_points_csv(data[: MAX_CSV_BYTES + 1])
    except ValueError as err:
        st.error(
            f"{md(file.name, 60)}: {md(err, 300)} Nothing was changed.", icon=":material/error:"
        )
        return
    st.session_state["train_csv"] = (X, y, names)
    st.session_state["train_csv_digest"] = digest


def _data(values):
    csv = st.session_state.get("train_csv")
    if values["tr_source"] == "uploaded CSV" and csv is not None:
        X, y, names = csv
    else:
        X, y = make_dataset(
            values["tr_kind"],
            values["tr_points"],
            values["tr_classes"],
            values["tr_noise"],
            values["tr_data_seed"],
        )
        names = [str(k) for k in range(values["tr_classes"])]
    return X, y, names, train_test_split(X, y, values["tr_test"], values["tr_data_seed"])


def _config(values, pair=None, init=None):
    return TrainConfig(
        pair=pair or values["tr_pair"],
        hidden=int(values["tr_hidden"]),
        activation=values["tr_act"],
        lr=float(values["tr_lr"]),
        l2=float(values["tr_l2"]),
        init_scale=float(init or values["tr_init"]),
        batch_size=int(values["tr_batch"]),
        seed=int(values["tr_seed"]),
        max_steps=int(values["tr_max_steps"]),
    )


def build(values, trainer=None):
    """A fresh run (or one around a loaded ``trainer``) for the settings ``values``."""
    X, y, names, split = _data(values)
    runs = {"A": trainer or Trainer(_config(values), *split, len(names))}
    if values["tr_compare"]:
        label_a = f"A: {PAIRS[values['tr_pair']].title}, init ×{values['tr_init']:g}"
        label_b = f"B: {PAIRS[values['tr_pair_b']].title}, init ×{values['tr_init_b']:g}"
        runs = {
            label_a: runs["A"],
            label_b: Trainer(
                _config(values, values["tr_pair_b"], values["tr_init_b"]), *split, len(names)
            ),
        }
    st.session_state[RUN] = {
        "runs": runs,
        "X": X,
        "y": y,
        "names": names,
        "active": dict(values),
        "running": False,
        "rate": 0.0,
    }
    return st.session_state[RUN]


def current(values):
    """The session's run; built on first use or when a structural change is applied."""
    run = st.session_state.get(RUN)
    if run is None:
        return build(values)
    changed = [k for k in STRUCTURAL if run["active"].get(k) != values[k]]
    if values["tr_source"] == "uploaded CSV" and run.get("csv_digest") != st.session_state.get(
        "train_csv_digest"
    ):
        changed.append("tr_csv")
    if changed:
        if steps(run) == 0:
            run = build(values)
            run["csv_digest"] = st.session_state.get("train_csv_digest")
        else:
            _ask_before_reset(run, values)
    for t in run["runs"].values():
        if t.config.lr != values["tr_lr"]:
            t.set_lr(float(values["tr_lr"]))
        if t.config.l2 != values["tr_l2"]:
            t.set_l2(float(values["tr_l2"]))
    run["active"]["tr_lr"], run["active"]["tr_l2"] = values["tr_lr"], values["tr_l2"]
    return run


def _ask_before_reset(run, values):
    st.warning(
        "You changed the data, the model or the loss. Applying it resets the run "
        f"(now at step {steps(run):,}).",
        icon=":material/restart_alt:",
    )
    a, b, _ = st.columns([1, 1, 3])
    if a.button("Apply and reset", type="primary"):
        build(values)["csv_digest"] = st.session_state.get("train_csv_digest")
        st.rerun()
    b.button("Keep the current run", on_click=_restore, args=(dict(run["active"]),))


def _restore(active):
    st.session_state.update({k: v for k, v in active.items() if k in DEFAULTS})


def steps(run):
    return max(t.steps for t in run["runs"].values())


def done(run):
    return all(t.done for t in run["runs"].values())


def tick(run, budget=TICK_BUDGET):
    """Train every run for about ``budget`` seconds; records the steps-per-second rate."""
    t0 = time.perf_counter()
    ran, chunk = 0, 5
    while time.perf_counter() - t0 < budget and not done(run):
        for t in run["runs"].values():
            ran += t.step(chunk)
        chunk = min(chunk * 2, 200)
    elapsed = time.perf_counter() - t0
    run["rate"] = ran / len(run["runs"]) / elapsed if elapsed > 0 else 0.0
    if done(run):
        run["running"] = False


def export_json(run):
    first = next(iter(run["runs"].values()))
    return json.dumps(first.state_dict()).encode()


def load_json(file, values):
    """Load a saved run (config + weights) for the current data; errors change nothing."""
    data = file.getvalue()
    try:
        if len(data) > MAX_JSON_BYTES:
            raise ValueError(f"the file is over {MAX_JSON_BYTES:,} bytes")
        saved = json.loads(data.decode("utf-8"))
        _, _, names, split = _data(values)
        trainer = Trainer.from_state_dict(saved, *split)
        if trainer.n_classes != len(names):
            raise ValueError(f"it has {trainer.n_classes} classes; the data has {len(names)}")
    except (ValueError, UnicodeDecodeError, RecursionError) as err:
        st.error(
            f"The configuration could not be loaded: {md(err, 300)}. Nothing was changed.",
            icon=":material/error:",
        )
        return False
    config = trainer.config
    st.session_state[PENDING] = {
        "tr_pair": config.pair,
        "tr_hidden": config.hidden,
        "tr_act": config.activation,
        "tr_lr": min(LRS, key=lambda v: abs(np.log(v) - np.log(config.lr))),
        "tr_l2": config.l2,
        "tr_init": min(INITS, key=lambda v: abs(np.log(v) - np.log(config.init_scale))),
        "tr_batch": config.batch_size,
        "tr_seed": config.seed,
        "tr_max_steps": config.max_steps,
        "tr_compare": False,
    }
    build({**values, **st.session_state[PENDING]}, trainer=trainer)
    return True


def _session_id():
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else "bare"


def tick_interval(running):
    """Seconds between live updates: 0.15 s alone, times the number of sessions training.

    The server then sends about the same number of updates per second however many
    people train at once, and each tick stays light.
    """
    if not running:
        return None
    now = time.monotonic()
    with _TRAINING_LOCK:
        _TRAINING[_session_id()] = now
        for sid, seen in list(_TRAINING.items()):
            if now - seen > 3.0:
                del _TRAINING[sid]
        busy = len(_TRAINING)
    return TICK_SECONDS * max(1, busy)


def slow_interval(running):
    """Seconds between redraws of the slowly changing views: the regions, the confusion."""
    return max(SLOW_SECONDS, 4 * tick_interval(running)) if running else None


def interval_drifted(run):
    """Whether the load changed enough that the fragment's timer should be re-armed."""
    wanted = tick_interval(run["running"])
    current = run.get("interval")
    return bool(wanted and current) and abs(wanted - current) / current > 0.5


def start():
    st.session_state[RUN]["running"] = True


def pause():
    st.session_state[RUN]["running"] = False


def step(k=10):
    run = st.session_state[RUN]
    t0, ran = time.perf_counter(), 0
    for trainer in run["runs"].values():
        ran += trainer.step(k)
    elapsed = time.perf_counter() - t0
    run["rate"] = ran / len(run["runs"]) / elapsed if elapsed > 0 else 0.0


def reset():
    build(st.session_state[RUN]["active"])
