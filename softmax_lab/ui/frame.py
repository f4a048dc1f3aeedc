"""The pages of the app, and the guard that keeps every page inside ``app.py``'s frame.

Streamlit runs a script found in a folder named ``pages/`` directly when a fresh
server's first visitor follows a deep link (its legacy router is active until some
session calls ``st.navigation``). ``require_frame`` notices that ``app.py`` is not
running, runs it instead, and stops the bare page, so the first visit gets the same
navigation and sidebar as every later one.
"""

import contextlib
import gc
import runpy
import sys
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


_frozen_at = 0  # len(sys.modules) when the long-lived objects were last frozen


def freeze_long_lived_objects() -> None:
    """Keep Streamlit's collection after every script run short: call at the end of a run.

    Streamlit runs ``gc.collect(2)`` after each run (``runner.postScriptGC``). With
    Streamlit, Plotly, pandas and NumPy loaded that walks about 115,000 objects: 50-60 ms
    holding the GIL, during which the run's last messages wait to be sent. Those objects
    are modules, classes and functions that live as long as the server, so after the
    first run that imported something new they are collected once and then frozen
    (``gc.freeze``): later collections walk only what the sessions made since. Reference
    counting still frees frozen objects; only a reference cycle among them would stay.
    """
    global _frozen_at
    if len(sys.modules) > _frozen_at:
        gc.collect()
        gc.freeze()
        _frozen_at = len(sys.modules)


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
