"""Training: a small classifier learning live, and where saturation stalls it."""

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
from softmax_lab.ui import charts, share
from softmax_lab.ui import training_controls as tc
from softmax_lab.ui.frame import require_frame

require_frame()

st.title("Training")
share.show_url_error()
st.caption(
    "Gradient descent on 2-D points. Try softmax + MSE or the positive-only CE at an initial "
    "weight scale of ×10: the softmax starts saturated and the gradient all but vanishes."
)

# -- inputs ----------------------------------------------------------------------------
values = tc.settings()
tc.csv_upload()
run = tc.current(values)

b1, b2, b3, b4, _ = st.columns([1, 1, 1, 1, 4])
# Callbacks change the run before this script reads it again: one rerun per click.
b1.button("Start", type="primary", disabled=run["running"] or tc.done(run), on_click=tc.start)
b2.button("Pause", disabled=not run["running"], on_click=tc.pause)
b3.button("Step", disabled=run["running"] or tc.done(run), help="Ten updates", on_click=tc.step)
b4.button("Reset", on_click=tc.reset)
run = st.session_state[tc.RUN]


# -- live view -------------------------------------------------------------------------
# Two fragments: the progress and the loss curve redraw on every tick; the other curves,
# the regions and the confusion matrix change slowly and redraw every 1.5 s.
# Each Plotly redraw holds the browser's main thread, so a light tick leaves it free
# for the user's clicks (Pause lands at once).
run["interval"] = tc.tick_interval(run["running"])


@st.fragment(run_every=run["interval"])
def live_curves():
    run = st.session_state[tc.RUN]
    if run["running"]:
        tc.tick(run)
        if not run["running"] or tc.interval_drifted(run):
            st.rerun(scope="app")  # stopped, or the server got busier: re-arm the timers
    step, max_steps = tc.steps(run), max(t.config.max_steps for t in run["runs"].values())
    status = "running" if run["running"] else "paused"
    st.progress(
        min(step / max_steps, 1.0),
        text=f"step {step:,} of {max_steps:,} · {status} · {run['rate']:,.0f} steps/s",
    )
    for label, trainer in run["runs"].items():
        if trainer.stopped_reason:
            st.info(f"{label}: stopped: {trainer.stopped_reason}", icon=":material/stop_circle:")
    show_curves(run, "curves_live", LIVE_PANELS)


def show_curves(run, name, panels):
    """The ``panels`` of every run's history; the figure is built once, then refreshed."""
    figs = run.setdefault("figures", {})
    histories = {label: t.history_arrays() for label, t in run["runs"].items()}
    if name in figs:
        refresh_curves(figs[name], histories, panels)
    else:
        figs[name] = curves_figure(histories, panels)
    charts.show(figs[name], key=name)


@st.fragment(run_every=tc.slow_interval(run["running"]))
def live_regions():
    run = st.session_state[tc.RUN]
    runs, figs = run["runs"], run.setdefault("figures", {})
    show_curves(run, "curves_slow", SLOW_PANELS)
    # One run: regions beside its confusion matrix. Two: one column each, regions above.
    cols = st.columns([3, 2]) if len(runs) == 1 else st.columns(len(runs))
    for i, (label, trainer) in enumerate(runs.items()):
        grid = decision_grid(trainer, run["X"], resolution=60)
        cm = trainer.confusion_matrix()
        if label in figs:
            refresh_decision(figs[label], *grid)
            refresh_confusion(figs[f"cm {label}"], cm)
        else:
            title = label if len(runs) > 1 else ""
            figs[label] = decision_figure(*grid, run["X"], run["y"], title=title)
            figs[f"cm {label}"] = confusion_figure(cm, run["names"])
        regions_col, cm_col = (cols[0], cols[1]) if len(runs) == 1 else (cols[i], cols[i])
        charts.show(figs[label], key=f"regions_{label}", where=regions_col)
        charts.show(figs[f"cm {label}"], key=f"confusion_{label}", where=cm_col)
        cm_col.caption(
            f"Confusion matrix{' of ' + label if len(runs) > 1 else ''} on the test set."
        )


live_curves()
live_regions()

# -- export and load -------------------------------------------------------------------
with st.expander("Export or load a run"):
    first_label, first = next(iter(run["runs"].items()))
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
