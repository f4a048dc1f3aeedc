"""The pages of the app, and the guard that keeps every page inside ``app.py``'s frame.

Streamlit runs a script found in a folder named ``pages/`` directly when a fresh
server's first visitor follows a deep link (its legacy router is active until some
session calls ``st.navigation``). ``require_frame`` notices that ``app.py`` is not
running, runs it instead, and stops the bare page, so the first visit gets the same
navigation and sidebar as every later one.
"""

import contextlib
import runpy
import threading
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[2]
_local = threading.local()

# (script, title, url path, icon); the first is the home page.
PAGES = (
    ("pages/home.py", "Home", "", ":material/home:"),
    ("pages/lesson.py", "Lesson", "lesson", ":material/school:"),
    ("pages/probabilities.py", "Probabilities", "probabilities", ":material/bar_chart:"),
    ("pages/jacobian.py", "Jacobian", "jacobian", ":material/grid_on:"),
    ("pages/gradients.py", "Gradients", "gradients", ":material/trending_down:"),
    ("pages/saturation.py", "Saturation", "saturation", ":material/compress:"),
    ("pages/training.py", "Training", "training", ":material/model_training:"),
)


@contextlib.contextmanager
def running():
    """Mark this script run as going through ``app.py``."""
    _local.active = True
    try:
        yield
    finally:
        _local.active = False


def require_frame() -> None:
    """Call first in every page: if this run bypassed ``app.py``, run it and stop here."""
    if getattr(_local, "active", False):
        return
    runpy.run_path(str(ROOT / "app.py"), run_name="__main__")
    st.stop()


def navigation():
    """``st.navigation`` over the pages that exist on disk."""
    pages = [
        st.Page(ROOT / script, title=title, url_path=path or None, icon=icon, default=not path)
        for script, title, path, icon in PAGES
        if (ROOT / script).exists()
    ]
    return st.navigation(pages, position="sidebar")
