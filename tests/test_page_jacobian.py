"""The Jacobian page under AppTest: what it shows equals independent references.

Gold values are built here from scipy.special.softmax and np.diag − np.outer, never
from the functions the page calls.
"""

import numpy as np
import pytest
from scipy import special

from softmax_lab.reference_examples import WRITEUP_DLDA, WRITEUP_J_PRINTED, WRITEUP_Z
from softmax_lab.ui import upstream
from tests.page_harness import (
    decode_array,
    edit_table,
    find_in_sections,
    open_section,
    plotly_figures,
    run_page,
    tables,
)


def _gold_J(a):
    return np.diag(a) - np.outer(a, a)


def _gold_dLdZ(a, g):
    return np.stack([gi @ _gold_J(ai) for ai, gi in zip(a, g, strict=True)])


def _figure(at, title_part):
    """The chart whose title, annotations or trace names contain ``title_part``."""

    def find(at):
        for fig in plotly_figures(at):
            text = str(fig["layout"].get("title", "")) + str(fig["layout"].get("annotations", ""))
            text += " ".join(str(t.get("name", "")) for t in fig["data"])
            if title_part in text:
                return fig
        raise LookupError(f"no figure with {title_part!r}")

    return find_in_sections(at, "jacobian", find)


def _heatmap(at):
    return decode_array(_figure(at, "diag(a)")["data"][0]["z"])


def _bars(at):
    """{method: dLdZ row} from the bar chart."""
    return {t["name"]: decode_array(t["y"]) for t in _figure(at, "= dLdA · J, row")["data"]}


def _table(at, column):
    """The table with a column, an index entry or an index name ``column``."""

    def find(at):
        for value in tables(at):
            if column in value.columns or column in value.index or column == value.index.name:
                return value.reset_index() if column == value.index.name else value
        raise LookupError(f"no table with {column!r}")

    return find_in_sections(at, "jacobian", find)


def _agreement(at):
    df = _table(at, "comparison")
    return dict(zip(df["comparison"], df["largest |difference|"], strict=True))


def _upstream_key(at, source="writeup", shape="2x3", seed=0):
    state = at.session_state
    version = state["editor_version"] if "editor_version" in state else 0  # noqa: SIM401
    return f"upstream_{source}_{seed}_{shape}_{version}"


@pytest.fixture
def at():
    page = run_page("jacobian")
    assert not page.exception
    return page


def test_heatmap_is_the_exact_jacobian_on_a_fixed_scale(at):
    fig = _figure(at, "diag(a)")
    mine = decode_array(fig["data"][0]["z"])
    gold = _gold_J(special.softmax(WRITEUP_Z[0]))
    np.testing.assert_allclose(mine, gold, rtol=0, atol=1e-15)
    assert (fig["data"][0]["zmin"], fig["data"][0]["zmax"]) == (-0.25, 0.25)
    assert fig["data"][0]["x"] == ["c0", "c1", "c2"]
    assert fig["data"][0]["text"][0][0] == f"{gold[0, 0]:.4f}"


def test_properties_table_shows_the_current_numbers(at):
    props = dict(_table(at, "property").to_numpy().tolist())
    a = special.softmax(WRITEUP_Z[0])
    gold = _gold_J(a)
    assert props["largest |J| (at most 1/4)"] == f"{np.abs(gold).max():.6f}"
    assert props["largest eigenvalue"] == f"{np.linalg.eigvalsh(gold)[-1]:.6f}"
    tol = 3 * np.finfo(float).eps * (a.max() + a @ a)  # C · eps · (max a + Σa²) = 7.8e-16
    assert props[f"numerical rank: eigenvalues above {tol:.1e}"] == "2 of 3"
    assert props["rank in exact arithmetic: (#a > 0) − 1 = 3 − 1"] == "2 of 3"
    assert float(props["smallest |eigenvalue| (one is 0)"]) < 1e-15
    assert float(props["symmetric: max |J − Jᵀ|"]) == 0.0
    assert float(props["rows sum to 0: max |Σ_n J_mn|"]) < 1e-15


def test_temperature_and_row_change_redraw_heatmap_and_shrink_marker(at):
    at.sidebar.select_slider(key="T").set_value(0.501).run()
    at.selectbox(key="jacobian_row").set_value(1).run()
    assert not at.exception
    a = special.softmax(WRITEUP_Z[1] / 0.501)
    np.testing.assert_allclose(_heatmap(at), _gold_J(a), rtol=0, atol=1e-15)
    marker = _figure(at, "current T")["data"][2]
    assert marker["x"] == [0.501, 0.501]
    gold = [np.linalg.norm(_gold_J(a)), np.max(a * (1 - a))]
    np.testing.assert_allclose(marker["y"], gold, rtol=1e-12)
    curves = _figure(at, "current T")["data"]
    temps = np.asarray(curves[0]["x"], dtype=float)
    gold_a = special.softmax(WRITEUP_Z[1][None, :] / temps[:, None], axis=1)
    gold_frob = [np.linalg.norm(_gold_J(p)) for p in gold_a]
    np.testing.assert_allclose(decode_array(curves[0]["y"]), gold_frob, rtol=1e-9, atol=1e-15)
    # row 2 = [2, 2, 1] ties: as T -> 0 it tends to [1/2, 1/2, 0], whose J does not vanish
    assert abs(gold_frob[0] - 0.5) < 1e-12


def test_preset_through_the_sidebar_changes_the_batch(at):
    at.sidebar.selectbox(key="preset_choice").set_value("confident").run()
    assert not at.exception
    from softmax_lab.presets import PRESETS

    z = PRESETS["confident"].logits
    np.testing.assert_allclose(_heatmap(at), _gold_J(special.softmax(z[0])), atol=1e-15)
    open_section(at, "jacobian", "Backward pass")
    assert "writeup" not in at.radio(key=upstream.SOURCE_KEY).options
    assert any("only for its 2 × 3 batch" in c.value for c in at.caption)


def test_query_batch_and_finite_differences_with_temperature():
    at = run_page("jacobian", query={"z": "1,-2,0.5,3;0,0,4,-1", "y": "3,2", "T": "2"})
    assert not at.exception
    open_section(at, "jacobian", "Backward pass")
    # Not the writeup batch, so the upstream gradient starts from random numbers.
    assert at.radio(key=upstream.SOURCE_KEY).value == "random"
    z = np.array([[1, -2, 0.5, 3], [0, 0, 4, -1]], dtype=float)
    a = special.softmax(z / 2.0, axis=1)
    np.testing.assert_allclose(_heatmap(at), _gold_J(a[0]), atol=1e-15)
    g = np.random.default_rng(0).normal(size=(2, 4))
    for name, values in _bars(at).items():
        np.testing.assert_allclose(values, _gold_dLdZ(a, g)[0], rtol=0, atol=1e-12, err_msg=name)
    rows = _table(at, "dL/dz = dL/du / T")
    np.testing.assert_allclose(rows.loc["dL/dz = dL/du / T"], _gold_dLdZ(a, g)[0] / 2, atol=1e-12)
    np.testing.assert_allclose(
        rows.loc["central differences dL/dz"], _gold_dLdZ(a, g)[0] / 2, atol=1e-8
    )
    agreement = [float(v) for v in _agreement(at).values()]
    assert max(agreement) < 1e-8


def test_writeup_comparison_and_its_dLdZ(at):
    fig = _figure(at, "printed J")
    exact, printed, diff = (decode_array(t["z"]) for t in fig["data"])
    np.testing.assert_allclose(exact, _gold_J(special.softmax(WRITEUP_Z[0])), atol=1e-15)
    np.testing.assert_array_equal(printed, WRITEUP_J_PRINTED[0])
    np.testing.assert_allclose(diff, exact - printed, atol=1e-15)
    assert 1e-4 < np.abs(diff).max() < 3e-3
    a = special.softmax(WRITEUP_Z, axis=1)
    table = _table(at, "dLdZ row 1")
    np.testing.assert_allclose(table.to_numpy(), _gold_dLdZ(a, WRITEUP_DLDA), atol=1e-15)
    for name, values in _bars(at).items():
        np.testing.assert_allclose(values, _gold_dLdZ(a, WRITEUP_DLDA)[0], atol=1e-15, err_msg=name)


def test_edited_upstream_changes_dLdZ_and_bad_edits_keep_the_last(at):
    key = _upstream_key(at)
    edit_table(at, key, edited={0: {"c0": 1.0}})
    g = WRITEUP_DLDA.copy()
    g[0, 0] = 1.0
    a = special.softmax(WRITEUP_Z, axis=1)
    gold = _gold_dLdZ(a, g)[0]
    np.testing.assert_allclose(_bars(at)["batched J"], gold, atol=1e-12)
    bad_edits = [
        ({"edited": {0: {"c0": 1.0, "c1": None}}}, "dLdA row 1, class 2 is empty"),
        ({"edited": {0: {"c0": 1.0, "c1": float("nan")}}}, "dLdA row 1, class 2"),
        ({"edited": {0: {"c0": 1.0, "c1": "abc"}}}, "dLdA row 1, class 2"),
        (
            {
                "edited": {0: {"c0": 1.0}},
                "added": [{"_index": "row 3", "c0": 1.0, "c1": 2.0, "c2": 3.0}],
            },
            "3 rows",
        ),
        ({"edited": {0: {"c0": 1.0}}, "deleted": [1]}, "1 rows"),
    ]
    for edit, message in bad_edits:
        edit_table(at, key, **edit)
        assert not at.exception
        assert any(message in e.value for e in at.error), (edit, [e.value for e in at.error])
        for name, values in _bars(at).items():
            np.testing.assert_allclose(values, gold, atol=1e-12, err_msg=f"{edit} {name}")


def test_cross_entropy_upstream_gives_a_minus_y_over_n(at):
    open_section(at, "jacobian", "Backward pass")
    at.radio(key=upstream.SOURCE_KEY).set_value("ce").run()
    a = special.softmax(WRITEUP_Z, axis=1)
    y = np.eye(3)[[2, 0]]
    for values in _bars(at).values():
        np.testing.assert_allclose(values, (a[0] - y[0]) / 2, atol=1e-12)
    comp = _table(at, "a·Σy − y")
    np.testing.assert_allclose(comp["dL/dA · J"], comp["a − y"], atol=1e-12)
    np.testing.assert_allclose(comp.loc["c2", "dL/dA = −y/a"], -1 / a[0, 2], rtol=1e-12)


def test_underflowed_label_shows_inf_and_the_fused_gradient():
    at = run_page("jacobian", query={"z": "0,800,0;1,2,3", "y": "0,2"}, section="Backward pass")
    assert not at.exception
    at.radio(key=upstream.SOURCE_KEY).set_value("ce").run()
    assert not at.exception
    assert any("a = 0 exactly" in w.value for w in at.warning)
    comp = _table(at, "a·Σy − y")
    assert comp.loc["c0", "dL/dA = −y/a"] == -np.inf
    assert np.isnan(comp.loc["c0", "dL/dA · J"])
    np.testing.assert_allclose(comp.loc["c0", "a·Σy − y"], -1.0, atol=1e-12)


def test_labels_not_summing_to_one_match_the_general_formula():
    at = run_page(
        "jacobian",
        query={"z": "1,2,3;0,1,0", "y": "0.5,0,0.9;0,1,0", "mode": "soft"},
        section="With cross-entropy",
    )
    assert not at.exception
    assert any("not 1" in w.value and "matches the general" in w.value for w in at.warning)
    comp = _table(at, "a·Σy − y")
    a = special.softmax(np.array([1.0, 2, 3]))
    y = np.array([0.5, 0, 0.9])
    np.testing.assert_allclose(comp.loc[["c0", "c1", "c2"], "dL/dA · J"], 1.4 * a - y, atol=1e-12)
    assert np.abs(comp["dL/dA · J"] - comp["a − y"]).max() > 0.1


def test_cost_table_counts_the_batched_jacobian(at):
    costs = _table(at, "Jacobian / work memory (KiB)")
    assert costs["Jacobian / work memory (KiB)"].tolist() == [
        3 * 3 * 8 / 1024,
        2 * 3 * 3 * 8 / 1024,
        2 * 3 * 8 / 1024,
    ]


def test_large_batches_lump_and_stay_exact():
    at = run_page("jacobian", query={"gen": "random:2:1000:3:0"})
    assert not at.exception
    assert any("lumped" in i.value for i in at.info)
    z = _heatmap(at)
    assert z.shape == (200, 200)
    np.testing.assert_allclose(z.sum(axis=1), 0.0, atol=1e-12)
    assert "text" not in _figure(at, "diag(a)")["data"][0]
    agreement = _agreement(at)
    assert any("skipped" in v for v in agreement.values())


def test_fit_toggle_rescales_colours_to_this_row(at):
    at.toggle(key="jacobian_fit_scale").set_value(True).run()
    trace = _figure(at, "diag(a)")["data"][0]
    gold = np.abs(_gold_J(special.softmax(WRITEUP_Z[0]))).max()
    np.testing.assert_allclose([trace["zmin"], trace["zmax"]], [-gold, gold], rtol=1e-15)


def test_growth_chart_is_measured_on_demand_and_kept_for_the_session(at):
    assert "jacobian_cost_growth" not in at.session_state
    open_section(at, "jacobian", "Costs")
    assert all("as C grows" not in str(f["layout"]) for f in plotly_figures(at))
    at.button(key="jacobian_growth").click().run()
    assert not at.exception
    fig = _figure(at, "as C grows")
    assert [t["name"] for t in fig["data"]] == ["loop", "batched", "vjp"]
    for trace in fig["data"]:
        assert trace["x"] == [10, 30, 100, 300, 1000]
        assert (decode_array(trace["y"]) > 0).all()
    first = decode_array(fig["data"][0]["y"])
    at.sidebar.select_slider(key="T").set_value(2.0).run()  # not re-measured
    np.testing.assert_array_equal(decode_array(_figure(at, "as C grows")["data"][0]["y"]), first)


def test_saturated_row_on_the_fixed_scale_points_to_the_fit_toggle():
    at = run_page("jacobian", query={"z": "0,0,20;1,2,3", "y": "2,2"})
    assert not at.exception
    gold = np.abs(_gold_J(special.softmax(np.array([0.0, 0.0, 20.0])))).max()
    assert gold < 1e-8
    hints = [c.value for c in at.caption if "fit the colours" in c.value]
    assert hints == [
        f"The largest |J| of this row is {gold:.2g}, under a tenth of the fixed ±1/4 scale, "
        "so the cells look almost white: switch on the toggle above to fit the colours to "
        "this row."
    ]
    at.toggle(key="jacobian_fit_scale").set_value(True).run()
    assert not any("fit the colours" in c.value for c in at.caption)
    trace = _figure(at, "diag(a)")["data"][0]
    np.testing.assert_allclose(trace["zmax"], gold, rtol=1e-12)
    at.toggle(key="jacobian_fit_scale").set_value(False).run()
    at.selectbox(key="jacobian_row").set_value(1).run()  # row 2 = [1, 2, 3]: no hint
    assert not any("fit the colours" in c.value for c in at.caption)
