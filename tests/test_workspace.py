"""The checks that guard the app's inputs: table edits and shared links."""

import math

import numpy as np
import pytest

from softmax_lab.batch_checks import check_class_names, check_labels, check_logits
from softmax_lab.presets import MAX_ROWS
from softmax_lab.workspace import (
    TEMPERATURES,
    convert_labels,
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
