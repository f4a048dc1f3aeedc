"""The Jacobian page under AppTest: the heatmap and dLdZ equal independent references."""

import numpy as np
import pytest
from scipy import special

from softmax_lab.reference_examples import WRITEUP_DLDA, WRITEUP_J_PRINTED, WRITEUP_Z
from tests.page_harness import decode_array, edit_table, plotly_figures, run_page


def _gold_J(a):
    return np.diag(a) - np.outer(a, a)


def _gold_dLdZ(a, g):
    return np.stack([gi @ _gold_J(ai) for ai, gi in zip(a, g, strict=True)])


def _figure(at, title_part):
    for fig in plotly_figures(at):
        text = str(fig["layout"].get("title", "")) + str(fig["layout"].get("annotations", ""))
        if title_part in text:
            return fig
    raise AssertionError(f"no figure with {title_part!r}")


def _upstream_key(at, source="writeup"):
    state = at.session_state
    version = state["editor_version"] if "editor_version" in state else 0  # noqa: SIM401
    return f"upstream_{source}_0_2x3_{version}"


@pytest.fixture
def at():
    page = run_page("jacobian")
    assert not page.exception
    return page


def test_heatmap_is_the_exact_jacobian_of_row_one(at):
    fig = _figure(at, "diag(a)")
    mine = decode_array(fig["data"][0]["z"])
    gold = _gold_J(special.softmax(WRITEUP_Z[0]))
    np.testing.assert_allclose(mine, gold, rtol=0, atol=1e-15)
    assert fig["data"][0]["zmin"] == -0.25
    assert fig["data"][0]["zmax"] == 0.25


def test_temperature_and_row_change_redraw(at):
    at.sidebar.select_slider(key="temperature").set_value(0.501).run()
    at.selectbox(key="jacobian_row").set_value(1).run()
    mine = decode_array(_figure(at, "diag(a)")["data"][0]["z"])
    gold = _gold_J(special.softmax(WRITEUP_Z[1] / 0.501))
    np.testing.assert_allclose(mine, gold, rtol=0, atol=1e-15)


def test_writeup_comparison_and_dLdZ_with_its_upstream(at):
    fig = _figure(at, "printed J")
    exact, printed, diff = (decode_array(t["z"]) for t in fig["data"])
    np.testing.assert_allclose(exact, _gold_J(special.softmax(WRITEUP_Z[0])), atol=1e-15)
    np.testing.assert_array_equal(printed, WRITEUP_J_PRINTED[0])
    assert 1e-4 < np.abs(diff).max() < 3e-3
    bars = plotly_figures(at)[2]
    a = special.softmax(WRITEUP_Z, axis=1)
    gold = _gold_dLdZ(a, WRITEUP_DLDA)[0]
    for trace in bars["data"]:
        np.testing.assert_allclose(decode_array(trace["y"]), gold, rtol=0, atol=1e-8)


def test_edited_upstream_changes_dLdZ_and_bad_edits_keep_the_last(at):
    key = _upstream_key(at)
    edit_table(at, key, edited={0: {"c0": 1.0}})
    g = WRITEUP_DLDA.copy()
    g[0, 0] = 1.0
    a = special.softmax(WRITEUP_Z, axis=1)
    bars = plotly_figures(at)[2]
    np.testing.assert_allclose(decode_array(bars["data"][0]["y"]), _gold_dLdZ(a, g)[0], atol=1e-12)
    for bad in (None, float("nan"), "abc"):
        edit_table(at, key, edited={0: {"c0": 1.0, "c1": bad}})
        assert not at.exception
        assert any("dLdA row 1, class 2" in e.value for e in at.error)
        bars = plotly_figures(at)[2]
        np.testing.assert_allclose(
            decode_array(bars["data"][0]["y"]), _gold_dLdZ(a, g)[0], atol=1e-12
        )


def test_cross_entropy_upstream_gives_a_minus_y_over_n(at):
    at.radio[0].set_value("ce").run()
    a = special.softmax(WRITEUP_Z, axis=1)
    y = np.eye(3)[[2, 0]]
    bars = plotly_figures(at)[2]
    np.testing.assert_allclose(decode_array(bars["data"][0]["y"]), (a[0] - y[0]) / 2, atol=1e-12)


def test_large_batches_lump_or_skip_without_errors():
    at = run_page("jacobian", query={"gen": "random:2:1000:3:0"})
    assert not at.exception
    assert any("lumped" in i.value for i in at.info)
    z = decode_array(plotly_figures(at)[0]["data"][0]["z"])
    assert z.shape == (200, 200)
    np.testing.assert_allclose(z.sum(axis=1), 0.0, atol=1e-12)
