"""The Training page's widgets and callbacks around the core's ``TrainingRun``.

The run (``softmax_lab.training_run.TrainingRun``) is kept in ``st.session_state`` under
``RUN``; what only the browser view needs (running or paused, the rate, the figures)
is a ``LiveView`` under ``LIVE``. Widgets have the keys ``tr_<setting>`` of
``RunSettings``' fields, which are also the link's parameter names. Changing the data,
the model or the loss asks before it resets a run that has started; the learning rate
and L2 apply to the running run and are recorded in its schedule, so a link replays
the run exactly.
"""

import json
import time
from dataclasses import asdict, dataclass, field, fields

import numpy as np
import streamlit as st

from softmax_lab.datasets import KINDS, MAX_CSV_BYTES, parse_points_csv
from softmax_lab.link_codec import RUN_PREFIX, run_from_query, run_to_query
from softmax_lab.pairs import PAIRS
from softmax_lab.run_schema import MAX_STEPS, TRAIN_PAIRS
from softmax_lab.trainer import Trainer
from softmax_lab.training_run import (
    INITS,
    LRS,
    MAX_BATCH,
    MAX_SEED,
    RunSettings,
    TrainingRun,
    run_data,
)
from softmax_lab.ui import share
from softmax_lab.ui.text import md

MAX_JSON_BYTES = 200_000
RUN = "train_run"
LIVE = "train_live"
PENDING = "train_pending_load"  # widget values to apply before the widgets draw
REPLAY = "train_pending_replay"  # (step, schedule) of a link, replayed when the run is built
DEFAULTS = {RUN_PREFIX + k: v for k, v in asdict(RunSettings()).items()}
REPLAY_CHUNK = 1000
PUBLISH_SECONDS = 10.0


@dataclass
class LiveView:
    """What the browser view of a run needs beside the run itself."""

    running: bool = False
    rate: float = 0.0  # steps per second of the last tick
    interval: float | None = None  # the live fragment's timer, seconds
    redraw_only: bool = False  # the live fragment's next run draws, but does not train
    slow_drawn: float = 0.0  # time.monotonic() the slow views were last computed
    figures: dict = field(default_factory=dict)
    specs: dict = field(default_factory=dict)  # name -> (large display?, JSON drawn)
    csv_digest: tuple | None = None  # the uploaded file the run was built on
    published: float = 0.0  # time.monotonic() of the last step written to the link


def run() -> TrainingRun:
    return st.session_state[RUN]


def live() -> LiveView:
    return st.session_state.setdefault(LIVE, LiveView())


def apply_link() -> None:
    """Before the widgets draw: take the settings of a newly opened link's Training run,
    and keep its step and schedule for ``current`` to replay. A bad link leaves the
    settings alone and reports why."""
    params = share.incoming()
    if params is None:
        return
    try:
        parsed = run_from_query(params)
    except ValueError as err:
        share.report(f"This link's Training run could not be read, so nothing changed: {err}")
        return
    if parsed is None:
        return
    settings, step, schedule = parsed
    st.session_state[PENDING] = {RUN_PREFIX + k: v for k, v in asdict(settings).items()}
    existing = st.session_state.get(RUN)
    if (
        existing is not None
        and existing.replayable
        and (existing.settings, existing.steps, existing.schedule) == (settings, step, schedule)
    ):
        return  # the link is this session's own run (Back to this page): keep it
    st.session_state.pop(RUN, None)
    st.session_state[LIVE] = LiveView()
    if settings.source != "generated":
        share.report(
            "This link's run trained on an uploaded CSV, which a link does not carry: "
            "upload the file again to train on it."
        )
    elif step:
        st.session_state[REPLAY] = (step, schedule)


def settings(where=None) -> RunSettings:
    """Draw the setup widgets (in ``where``) and return their values."""
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)
    if PENDING in st.session_state:  # a loaded configuration, applied before the widgets draw
        st.session_state.update(st.session_state.pop(PENDING))
    pair_name = {k: PAIRS[k].title for k in TRAIN_PAIRS}.get
    box = (where or st).container()
    with box:
        st.markdown("**Data**")
        st.radio("Data", ["generated", "uploaded CSV"], key="tr_source", horizontal=True)
        d1, d2 = st.columns(2)
        d1.selectbox("Dataset", KINDS, key="tr_kind")
        d2.slider("Classes", 2, 6, key="tr_classes")
        d1.slider("Points", 50, 2000, step=50, key="tr_points")
        d2.slider("Noise", 0.0, 1.0, step=0.05, key="tr_noise")
        d1.slider("Test fraction", 0.0, 0.5, step=0.05, key="tr_test")
        d2.number_input("Data seed", 0, MAX_SEED, key="tr_data_seed")
        st.markdown("**Model and loss**")
        m1, m2 = st.columns(2)
        m1.selectbox("Loss and output", TRAIN_PAIRS, key="tr_pair", format_func=pair_name)
        m2.select_slider(
            "Initial weight scale",
            INITS,
            key="tr_init",
            help="×10 starts the softmax saturated, as in the reference blog's code.",
        )
        m1.slider("Hidden units (0 = linear)", 0, 64, key="tr_hidden")
        m2.radio("Activation", ["tanh", "relu"], key="tr_act", horizontal=True)
        st.markdown("**Optimiser**")
        o1, o2 = st.columns(2)
        o1.select_slider("Learning rate", LRS, key="tr_lr", format_func=lambda v: f"{v:g}")
        o2.number_input("L2 penalty", 0.0, 10.0, step=0.001, format="%.4f", key="tr_l2")
        o1.number_input("Mini-batch size (0 = full batch)", 0, MAX_BATCH, step=16, key="tr_batch")
        o2.number_input("Maximum steps", 10, MAX_STEPS, step=1000, key="tr_max_steps")
        o1.number_input("Training seed", 0, MAX_SEED, key="tr_seed")
        st.toggle("Compare with a second run", key="tr_compare")
        if st.session_state.tr_compare:
            c1, c2 = st.columns(2)
            c1.selectbox("Run B loss", TRAIN_PAIRS, key="tr_pair_b", format_func=pair_name)
            c2.select_slider("Run B init", INITS, key="tr_init_b")
    return widget_settings()


def widget_settings() -> RunSettings:
    """The settings the widgets hold now."""
    values = {f.name: st.session_state[RUN_PREFIX + f.name] for f in fields(RunSettings)}
    values["max_steps"] = min(max(int(values["max_steps"]), 10), MAX_STEPS)
    return RunSettings(**values).validate()


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
    """Uploaded (X, y, names) when the settings ask for them and a file is loaded, else None."""
    csv = st.session_state.get("train_csv")
    if values.source == "uploaded CSV" and csv is not None:
        return csv
    return None


def _digest(values):
    return st.session_state.get("train_csv_digest") if _data(values) is not None else None


def build(values, trainer=None) -> TrainingRun:
    """A fresh run (or one around a loaded ``trainer``) for the settings ``values``."""
    new = TrainingRun(values, _data(values), trainer)
    st.session_state[RUN] = new
    st.session_state[LIVE] = LiveView(csv_digest=_digest(values))
    return new


def _replay(values, step, schedule) -> TrainingRun:
    """The linked run rebuilt from its seeds, with a progress bar while it trains."""
    bar = st.progress(0.0, text=f"Replaying the linked run to step {step:,} …")

    def progress(done, target):
        bar.progress(done / target, text=f"Replaying the linked run: step {done:,} of {target:,}")

    try:
        new = TrainingRun.replay(values, step, schedule, chunk=REPLAY_CHUNK, progress=progress)
    except ValueError as err:
        share.report(f"This link's run could not be replayed, so it starts afresh: {err}")
        new = TrainingRun(values)
    bar.empty()
    st.session_state[RUN] = new
    st.session_state[LIVE] = LiveView()
    return new


def current(values: RunSettings) -> TrainingRun:
    """The session's run; built (or replayed from a link) on first use, rebuilt when a
    structural change is applied. The learning rate and L2 apply to it at once."""
    if REPLAY in st.session_state:
        step, schedule = st.session_state.pop(REPLAY)
        return _published(_replay(values, step, schedule))
    existing = st.session_state.get(RUN)
    if existing is None:
        return _published(build(values))
    changed = existing.settings.structural() != values.structural()
    if _digest(values) != live().csv_digest:
        changed = True
    if changed:
        if existing.steps == 0:
            return _published(build(values))
        _ask_before_reset(existing, values)
    try:
        existing.set_rates(values.lr, values.l2)
    except ValueError as err:
        st.error(md(err, 300), icon=":material/error:")
    return _published(existing)


def _published(current_run: TrainingRun) -> TrainingRun:
    """Put the run in the link written after this run."""
    share.add_to_url(run_to_query(current_run))
    return current_run


def publish_progress() -> None:
    """Update the link's step while the run trains (called from a live fragment), at
    most every ``PUBLISH_SECONDS``: Streamlit adds a browser-history entry for every
    change of the address, so a refresh while running comes back at most that far
    behind, and Back does not step through every tick. Pause writes the exact step."""
    now = time.monotonic()
    if now - live().published < PUBLISH_SECONDS:
        return
    live().published = now
    share.add_to_url(run_to_query(run()))
    share.write_to_url()


def _ask_before_reset(existing, values):
    st.warning(
        "You changed the data, the model or the loss. Applying it resets the run "
        f"(now at step {existing.steps:,}).",
        icon=":material/restart_alt:",
    )
    a, b, _ = st.columns([1, 1, 3])
    if a.button("Apply and reset", type="primary"):
        build(values)
        st.rerun()
    kept = {RUN_PREFIX + k: v for k, v in asdict(existing.settings).items()}
    b.button("Keep the current run", on_click=_restore, args=(kept,))


def _restore(kept):
    st.session_state.update(kept)


def start():
    live().running = True


def pause():
    live().running = False


def step(k=10):
    t0 = time.perf_counter()
    ran = run().step(k)
    elapsed = time.perf_counter() - t0
    live().rate = ran / elapsed if elapsed > 0 else 0.0


def reset():
    build(widget_settings())


def export_json(current_run):
    first = next(iter(current_run.trainers.values()))
    return json.dumps(first.state_dict()).encode()


def load_json(file, values):
    """Load a saved run (config + weights) for the current data; errors change nothing."""
    data = file.getvalue()
    try:
        if len(data) > MAX_JSON_BYTES:
            raise ValueError(f"the file is over {MAX_JSON_BYTES:,} bytes")
        saved = json.loads(data.decode("utf-8"))
        _, _, names, split = run_data(values, _data(values))
        trainer = Trainer.from_state_dict(saved, *split)
        if trainer.n_classes != len(names):
            raise ValueError(f"it has {trainer.n_classes} classes; the data has {len(names)}")
        config = trainer.config
        loaded = RunSettings(
            **{
                **asdict(values),
                "pair": config.pair,
                "hidden": config.hidden,
                "act": config.activation,
                "lr": min(LRS, key=lambda v: abs(np.log(v) - np.log(config.lr))),
                "l2": config.l2,
                "init": min(INITS, key=lambda v: abs(np.log(v) - np.log(config.init_scale))),
                "batch": min(config.batch_size, MAX_BATCH),
                "seed": min(config.seed, MAX_SEED),
                "max_steps": max(config.max_steps, 10),
                "compare": False,
            }
        ).validate()
    except (ValueError, UnicodeDecodeError, RecursionError) as err:
        st.error(
            f"The configuration could not be loaded: {md(err, 300)}. Nothing was changed.",
            icon=":material/error:",
        )
        return False
    st.session_state[PENDING] = {RUN_PREFIX + k: v for k, v in asdict(loaded).items()}
    build(loaded, trainer=trainer)
    return True
