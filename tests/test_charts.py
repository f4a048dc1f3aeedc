"""The chart component: the figure JSON it is sent, the files Streamlit serves for it, and
the check that keeps an unverified plotly.js off the page."""

import hashlib
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import plotly
import plotly.graph_objects as go

from softmax_lab.ui import chart_assets, charts, frame, sections
from tests.page_harness import chart_elements, decode_array, plotly_figures, run_page


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


def test_the_asset_folder_holds_the_module_and_the_pinned_plotly_bundle():
    served = sorted(p.name for p in chart_assets.ASSET_DIR.iterdir())
    assert served == ["chart.js", "plotly-cartesian.min.js"]  # nothing else is served
    mine = hashlib.sha256(chart_assets.BUNDLE.read_bytes()).hexdigest()
    gold = "79542150855a52c567260e3137095dbe2b744e6d702a5cabe67da246942fba7a"  # npm's file
    assert mine == gold == chart_assets.BUNDLE_SHA256
    assert chart_assets.problem() is None and charts.PLOTLY_JS_PROBLEM is None
    js = (chart_assets.ASSET_DIR / "chart.js").read_text()
    assert "Plotly.react" in js and "Plotly.newPlot" not in js
    assert 'new URL("plotly-cartesian.min.js", import.meta.url)' in js


def test_the_bundle_is_the_plotly_js_version_the_figures_are_built_for():
    header = chart_assets.BUNDLE.read_bytes()[:200].decode()
    assert f"plotly.js (cartesian - minified) v{chart_assets.BUNDLE_VERSION}" in header
    bundled = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").open().read(100)
    assert f"plotly.js v{chart_assets.BUNDLE_VERSION}" in bundled  # plotly's own full bundle


def test_every_chart_of_every_page_uses_a_trace_type_the_bundle_draws():
    used = set()
    pages = {"probabilities": [None], "training": [None], **sections.SECTIONS}
    for page, tabs in pages.items():
        for tab in tabs:
            for fig in plotly_figures(run_page(page, section=tab)):
                used |= {trace.get("type", "scatter") for trace in fig["data"]}
    assert {"bar", "heatmap", "scatter"} <= used  # the check saw the charts
    assert used <= chart_assets.TRACES, used - chart_assets.TRACES


def test_a_changed_missing_or_crowded_folder_is_refused(monkeypatch, tmp_path):
    folder = tmp_path / "plotly_chart"
    folder.mkdir()
    bundle = folder / chart_assets.BUNDLE.name
    (folder / "chart.js").write_text("// the module")
    data = bytearray(chart_assets.BUNDLE.read_bytes())
    bundle.write_bytes(data)
    assert chart_assets.problem(bundle) is None
    data[len(data) // 2] ^= 1  # one bit flipped: same size, another file
    bundle.write_bytes(data)
    assert "SHA-256 differs" in chart_assets.problem(bundle)
    bundle.unlink()
    assert "cannot be read" in chart_assets.problem(bundle)
    bundle.write_bytes(chart_assets.BUNDLE.read_bytes())
    (folder / "plotly.min.js").write_text("/* left by an older install */")
    assert "(plotly.min.js): remove them" in chart_assets.problem(bundle)
    (folder / "plotly.min.js").unlink()
    monkeypatch.setattr(chart_assets, "get_plotlyjs_version", lambda: "9.9.9")
    assert "builds figures for plotly.js 9.9.9" in chart_assets.problem(bundle)


def test_importing_the_charts_writes_no_file(tmp_path):
    """A fresh interpreter imports the charts: the asset and temporary folders stay as they were."""
    before = {p: p.stat().st_mtime_ns for p in chart_assets.ASSET_DIR.iterdir()}
    code = "import softmax_lab.ui.charts as c; print(c.PLOTLY_JS_PROBLEM is None)"
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
    monkeypatch.setattr(charts, "PLOTLY_JS_PROBLEM", "the bundle is not the pinned file.")
    at = run_page("probabilities")
    assert chart_elements(at) == []
    assert [w.value for w in at.warning] == [
        "The charts cannot be drawn: the bundle is not the pinned file."
    ]
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
