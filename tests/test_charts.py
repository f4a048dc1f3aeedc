"""The chart frame: the files Streamlit serves for it, the figure JSON it is sent, and the
frozen long-lived objects that keep Streamlit's post-run collection short."""

import gc
import json
import sys
import types

import numpy as np
import plotly.graph_objects as go
import pytest

from softmax_lab.ui import charts, frame
from tests.page_harness import decode_array


def test_spec_json_carries_the_figure_and_the_lab_template():
    y = np.array([0.09003057, 0.24472847, 0.66524096])
    fig = go.Figure(go.Bar(x=["c0", "c1", "c2"], y=y, name="softmax"))
    mine = json.loads(charts.spec_json(fig))
    gold = y
    np.testing.assert_array_equal(decode_array(mine["data"][0]["y"]), gold)  # exact: binary
    assert mine["data"][0]["x"] == ["c0", "c1", "c2"]
    assert mine["layout"]["template"] == charts.TEMPLATE.to_plotly_json()
    assert "Source Sans" in mine["layout"]["template"]["layout"]["font"]["family"]


def test_the_frame_folder_holds_the_page_and_this_plotly_js(tmp_path):
    folder = charts._provide(tmp_path / "frame")
    assert sorted(p.name for p in folder.iterdir()) == ["index.html", "plotly.min.js"]
    assert (folder / "plotly.min.js").read_bytes() == charts.PLOTLY_JS.read_bytes()
    assert (folder / "index.html").read_text() == (charts.FRAME / "index.html").read_text()
    inode = (folder / "plotly.min.js").stat().st_ino
    charts._provide(folder)  # already there: left as it is
    assert (folder / "plotly.min.js").stat().st_ino == inode


def test_a_stale_plotly_js_is_replaced(tmp_path):
    folder = tmp_path / "frame"
    folder.mkdir()
    (folder / "plotly.min.js").write_text("/* plotly.js from another version */")
    charts._provide(folder)
    assert (folder / "plotly.min.js").read_bytes() == charts.PLOTLY_JS.read_bytes()
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []  # no leftovers


def test_a_read_only_package_serves_the_frame_from_a_temporary_folder(monkeypatch, tmp_path):
    provide = charts._provide

    def read_only(folder):
        if folder == charts.FRAME:
            raise PermissionError("read-only install")
        return provide(folder)

    monkeypatch.setattr(charts, "_provide", read_only)
    monkeypatch.setattr(charts.tempfile, "gettempdir", lambda: str(tmp_path))
    folder = charts._served_folder()
    assert folder.parent == tmp_path
    assert (folder / "plotly.min.js").read_bytes() == charts.PLOTLY_JS.read_bytes()


def test_the_served_folder_is_the_packages_own():
    assert charts._served_folder() == charts.FRAME
    html = (charts.FRAME / "index.html").read_text()
    assert '["../../app/static/" + encodeURIComponent(staticName), "plotly.min.js"]' in html
    assert "Plotly.react" in html and "Plotly.newPlot" not in html


@pytest.fixture
def unfrozen(monkeypatch):
    monkeypatch.setattr(frame, "_frozen_at", 0)
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_long_lived_objects_are_frozen_once_per_new_import(unfrozen, monkeypatch):
    assert gc.get_freeze_count() == 0
    frame.freeze_long_lived_objects()
    frozen = gc.get_freeze_count()
    assert frozen > 10_000  # Streamlit, Plotly, pandas and NumPy's modules and classes
    made_since = [[i] for i in range(1_000)]  # a session's objects: left to the collector
    frame.freeze_long_lived_objects()  # nothing new was imported: nothing more is frozen
    assert gc.get_freeze_count() == frozen
    del made_since
    monkeypatch.setitem(sys.modules, "softmax_lab_test_new_module", types.ModuleType("new"))
    frame.freeze_long_lived_objects()
    assert gc.get_freeze_count() > frozen


def test_plotly_js_is_placed_in_the_static_folder_under_its_version(tmp_path):
    import plotly

    assert charts._provide_static(tmp_path / "static")
    dest = tmp_path / "static" / f"plotly-{plotly.__version__}.min.js"
    assert dest.read_bytes() == charts.PLOTLY_JS.read_bytes()
    assert dest.stat().st_mtime == charts.STATIC_TIME  # dated long ago: cached long
    assert charts.PLOTLY_JS.stat().st_mtime != charts.STATIC_TIME  # plotly's own file kept
    inode = dest.stat().st_ino
    assert charts._provide_static(tmp_path / "static")
    assert dest.stat().st_ino == inode  # already there: left alone


def test_an_unwritable_static_folder_leaves_the_frame_its_own_copy(tmp_path):
    blocked = tmp_path / "static"
    blocked.write_text("a file where the folder should be")
    assert charts._provide_static(blocked) is False
    assert (charts.FRAME / "plotly.min.js").read_bytes() == charts.PLOTLY_JS.read_bytes()


def test_the_app_serves_its_static_folder():
    import tomllib

    config = tomllib.loads((frame.ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableStaticServing"] is True
    assert (charts.STATIC / charts.STATIC_NAME).read_bytes() == charts.PLOTLY_JS.read_bytes()
