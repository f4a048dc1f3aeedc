"""The checks that guard the app's inputs: table edits and shared links."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from softmax_lab.batch_checks import check_class_names, check_labels, check_logits
from softmax_lab.link_codec import MAX_QUERY_CHARS, from_query, to_query
from softmax_lab.presets import MAX_ROWS, PRESETS
from softmax_lab.workspace import (
    TEMPERATURES,
    convert_labels,
    from_generator,
    from_preset,
    normalise_labels,
    resize,
    snap_temperature,
)


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ([[1.0, None]], "empty"),
        ([[1.0, float("nan")]], "NaN"),
        ([[1.0, "abc"]], "not a number"),
        ([[1.0, float("inf")]], "±1e6"),
        ([[1.0, -float("inf")]], "±1e6"),
        ([[1.0, 1e6 + 1]], "±1e6"),
        ([[1.0, True]], "not a number"),
        ([], "no rows"),
        ([[1.0]], "2 to 50 classes"),
        ([[0.0, 1.0]] * (MAX_ROWS + 1), "At most 20 rows"),
        ([[0.0, 1.0], [1.0]], "Row 2 has 1 cells"),
    ],
)
def test_check_logits_refuses_bad_cells_with_a_message(cells, message):
    with pytest.raises(ValueError, match=message):
        check_logits(cells)


def test_check_logits_accepts_limits_and_negative_zero():
    mine = check_logits([[-1e6, 1e6, "-0.0", " 2.5 "]])
    gold = np.array([[-1e6, 1e6, -0.0, 2.5]])
    np.testing.assert_array_equal(mine, gold)
    assert math.copysign(1, mine[0, 2]) == -1


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["a", ""], "needs a name"),
        (["a", None], "needs a name"),
        (["a", "a"], "unique"),
        (["a", "x" * 41], "over 40"),
        (["a", "b|c"], r"'\|'"),
        (["a"], "2 to"),
    ],
)
def test_check_class_names_refuses(names, message):
    with pytest.raises(ValueError, match=message):
        check_class_names(names)


def test_check_class_names_keeps_unicode_and_markup_as_text():
    mine = check_class_names(["كلب", "<img src=x onerror=alert(1)>", "猫"])
    assert mine == ("كلب", "<img src=x onerror=alert(1)>", "猫")


def test_check_labels_modes():
    np.testing.assert_array_equal(check_labels([2, 0], "one-hot", 2, 3)[:, 2], [1.0, 0.0])
    soft = check_labels([[0.2, 0.3]], "soft", 1, 2)
    np.testing.assert_allclose(soft, [[0.2, 0.3]], rtol=0, atol=0)
    multi = check_labels([[True, False, 1]], "multi-hot", 1, 3)
    np.testing.assert_array_equal(multi, [[1.0, 0.0, 1.0]])
    with pytest.raises(ValueError, match="Row 1 needs a label"):
        check_labels([-1], "one-hot", 1, 2)
    with pytest.raises(ValueError, match="lies in"):
        check_labels([[1.5, 0]], "soft", 1, 2)
    with pytest.raises(ValueError, match="ticked"):
        check_labels([[0.5, 0]], "multi-hot", 1, 2)
    with pytest.raises(ValueError, match="label_mode"):
        check_labels([[0, 1]], "hot", 1, 2)


def test_normalise_and_convert_labels():
    mine = normalise_labels(np.array([[2.0, 2.0, 4.0], [0.0, 0.0, 0.0]]))
    gold = np.array([[0.25, 0.25, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    np.testing.assert_allclose(mine, gold, rtol=1e-15)
    np.testing.assert_array_equal(convert_labels(gold, "one-hot"), [[0, 0, 1], [1, 0, 0]])
    np.testing.assert_array_equal(convert_labels(np.array([[0.5, 0.49]]), "multi-hot"), [[1, 0]])


def test_resize_keeps_values_and_adds_zeros():
    ws = from_preset("writeup")
    grown = resize(ws, n_rows=3, n_classes=4)
    np.testing.assert_array_equal(grown.logits[:2, :3], ws.logits)
    np.testing.assert_array_equal(grown.logits[2], 0.0)
    np.testing.assert_array_equal(grown.logits[:, 3], 0.0)
    assert grown.class_names[:3] == ws.class_names and len(set(grown.class_names)) == 4
    np.testing.assert_array_equal(grown.labels.sum(axis=1), 1.0)
    shrunk = resize(ws, n_classes=2)
    np.testing.assert_array_equal(
        shrunk.labels, [[1, 0], [1, 0]]
    )  # class 2 gone: row 1 falls back to class 0


def test_snap_temperature_grid():
    assert TEMPERATURES[0] == 0.001 and TEMPERATURES[-1] == 1000.0 and len(TEMPERATURES) == 121
    assert snap_temperature(1.0) == 1.0
    assert snap_temperature(1e-9) == 0.001
    for bad in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="temperature"):
            snap_temperature(bad)


@pytest.mark.parametrize("key", list(PRESETS))
def test_every_preset_round_trips_through_a_link(key):
    ws = from_preset(key, temperature=0.316)
    back = from_query(to_query(ws))
    np.testing.assert_array_equal(back.logits, ws.logits)
    np.testing.assert_array_equal(back.labels, ws.labels)
    assert back.class_names == ws.class_names
    assert back.temperature == ws.temperature == 0.316
    assert back.preset == key


def test_multi_hot_labels_round_trip():
    ws = from_query({"z": "1,2,3", "mode": "multi-hot", "y": "1,0,1"})
    np.testing.assert_array_equal(ws.labels, [[1.0, 0.0, 1.0]])
    back = from_query(to_query(ws))
    np.testing.assert_array_equal(back.labels, ws.labels)
    assert back.label_mode == "multi-hot"


def test_soft_labels_and_generator_round_trip():
    ws = from_query({"z": "1,2;3,4", "mode": "soft", "y": "0.25,0.5;1,0"})
    np.testing.assert_array_equal(ws.labels, [[0.25, 0.5], [1.0, 0.0]])
    assert from_query(to_query(ws)).labels.tolist() == ws.labels.tolist()
    gen = from_generator("random", 3, 1000, 2.5, seed=11)
    back = from_query(to_query(gen))
    np.testing.assert_array_equal(back.logits, gen.logits)
    assert len("&".join(f"{k}={v}" for k, v in to_query(gen).items())) < 100


def test_a_link_too_large_keeps_only_the_preset_and_temperature():
    ws = from_preset("writeup")
    big = resize(ws, n_rows=20, n_classes=50)
    big = big.__class__(
        np.random.default_rng(0).normal(size=(20, 50)), *list(vars(big).values())[1:]
    )
    q = to_query(big)
    assert set(q) == {"preset", "T", "mode"}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"z": "1,x"}, "not a number"),
        ({"z": "1,nan"}, "NaN"),
        ({"z": "1,inf"}, "±1e6"),
        ({"z": "1"}, "2 to 50"),
        ({"z": ";".join(["1,2"] * 21)}, "At most 20"),
        ({"z": "1,2", "y": "5"}, "needs a label"),
        ({"z": "1,2", "names": "a|a"}, "unique"),
        ({"z": "1,2", "names": "a"}, "Expected 2"),
        ({"T": "0"}, "T"),
        ({"T": "-inf"}, "finite"),
        ({"mode": "<script>"}, "mode"),
        ({"preset": "nope"}, "Unknown preset"),
        ({"z": ["1,2", "3,4"]}, "repeats"),
        ({"z": "1," * 4000}, "over 6000"),
        ({"gen": "random:1:1001:1:0"}, "n_classes"),
        ({"gen": "random:0:10:1:0"}, "n_rows"),
        ({"gen": "zipf:1:10:0:0"}, "exponent"),
        ({"gen": "random:1:10"}, "gen must look"),
        ({"gen": "random:1:10:1:-5"}, "whole number"),
    ],
)
def test_hostile_links_are_refused_with_a_message(params, message):
    with pytest.raises(ValueError, match=message):
        from_query(params)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["z", "y", "T", "mode", "names", "preset", "gen"]), st.text(max_size=80)
    )
)
def test_any_link_gives_a_workspace_or_a_value_error(params):
    try:
        ws = from_query(params)
    except ValueError:
        return
    assert np.isfinite(ws.logits).all()
    assert 1 <= ws.n_rows <= MAX_ROWS and ws.n_classes >= 2
    assert ws.labels.shape == ws.logits.shape
    assert sum(len(k) + len(v) + 2 for k, v in to_query(ws).items()) <= MAX_QUERY_CHARS
