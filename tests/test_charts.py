"""The chart component: the figure JSON it is sent, the files Streamlit serves for it, and
the check that keeps an unverified plotly.js off the page."""

import json
import subprocess
import sys
import tomllib

import numpy as np
import plotly.graph_objects as go

from softmax_lab.ui import chart_assets, charts, frame
from tests.page_harness import chart_elements, decode_array, run_page


def test_spec_json_carries_the_figure_and_the_lab_template():
    y = np.array([0.09003057, 0.24472847, 0.66524096])
    fig = go.Figure(go.Bar(x=["c0", "c1", "c2"], y=y, name="softmax"))
    mine = json.loads(charts.spec_json(fig))
    gold = y
    np.testing.assert_array_equal(decode_array(mine["data"][0]["y"]), gold)  # exact: binary
    assert mine["data"][0]["x"] == ["c0", "c1", "c2"]
    assert mine["layout"]["template"] == charts.TEMPLATE.to_plotly_json()
    assert "Source Sans" in mine["layout"]["template"]["layout"]["font"]["family"]


def test_pyproject_declares_the_component_and_its_asset_folder():
    config = tomllib.loads((frame.ROOT / "pyproject.toml").read_text())
    [component] = config["tool"]["streamlit"]["component"]["components"]
    assert f"{config['project']['name']}.{component['name']}" == charts.NAME
    assert frame.ROOT / "softmax_lab" / component["asset_dir"] == chart_assets.ASSET_DIR


def test_the_asset_folder_holds_the_module_and_plotlys_own_plotly_js():
    served = sorted(p.name for p in chart_assets.ASSET_DIR.iterdir())
    assert served == ["chart.js", "plotly.min.js"]  # nothing else is served from there
    assert chart_assets.SERVED_JS.read_bytes() == chart_assets.PLOTLY_JS.read_bytes()
    assert chart_assets.verified() and charts.PLOTLY_JS_VERIFIED
    js = (chart_assets.ASSET_DIR / "chart.js").read_text()
    assert "Plotly.react" in js and "Plotly.newPlot" not in js


def test_sha256_matches_hashlib():
    import hashlib

    data = chart_assets.PLOTLY_JS.read_bytes()
    assert chart_assets.sha256(chart_assets.PLOTLY_JS) == hashlib.sha256(data).hexdigest()


def test_install_copies_and_verifies(tmp_path):
    src = tmp_path / "plotly.min.js"
    src.write_bytes(b"/* plotly */" * 1000)
    dest = tmp_path / "assets" / "plotly.min.js"
    dest.parent.mkdir()
    dest.write_text("/* a stale or foreign plotly.js */")
    chart_assets.install(dest, src)
    assert dest.read_bytes() == src.read_bytes()
    inode = dest.stat().st_ino
    chart_assets.install(dest, src)  # already the same: left alone
    assert dest.stat().st_ino == inode
    assert [p.name for p in dest.parent.iterdir()] == ["plotly.min.js"]  # no leftovers


def test_verified_is_false_for_a_different_or_missing_file(monkeypatch, tmp_path):
    foreign = tmp_path / "plotly.min.js"
    data = bytearray(chart_assets.PLOTLY_JS.read_bytes())
    data[len(data) // 2] ^= 1  # one bit flipped: same size, another file
    foreign.write_bytes(data)
    monkeypatch.setattr(chart_assets, "SERVED_JS", foreign)
    assert not chart_assets.verified()
    monkeypatch.setattr(chart_assets, "SERVED_JS", tmp_path / "absent.js")
    assert not chart_assets.verified()


def test_importing_the_charts_writes_no_file(tmp_path):
    """A fresh interpreter imports the charts: the asset and temporary folders stay as they were."""
    before = {p: p.stat().st_mtime_ns for p in chart_assets.ASSET_DIR.iterdir()}
    code = "import softmax_lab.ui.charts as c; print(c.PLOTLY_JS_VERIFIED)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=frame.ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONDONTWRITEBYTECODE": "1", "PATH": "/usr/bin:/bin", "TMPDIR": str(tmp_path)},
    )
    assert out.stdout.strip() == "True"
    assert {p: p.stat().st_mtime_ns for p in chart_assets.ASSET_DIR.iterdir()} == before
    assert list(tmp_path.iterdir()) == []


def test_a_page_mounts_one_component_per_chart_with_a_stable_key():
    at = run_page("probabilities")
    [el] = chart_elements(at)
    assert el.proto.component_name == charts.NAME
    assert el.proto.js_source_path == "chart.js"
    assert not el.proto.isolate_styles  # in the page: Plotly's CSS reaches the chart
    assert el.proto.id.endswith("-" + charts.KEY_PREFIX + "mappings")


def test_an_unverified_plotly_js_draws_no_chart(monkeypatch):
    monkeypatch.setattr(charts, "PLOTLY_JS_VERIFIED", False)
    at = run_page("probabilities")
    assert chart_elements(at) == []
    assert [w.value for w in at.warning] == [charts.MISSING]
    assert list(at.exception) == []


def test_the_app_leaves_the_collector_to_streamlits_setting():
    """No process-wide ``gc.freeze`` from app code; Streamlit's post-run collection is off
    in the app's config (``runner.postScriptGC``)."""
    import gc

    config = tomllib.loads((frame.ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False
    gc.unfreeze()
    at = run_page("probabilities")
    assert chart_elements(at)
    assert gc.get_freeze_count() == 0
