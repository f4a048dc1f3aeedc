"""Every Plotly chart of the app goes through ``show``: drawn in place, in the lab's look.

``st.plotly_chart`` takes a chart's identity from its figure. A chart whose data changes
is therefore removed and plotted anew (``Plotly.newPlot``) on every rerun, which cost
100-150 ms a chart on the lab's pages. ``show`` draws the figure in a small component
frame instead (``plotly_frame/index.html``): Streamlit keeps a component for as long as
its key stays the same, and the frame redraws each new figure with ``Plotly.react``.

The frame loads plotly.js from the ``plotly`` package that built the figure, so the
browser draws with the same plotly.js version; nothing is fetched from the network. It
reads it from the app's ``static/`` folder (``server.enableStaticServing``), which the
browser caches, and falls back to a copy in its own folder, which it does not.
"""

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import plotly
import plotly.io as pio
import streamlit.components.v1 as components

from softmax_lab.figures.style import TEMPLATE
from softmax_lab.ui.frame import ROOT

FRAME = Path(__file__).with_name("plotly_frame")
STATIC = ROOT / "static"  # served at app/static/ next to app.py
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
KEY_PREFIX = "chart-"  # keeps chart keys apart from the app's other session-state keys
_TEMPLATE = TEMPLATE.to_plotly_json()


def _provide(folder: Path) -> Path:
    """Put the frame's page and plotly.min.js in ``folder``; return ``folder``.

    Streamlit serves a component's files only from inside its folder (it resolves
    symlinks), so plotly.min.js is hard-linked there, or copied. A stale copy from
    another plotly version is replaced; ``os.replace`` keeps concurrent servers safe.
    """
    folder.mkdir(parents=True, exist_ok=True)
    pairs = [(PLOTLY_JS, folder / "plotly.min.js")]
    if folder != FRAME:
        pairs.append((FRAME / "index.html", folder / "index.html"))
    for src, dest in pairs:
        _place(src, dest)
    return folder


def _place(src: Path, dest: Path, dated: float | None = None) -> None:
    """Hard-link ``src`` at ``dest``, or copy it; leave an identical ``dest`` alone.

    ``dated`` asks for a copy with that modification time instead (a hard link shares
    the time of plotly's own file).
    """
    if dest.exists() and _same(src, dest, dated):
        return
    part = dest.with_name(f".{dest.name}.{os.getpid()}")
    part.unlink(missing_ok=True)
    if dated is not None:
        shutil.copyfile(src, part)
        os.utime(part, (dated, dated))
    else:
        try:
            os.link(src, part)
        except OSError:
            shutil.copy2(src, part)
    os.replace(part, dest)


def _same(src: Path, dest: Path, dated: float | None = None) -> bool:
    a, b = src.stat(), dest.stat()
    if dated is not None:
        return (a.st_size, dated) == (b.st_size, b.st_mtime)
    return os.path.samefile(src, dest) or (a.st_size, a.st_mtime) == (b.st_size, b.st_mtime)


# The static copy's name carries the plotly version, so what that URL serves never
# changes. Streamlit's static route sends Last-Modified but answers no conditional
# request, so the browser caches the file for a tenth of its age (heuristic freshness):
# the copy is dated 2000-01-01 to make that long. A fresh install would otherwise have
# every frame download the 1.5 MB again for its first minutes.
STATIC_NAME = f"plotly-{plotly.__version__}.min.js"
STATIC_TIME = 946_684_800  # 2000-01-01T00:00:00Z


def _provide_static(folder: Path = STATIC) -> bool:
    """Put plotly.js in the app's static folder as ``STATIC_NAME``; False if it cannot be
    written there (the frame then loads its own copy)."""
    try:
        folder.mkdir(exist_ok=True)
        _place(PLOTLY_JS, folder / STATIC_NAME, dated=STATIC_TIME)
    except OSError:
        return False
    return True


def _served_folder() -> Path:
    """The package's own ``plotly_frame`` folder, or a temporary one if it is read-only."""
    try:
        return _provide(FRAME)
    except OSError:
        temp = Path(tempfile.gettempdir()) / f"softmax_lab_plotly_frame_{plotly.__version__}"
        return _provide(temp)


_frame = components.declare_component("plotly_chart", path=str(_served_folder()))
_provide_static()


def spec_json(fig) -> str:
    """``fig`` as the JSON the frame draws, with the lab's template (``TEMPLATE``)."""
    spec = fig.to_plotly_json()
    spec["layout"]["template"] = _TEMPLATE
    return pio.to_json(spec, validate=False)


def show(fig, *, key: str, where=None) -> None:
    """Draw ``fig`` in ``where`` (default: the current container), updated in place.

    ``key`` names the chart: while it stays the same across reruns the browser keeps
    the chart and redraws only what changed.
    """
    with where if where is not None else contextlib.nullcontext():
        _frame(spec=spec_json(fig), plotly=STATIC_NAME, key=KEY_PREFIX + key, default=None)
