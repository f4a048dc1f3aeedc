"""Training: a small classifier learning live, and where saturation stalls it."""

import time

import pandas as pd
import streamlit as st

from softmax_lab.decision_regions import decision_grid
from softmax_lab.figures.training import (
    LIVE_PANELS,
    SLOW_PANELS,
    confusion_figure,
    curves_figure,
    decision_figure,
    refresh_confusion,
    refresh_curves,
    refresh_decision,
)
from softmax_lab.training_run import TrainingRun, loss_line, pos_ce_story, story
from softmax_lab.ui import charts, sections, share
from softmax_lab.ui import training_controls as tc
from softmax_lab.ui import training_ticks as ticks
from softmax_lab.ui.frame import require_frame

require_frame()

st.title("Training")
tc.apply_link()
share.show_url_error()
st.caption(
    "Gradient descent on 2-D points. By default run A (softmax + cross-entropy) and run B "
    "(softmax + MSE) start from the same large weights, where the softmax is saturated: "
    "watch B's accuracy stall while A's does not."
)

# -- inputs ----------------------------------------------------------------------------
# One toolbar: the setup in a popover, then the buttons, so that Start and the live
# chart share the first screen.
bar = st.columns([1.3, 1, 1, 1, 1, 3], vertical_alignment="center")
with bar[0].popover("Setup", icon=":material/tune:", use_container_width=True):
    values = tc.settings()
tc.csv_upload()  # on the page, not in the popover: shown only for uploaded data
run = tc.current(values)
live = tc.live()
# Callbacks change the run before this script reads it again: one rerun per click.
bar[1].button("Start", type="primary", disabled=live.running or run.done, on_click=tc.start)
bar[2].button("Pause", disabled=not live.running, on_click=tc.pause)
bar[3].button("Step", disabled=live.running or run.done, help="Ten updates", on_click=tc.step)
bar[4].button("Reset", on_click=tc.reset)
run, live = tc.run(), tc.live()


# -- live view -------------------------------------------------------------------------
# Two fragments, one inside the other. The inner one trains a tick and redraws the
# progress, the accuracy and loss curves and the loss line. The outer one redraws the
# slowly changing views (the other curves, the regions, the confusion matrix) and, on
# each of its runs, re-arms the inner one's timer at the interval the server's load
# asks for: a change of interval costs a run of the outer fragment, not of the page.
# Each Plotly redraw holds the browser's main thread, so a light tick leaves it free
# for the user's clicks (Pause lands at once).


def live_curves():
    run, live = tc.run(), tc.live()
    # Each run of the outer fragment runs this one too: then it draws again what it
    # drew last, and only its own timer's runs train.
    trains = live.running and not live.redraw_only
    live.redraw_only = False
    fresh = trains or not live.running
    if trains:
        ticks.tick(run, live)
        if not live.running:
            st.rerun(scope="app")  # the run is done: the buttons change
    status = "running" if live.running else "paused"
    st.progress(
        min(run.steps / run.max_steps, 1.0),
        text=f"step {run.steps:,} of {run.max_steps:,} · {status} · {live.rate:,.0f} steps/s",
    )
    for label, trainer in run.trainers.items():
        if trainer.stopped_reason:
            st.info(f"{label}: stopped: {trainer.stopped_reason}", icon=":material/stop_circle:")
    show_curves(run, live, "curves_live", LIVE_PANELS, fresh)
    # The last recorded loss of each run, in full: the same link replays to the same. It is
    # drawn with the progress, so the two always show the same step.
    st.caption(loss_line(run))


def show_curves(run, live, name, panels, fresh):
    """The ``panels`` of every run's history; the figure is built once, then refreshed
    when ``fresh``."""
    if fresh or name not in live.figures:
        histories = {label: t.history_arrays() for label, t in run.trainers.items()}
        if name in live.figures:
            refresh_curves(live.figures[name], histories, panels)
        else:
            live.figures[name] = curves_figure(histories, panels)
    show_figure(live, name, fresh)


def show_figure(live, name, fresh, key=None, where=None):
    """Draw ``live.figures[name]`` as chart ``key`` (default: ``name``); its JSON is
    encoded again when ``fresh`` (the figure was refreshed) or the display changed."""
    large = charts.large()
    if fresh or live.specs.get(name, (None,))[0] != large:
        live.specs[name] = (large, charts.spec_json(live.figures[name], large))
    charts.show_spec(live.specs[name][1], key=key or name, where=where)


@st.fragment(run_every=ticks.slow_timer(live.running))
def live_view():
    run, live = tc.run(), tc.live()
    live.interval = ticks.tick_interval(live.running)
    live.redraw_only = True
    st.fragment(live_curves, run_every=live.interval)()
    fresh = ticks.slow_due(live)
    if fresh:
        live.slow_drawn = time.monotonic()
    if live.running:
        tc.publish_progress()  # the link follows the run, so a refresh comes back here
    for line in story(run):
        st.markdown(line)
    if any(t.config.pair == "sigmoid_pos_ce" for t in run.trainers.values()):
        st.markdown(
            "Positive-only CE has no softmax, and its gradient −y (1 − σ(z)) does not "
            "vanish at a confident wrong start: it is close to −1 there, so the true "
            "class's σ(z) rises fast. It fails for another reason: only the true class "
            "gets a gradient, so nothing pulls the wrong classes' σ(z) down and every "
            "class can answer yes. " + " ".join(pos_ce_story(run))
        )
    show_curves(run, live, "curves_slow", SLOW_PANELS, fresh)
    st.caption(
        "top p, entropy: the mean over the training points of the largest shown probability "
        "(solid) and of the entropy in nats (dotted); both on the full training set."
    )
    runs, figs = run.trainers, live.figures
    # One run: regions beside its confusion matrix. Two: one column each, regions above.
    cols = st.columns([3, 2]) if len(runs) == 1 else st.columns(len(runs))
    for i, (label, trainer) in enumerate(runs.items()):
        cm_name = f"cm {label}"
        if fresh or label not in figs:
            grid = decision_grid(trainer, run.X, resolution=60)
            cm = trainer.confusion_matrix()
            if label in figs:
                refresh_decision(figs[label], *grid)
                refresh_confusion(figs[cm_name], cm)
            else:
                title = label if len(runs) > 1 else ""
                figs[label] = decision_figure(*grid, run.X, run.y, title=title)
                figs[cm_name] = confusion_figure(cm, run.names)
        regions_col, cm_col = (cols[0], cols[1]) if len(runs) == 1 else (cols[i], cols[i])
        show_figure(live, label, fresh, key=f"regions_{label}", where=regions_col)
        show_figure(live, cm_name, fresh, key=f"confusion_{label}", where=cm_col)
        cm_col.caption(
            f"Confusion matrix{' of ' + label if len(runs) > 1 else ''} on the test set."
        )


live_view()

# -- what happens later ------------------------------------------------------------------
later, later_open = sections.lazy_expander(
    "What happens later? Train these settings to the whole budget", key="tr_later"
)
if later_open and run.replayable:
    memo = (run.settings, run.schedule)
    if st.session_state.get("tr_later_memo", (None,))[0] != memo:
        with later:
            bar_later = st.progress(0.0, text="Training to the budget …")
        forecast = TrainingRun.replay(
            run.settings,
            run.max_steps,
            run.schedule,
            progress=lambda done, total: bar_later.progress(
                done / total, text=f"Training to the budget: step {done:,} of {total:,}"
            ),
        )
        bar_later.empty()
        st.session_state["tr_later_memo"] = (memo, story(forecast))
    for line in st.session_state["tr_later_memo"][1]:
        later.markdown(line)
elif later_open:
    later.markdown("A run on uploaded or loaded data cannot be trained ahead from its seeds.")

# -- export and load -------------------------------------------------------------------
with st.expander("Export or load a run"):
    first = next(iter(run.trainers.values()))
    history = pd.DataFrame(first.history_arrays())
    e1, e2 = st.columns(2)
    e1.download_button(
        "History as CSV", history.to_csv(index=False).encode(), "history.csv", "text/csv"
    )
    e2.download_button(
        "Weights and configuration as JSON", tc.export_json(run), "run.json", "application/json"
    )
    uploaded = st.file_uploader("Load a saved run (JSON)", type=["json"], key="tr_json")
    if uploaded is not None and st.session_state.get("tr_json_done") != uploaded.file_id:
        st.session_state["tr_json_done"] = uploaded.file_id
        if tc.load_json(uploaded, values):
            st.rerun()
