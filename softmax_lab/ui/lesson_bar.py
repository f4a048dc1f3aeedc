"""A lesson in progress: the bar above every page, Next/Prev, predict-then-reveal.

A lesson step lands on its real page (not a copy of it on the Lesson page): the page
the lecturer would open by hand, with the step's batch, temperature, open tab and
settings, so everything the page offers still works. Until the student commits a guess,
the bar asks the step's question and the page below stays hidden (the chart would give
the answer away); then the bar compares the guess with the truth that
``softmax_lab.lessons.truth`` computes from the step's batch, and the page shows.

The step is in the link (``?lesson=<id>&step=<k>``, 1-based, next to the batch): a link
opened in a new browser lands on the same page, tab and values. A step is applied when
the lesson moves to it (Next, Prev, a link); what the reader changes afterwards stays.

State (``st.session_state``): ``lesson_active`` {"id", "step"}, ``lesson_applied`` (id,
step) of the last applied step, ``lesson_guesses`` {(id, step): guess} and
``lesson_uploaded`` {id: file bytes} for lessons this session loaded from a file.
"""

import hashlib
import threading

import streamlit as st

from softmax_lab import lessons
from softmax_lab.ui import sections, share, state
from softmax_lab.ui.frame import PAGES
from softmax_lab.ui.text import md

ACTIVE = "lesson_active"
APPLIED = "lesson_applied"
GUESSES = "lesson_guesses"
UPLOADED = "lesson_uploaded"
ERROR = "lesson_error"
LINK_SEEN = "lesson_link_seen"  # (lesson, step) of the link this session last wrote or read
SCRIPTS = {path: script for script, _, path, _ in PAGES}
TITLES = {path: title for _, title, path, _ in PAGES}
ROW_KEYS = {
    "probabilities": "row",
    "jacobian": "jacobian_row",
    "gradients": "gradients_row",
    "saturation": "saturation_row",
}
TRAINING_KEYS = {
    "train_pair": "tr_pair",
    "train_pair_b": "tr_pair_b",
    "train_init": "tr_init",
    "train_init_b": "tr_init_b",
    "train_compare": "tr_compare",
    "train_lr": "tr_lr",
    "train_max_steps": "tr_max_steps",
}

# Lessons loaded from a file, shared by link: ``?lesson=u-<hash>`` opens one on this
# server for as long as it runs. A shared lesson is public to whoever has its link, by
# design, like a file handed round; it holds no one's batch or progress (those stay in
# each session). At most MAX_SHARED are kept, the oldest dropped first.
MAX_SHARED = 64
_SHARED: dict[str, bytes] = {}
_SHARED_LOCK = threading.Lock()
_SHIPPED: dict[str, lessons.Lesson] = {}


def shipped() -> dict[str, lessons.Lesson]:
    """The lessons that ship with the lab (parsed once per process: they never change)."""
    if not _SHIPPED:
        for path in sorted(lessons.SHIPPED.glob("*.toml")):
            lesson = lessons.parse(path.read_bytes(), tabs=sections.SECTIONS)
            _SHIPPED[lesson.id] = lesson
    return _SHIPPED


def shipped_text(lesson_id: str) -> bytes:
    """The file of a shipped lesson, for download."""
    for path in sorted(lessons.SHIPPED.glob("*.toml")):
        data = path.read_bytes()
        if lessons.parse(data, tabs=sections.SECTIONS).id == lesson_id:
            return data
    raise KeyError(lesson_id)


def add_uploaded(data: bytes) -> str:
    """Parse an uploaded lesson file; return the key its link uses (``u-<hash>``).

    Raises ValueError naming the bad field; nothing is kept then.
    """
    lessons.parse(data, tabs=sections.SECTIONS)
    key = "u-" + hashlib.sha256(data).hexdigest()[:16]
    st.session_state.setdefault(UPLOADED, {})[key] = data
    with _SHARED_LOCK:
        _SHARED.pop(key, None)
        _SHARED[key] = data
        while len(_SHARED) > MAX_SHARED:
            _SHARED.pop(next(iter(_SHARED)))
    return key


def find(key: str) -> lessons.Lesson | None:
    """A lesson by the key its link uses: a shipped id, or ``u-<hash>`` of an upload."""
    if key in shipped():
        return shipped()[key]
    data = st.session_state.get(UPLOADED, {}).get(key)
    if data is None:
        with _SHARED_LOCK:
            data = _SHARED.get(key)
    if data is None:
        return None
    return lessons.parse(data, tabs=sections.SECTIONS)


def start(key: str, step: int = 1) -> None:
    """Begin (or jump within) a lesson; the next run applies the step and opens its page.
    Safe in a widget callback."""
    st.session_state[ACTIVE] = {"id": key, "step": int(step)}
    st.session_state.pop(APPLIED, None)


def leave() -> None:
    st.session_state.pop(ACTIVE, None)
    st.session_state.pop(APPLIED, None)
    _keep_in_url(None, None)


def _keep_in_url(key: str | None, k: int | None) -> None:
    share.keep_in_url(lesson=key, step=None if k is None else str(k))
    if key is not None:
        st.session_state[LINK_SEEN] = ((key,), (str(k),))


def _move(delta: int) -> None:
    active = st.session_state.get(ACTIVE)
    lesson = find(active["id"]) if active else None
    if lesson is None:
        return
    step = min(max(active["step"] + delta, 1), len(lesson.steps))
    if step != active["step"]:
        start(active["id"], step)


# -- each run ----------------------------------------------------------------------------
def before_sidebar(page_path: str | None) -> None:
    """Call before the sidebar's widgets: read a lesson link, apply a new step and open
    its page (a step sets the temperature the sidebar's slider shows)."""
    _read_link()
    active = st.session_state.get(ACTIVE)
    if not active:
        return
    lesson = find(active["id"])
    if lesson is None:
        st.session_state[ERROR] = "This lesson is not on this server any more."
        leave()
        return
    k = active["step"]
    if st.session_state.get(APPLIED) != (active["id"], k):
        _apply(lesson.steps[k - 1], with_batch=not active.get("keep_batch", False))
        st.session_state[APPLIED] = (active["id"], k)
        active.pop("keep_batch", None)
        _keep_in_url(active["id"], k)
        step_page = lesson.steps[k - 1].page
        if page_path is not None and page_path != step_page:
            # Streamlit clears the link on a page switch unless it is given one, and may
            # not clear a parameter bound to a widget (the sidebar's T): pass the rest.
            kept = {
                name: st.query_params.get_all(name)
                for name in st.query_params
                if name not in share.BOUND
            }
            kept |= {"lesson": [active["id"]], "step": [str(k)]}
            st.switch_page(SCRIPTS[step_page], query_params=kept)
    _keep_in_url(active["id"], k)


def _read_link() -> None:
    """A link with ``lesson`` and ``step`` that this session did not write starts that
    step. The batch in the same link wins over the step's own (the lecturer may have
    changed T before copying it); the tab and settings are the step's."""
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    if "lesson" not in params:
        return
    link = (tuple(params["lesson"]), tuple(params.get("step", ["1"])))
    if link == st.session_state.get(LINK_SEEN):
        return  # what this session wrote (or already read)
    st.session_state[LINK_SEEN] = link
    try:
        (key,) = params["lesson"]
        lessons.check_lesson_id(key)
        lesson = find(key)
        if lesson is None:
            raise ValueError(f"lesson: no lesson {key!r} on this server")
        (step,) = params.get("step", ["1"])
        k = lessons.parse_step_param(step, len(lesson.steps))
    except ValueError as err:
        st.session_state[ERROR] = f"This lesson link could not be read: {err}"
        return
    st.session_state.pop(ERROR, None)
    active = st.session_state.get(ACTIVE)
    if active == {"id": key, "step": k} and st.session_state.get(APPLIED) == (key, k):
        return
    start(key, k)
    has_batch = any(p in params for p in ("z", "preset", "gen"))
    st.session_state[ACTIVE]["keep_batch"] = has_batch


def _apply(step: lessons.Step, *, with_batch: bool) -> None:
    if with_batch:
        state.load(step.workspace)
        if step.workspace.preset == "custom":
            st.session_state[state.PRESET_KEY] = None
    if step.tab is not None:
        st.session_state[sections.key(step.page)] = step.tab
    pending = {}
    for name, value in step.settings.items():
        if name == "row":
            st.session_state[ROW_KEYS[step.page]] = value - 1
        elif name == "fit_scale":
            st.session_state["jacobian_fit_scale"] = value
        elif name == "sweep_class":
            st.session_state["grad_sweep_k"] = step.workspace.class_names.index(value)
        elif name.startswith("attention_"):
            st.session_state[name] = value
        elif name in TRAINING_KEYS:
            pending[TRAINING_KEYS[name]] = value
    if pending:
        _pend_training(pending)


def _pend_training(values: dict) -> None:
    """Training settings go through the page's own pending-load slot, applied before its
    widgets draw; values are snapped to the options its widgets offer."""
    import numpy as np

    from softmax_lab.ui import training_controls as tc

    for key, options in (("tr_init", tc.INITS), ("tr_init_b", tc.INITS), ("tr_lr", tc.LRS)):
        if key in values:
            values[key] = min(options, key=lambda v, x=values[key]: abs(np.log(v) - np.log(x)))
    st.session_state[tc.PENDING] = {**st.session_state.get(tc.PENDING, {}), **values}


def render(page_path: str | None) -> None:
    """Draw the lesson bar above the page. Before the student's guess on a step with a
    question, the page itself is not drawn: this ends the run."""
    if msg := st.session_state.pop(ERROR, None):
        st.warning(md(msg, 300), icon=":material/school:")
    active = st.session_state.get(ACTIVE)
    if not active:
        return
    lesson = find(active["id"])
    if lesson is None:
        return
    k = active["step"]
    step = lesson.steps[k - 1]
    n = len(lesson.steps)
    where = TITLES[step.page] + (f" › {step.tab}" if step.tab else "")
    with st.container(border=True, key="lesson_bar"):
        head, nav = st.columns([5, 4], vertical_alignment="center")
        head.markdown(
            f"**{md(lesson.title, 80)}** · step **{k} of {n}**: {md(step.title, 80)} "
            f"· *{md(where, 80)}*"
        )
        # one row of buttons, on a phone too (columns would stack them)
        with nav.container(horizontal=True, horizontal_alignment="right"):
            st.button(
                "Prev",
                key="lesson_prev",
                on_click=_move,
                args=(-1,),
                disabled=k == 1,
                shortcut="PageUp",
                help="Previous step (Page Up, as a presenter's remote sends)",
            )
            st.button(
                "Next",
                key="lesson_next",
                type="primary",
                on_click=_move,
                args=(+1,),
                disabled=k == n,
                shortcut="PageDown",
                help="Next step (Page Down, as a presenter's remote sends)",
            )
            st.button("Leave", key="lesson_leave", on_click=leave)
        if page_path != step.page:
            st.info(f"This step is on the {TITLES[step.page]} page.", icon=":material/school:")
            st.button(
                f"Back to step {k}", key="lesson_back", on_click=start, args=(active["id"], k)
            )
            return
        st.markdown(md(step.prompt, 600))
        if step.question is None:
            return
        revealed = _question(lesson, active["id"], k, step)
    if not revealed:
        share.write_to_url()
        st.stop()


def _question(lesson, key: str, k: int, step: lessons.Step) -> bool:
    """The question, the guess form and, once a guess is in, the verdict. True once
    revealed."""
    q = step.question
    guesses = st.session_state.setdefault(GUESSES, {})
    if (key, k) in guesses:
        guess = guesses[(key, k)]
        verdict = lessons.judge(step, guess)
        box = st.success if verdict.right else st.error
        box(
            f"**{md(q.text, 300)}** {md(verdict.text, 300)}",
            icon=":material/check_circle:" if verdict.right else ":material/cancel:",
        )
        return True
    with st.form(f"lesson_form_{key}_{k}", border=False):
        st.markdown(f"**{md(q.text, 300)}**")
        if q.kind == "number":
            st.number_input(
                "Your guess",
                value=None,
                format="%g",
                key=f"lesson_guess_{key}_{k}",
                placeholder="a number",
            )
        else:
            st.radio(
                "Your guess",
                q.choices,
                index=None,
                format_func=lambda c: lessons.choice_label(q, c),
                key=f"lesson_guess_{key}_{k}",
            )
        st.form_submit_button(
            "Commit my guess and reveal", on_click=_commit, args=(key, k), type="primary"
        )
    if st.session_state.pop("lesson_need_guess", False):
        st.warning("Make a guess first: the answer and the chart appear once you commit one.")
    st.caption("The page's chart appears once you commit a guess.")
    return False


def _commit(key: str, k: int) -> None:
    guess = st.session_state.get(f"lesson_guess_{key}_{k}")
    if guess is None:
        st.session_state["lesson_need_guess"] = True
        return
    lesson = find(key)
    try:
        lessons.judge(lesson.steps[k - 1], guess)
    except ValueError:
        st.session_state["lesson_need_guess"] = True
        return
    st.session_state.setdefault(GUESSES, {})[(key, k)] = guess
