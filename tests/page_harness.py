"""Run one page of the app under ``streamlit.testing.v1.AppTest`` and read what it shows.

Every chart is a ``softmax_lab.ui.charts`` component (components v2; AppTest shows it as
an ``UnknownElement`` of type ``bidi_component``): ``plotly_figures`` decodes the figure
JSON each one was sent. Data editor edits are simulated through the editor's
session-state delta (``edit_table``).
"""

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from softmax_lab.ui import charts, sections

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")


_components = None


def _component_manager():
    """One scan of the installed packages for components-v2 manifests, shared by every
    AppTest: each new AppTest would scan again (about 0.13 s) to find the chart
    component's asset folder (AppTest's private ``_bidi_component_manager``)."""
    global _components
    if _components is None:
        from streamlit.components.v2.component_manager import BidiComponentManager

        _components = BidiComponentManager()
        _components.discover_and_register_components(start_file_watching=False)
    return _components


def run_page(
    name: str, *, query: dict | None = None, section: str | None = None, timeout: float = 60
) -> AppTest:
    """``app.py`` run once on ``pages/<name>.py`` (``name="home"`` for the home page).

    ``section`` opens that tab of the page (``softmax_lab.ui.sections.SECTIONS``) as a
    click on it would; by default the first tab is open.
    """
    at = AppTest.from_file(APP, default_timeout=timeout)
    at._bidi_component_manager = _component_manager()
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if section is not None:
        assert section in sections.SECTIONS[name], section
        at.session_state[sections.key(name)] = section
    at.switch_page(f"pages/{name}.py")
    at.run()
    return at


def chart_elements(at: AppTest) -> list:
    """The charts the last run sent, in page order."""
    return [el for el in at.get("bidi_component") if el.proto.component_name == charts.NAME]


def spec(el) -> dict:
    """The Plotly figure a chart was sent, decoded (its data is the figure's JSON text)."""
    return json.loads(json.loads(el.proto.json))


def plotly_figures(at: AppTest) -> list[dict]:
    """Every Plotly chart on the page as its decoded JSON spec, in page order."""
    return [spec(el) for el in chart_elements(at)]


def editor_key(at: AppTest, name: str) -> str:
    """The current session-state key of the ``names``/``logits``/``labels_*`` editor."""
    state = at.session_state  # AppTest's proxy has no .get()
    version = state["editor_version"] if "editor_version" in state else 0  # noqa: SIM401
    return f"{name}_editor_{version}"


def figure(at: AppTest, key: str) -> dict:
    """The decoded Plotly spec of the chart whose key is ``key``."""
    for el in chart_elements(at):
        if el.proto.id.endswith(f"-{key}"):
            return spec(el)
    raise AssertionError(f"no chart with key {key!r}")


def trace(fig: dict, name: str, axis: str = "y") -> dict:
    """The trace called ``name`` on the y axis ``axis`` of a decoded figure."""
    return next(t for t in fig["data"] if t["name"] == name and t.get("yaxis", "y") == axis)


def chart_keys(at: AppTest) -> set[str]:
    """The keys of the charts the last run sent."""
    return {el.proto.id.rsplit("-", 1)[-1] for el in chart_elements(at)}


def edit_table(at: AppTest, key: str, edited=None, added=None, deleted=None) -> AppTest:
    """Simulate a data-editor edit (the delta the browser sends) and rerun.

    ``edited`` maps row position -> {column: value}; ``added`` is a list of new
    rows as {column: value}; ``deleted`` lists row positions.
    """
    delta = {
        "edited_rows": {int(r): dict(c) for r, c in (edited or {}).items()},
        "added_rows": list(added or []),
        "deleted_rows": list(deleted or []),
    }
    at.session_state[key] = delta
    return at.run()


def open_section(at: AppTest, name: str, section: str) -> AppTest:
    """Open another tab of the page, as a click on it would, and rerun."""
    assert section in sections.SECTIONS[name], section
    at.session_state[sections.key(name)] = section
    return at.run()


def find_in_sections(at: AppTest, name: str, find):
    """``find(at)`` on the open tab, else on each other tab of the page, opened in turn.

    ``find`` returns what it looks for or raises ``LookupError``; this is what a reader
    does who clicks through the tabs until the chart or table shows up.
    """
    try:
        return find(at)
    except LookupError:
        pass
    for section in sections.SECTIONS[name]:
        try:
            return find(open_section(at, name, section))
        except LookupError:
            continue
    raise LookupError(f"nothing found on any tab of {name}")


def tables(at: AppTest) -> list:
    """Every ``st.dataframe`` and ``st.table`` on the page as a DataFrame."""
    return [el.value for el in [*at.dataframe, *at.table]]


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def decode_array(value):
    """A Plotly JSON array: a plain list, or Plotly's typed form {"dtype", "bdata"[, "shape"]}."""
    import base64

    import numpy as np

    if isinstance(value, dict) and "bdata" in value:
        out = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if "shape" in value:
            shape = value["shape"]
            shape = [int(s) for s in shape.split(",")] if isinstance(shape, str) else shape
            out = out.reshape(shape)
        return out
    return np.asarray(value, dtype=float)
