"""Lesson: pick a lecture (shipped or your own file), see its steps, start it, share it."""

import streamlit as st

from softmax_lab import lessons
from softmax_lab.ui import lesson_bar, share
from softmax_lab.ui.frame import require_frame
from softmax_lab.ui.text import md

require_frame()

MAX_UPLOAD = lessons.MAX_LESSON_BYTES

st.title("Lesson")
share.show_url_error()
st.markdown(
    "A lesson walks through the lab one step at a time. Each step opens a page with its "
    "own batch, temperature and tab, and asks a question: commit a guess, then the "
    "answer (computed from the step's numbers) and the chart appear. **Next** and "
    "**Prev** sit in the bar above every page (keys: Page Down and Page Up, as a "
    "presenter's remote sends). The address bar holds the step: share it and others land "
    "on the same view."
)

# -- which lesson ------------------------------------------------------------------------
available = {key: lesson for key, lesson in lesson_bar.shipped().items()}
for key in st.session_state.get(lesson_bar.UPLOADED, {}):
    lesson = lesson_bar.find(key)
    if lesson is not None:
        available[key] = lesson
active = st.session_state.get(lesson_bar.ACTIVE)
if "lesson_pick" not in st.session_state or st.session_state["lesson_pick"] not in available:
    st.session_state["lesson_pick"] = (
        active["id"] if active and active["id"] in available else next(iter(available))
    )
key = st.selectbox(
    "Lesson",
    list(available),
    key="lesson_pick",
    format_func=lambda k: available[k].title + (" (your file)" if k.startswith("u-") else ""),
)
lesson = available[key]
if lesson.summary:
    st.markdown(md(lesson.summary, 600))

left, right = st.columns([1, 2], vertical_alignment="bottom")
first = left.selectbox(
    "Start at step",
    range(1, len(lesson.steps) + 1),
    format_func=lambda k: f"{k}. {lesson.steps[k - 1].title}",
    key=f"lesson_start_{key}",
)
right.button(
    "Start the lesson" if first == 1 else f"Start at step {first}",
    type="primary",
    on_click=lesson_bar.start,
    args=(key, first),
    key="lesson_start",
)

rows = []
for k, step in enumerate(lesson.steps, 1):
    where = lesson_bar.TITLES[step.page] + (f" › {step.tab}" if step.tab else "")
    asks = "—" if step.question is None else step.question.text
    rows.append({"step": k, "title": step.title, "page › tab": where, "question": asks})
st.dataframe(rows, hide_index=True, width="stretch")

# -- share ---------------------------------------------------------------------------------
st.subheader("Share it")
data = (
    lesson_bar.shipped_text(key)
    if key in lesson_bar.shipped()
    else st.session_state[lesson_bar.UPLOADED][key]
)
c1, c2 = st.columns(2)
c1.download_button(
    "Download the lesson file (.toml)",
    data,
    file_name=f"{lesson.id}.toml",
    mime="application/toml",
    help="Edit it in any text editor and load it below, or hand it to a colleague.",
)
c2.markdown("A link to step 1 (any step's link is in the address bar during the lesson):")
c2.code(f"?lesson={key}&step=1", language=None)
if key.startswith("u-"):
    st.caption(
        "A lesson loaded from a file opens by this link on this server until it restarts; "
        "the file works everywhere."
    )

# -- your own --------------------------------------------------------------------------------
st.subheader("Your own lesson")


def _load_upload():
    """The uploader's callback: it runs before the lesson picker is drawn, so a good file
    becomes the picked lesson at once; a bad one leaves everything as it was."""
    st.session_state.pop("lesson_upload_error", None)
    uploaded = st.session_state.get("lesson_upload")
    if uploaded is None:
        return
    content = uploaded.getvalue()
    try:
        if len(content) > MAX_UPLOAD:
            raise ValueError(f"file: larger than {MAX_UPLOAD // 1000} kB")
        key = lesson_bar.add_uploaded(content)
    except ValueError as err:
        st.session_state["lesson_upload_error"] = str(err)
        return
    st.session_state["lesson_pick"] = key
    st.session_state["lesson_upload_done"] = key


st.file_uploader(
    f"Load a lesson file (.toml, at most {MAX_UPLOAD // 1000} kB)",
    type=["toml"],
    key="lesson_upload",
    on_change=_load_upload,
)
if err := st.session_state.get("lesson_upload_error"):
    st.error(
        f"This lesson file could not be read: {md(err, 300)}. Nothing was loaded.",
        icon=":material/error:",
    )
elif (done := st.session_state.get("lesson_upload_done")) in available:
    st.success(f"Loaded “{md(available[done].title, 80)}”: it is the lesson picked above.")
with st.expander("The lesson file format"):
    doc = lessons.__doc__
    st.code(doc[doc.index("::") + 2 : doc.index("Every field is checked")].strip("\n"), "toml")
    st.markdown(
        "Answers are never written in the file: the lab computes them from the step's "
        "batch. The questions it can ask (`answer = ...`):"
    )
    st.dataframe(
        [
            {"answer": name, "kind": q.kind, "parameters": ", ".join(q.params), "is": q.describe}
            for name, q in lessons.QUANTITIES.items()
        ],
        hide_index=True,
        width="stretch",
    )
    st.markdown("Settings a step may give its page (`[steps.settings]`):")
    st.dataframe(
        [
            {"setting": name, "pages": ", ".join(pages)}
            for name, (pages, _) in lessons.SETTINGS.items()
        ],
        hide_index=True,
        width="stretch",
    )
