"""Toy datasets, the seeded split and the CSV reader: shapes, seeds, every refusal."""

import numpy as np
import pytest

from softmax_lab.datasets import (
    KINDS,
    MAX_CLASSES,
    MAX_CSV_BYTES,
    MAX_CSV_ROWS,
    MIN_CSV_POINTS,
    make_dataset,
    parse_points_csv,
    train_test_split,
)

# -- make_dataset --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("n_classes", range(2, MAX_CLASSES + 1))
def test_every_kind_is_seeded_shaped_and_balanced(kind, n_classes):
    X, y = make_dataset(kind, 120, n_classes, noise=0.2, seed=5)
    X_again, y_again = make_dataset(kind, 120, n_classes, noise=0.2, seed=5)
    np.testing.assert_array_equal(X, X_again)
    np.testing.assert_array_equal(y, y_again)
    assert X.shape == (120, 2) and X.dtype == np.float64 and np.isfinite(X).all()
    assert y.shape == (120,) and y.dtype == np.int64
    counts = np.bincount(y, minlength=n_classes)
    assert counts.size == n_classes and counts.max() - counts.min() <= 1  # every class, balanced
    X_other, _ = make_dataset(kind, 120, n_classes, noise=0.2, seed=6)
    assert not np.array_equal(X, X_other)


def test_xor_with_two_classes_is_the_classic_xor():
    X, y = make_dataset("xor", 400, 2, noise=0.0, seed=0)
    gold = ((X[:, 0] > 0) ^ (X[:, 1] > 0)).astype(np.int64)
    np.testing.assert_array_equal(y, gold)


def test_circles_are_rings_of_radius_k_plus_one_over_k():
    X, y = make_dataset("circles", 300, 3, noise=0.0, seed=0)
    mine = np.hypot(X[:, 0], X[:, 1])
    gold = (y + 1) / 3
    np.testing.assert_allclose(mine, gold, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"kind": "squares"}, "kind"),
        ({"n_points": 49}, "n_points"),
        ({"n_points": 2001}, "n_points"),
        ({"n_points": 100.0}, "n_points"),
        ({"n_points": True}, "n_points"),
        ({"n_classes": 1}, "n_classes"),
        ({"n_classes": 7}, "n_classes"),
        ({"noise": -0.1}, "noise"),
        ({"noise": float("nan")}, "noise"),
        ({"noise": "0.1"}, "noise"),
        ({"seed": -1}, "seed"),
    ],
)
def test_bad_dataset_parameters_are_named(kwargs, name):
    with pytest.raises(ValueError, match=name):
        make_dataset(**{"kind": "blobs", **kwargs})


# -- train_test_split ----------------------------------------------------------------------


def test_split_is_a_seeded_partition():
    X, y = make_dataset("moons", 101, 2, seed=0)
    X_train, y_train, X_test, y_test = train_test_split(X, y, 0.25, seed=3)
    assert (len(y_train), len(y_test)) == (76, 25)  # round(0.25 · 101) = 25
    mine = np.sort(np.concatenate([X_train[:, 0], X_test[:, 0]]))
    gold = np.sort(X[:, 0])
    np.testing.assert_array_equal(mine, gold)  # nothing lost, nothing repeated
    again = train_test_split(X, y, 0.25, seed=3)
    for part, part_again in zip((X_train, y_train, X_test, y_test), again, strict=True):
        np.testing.assert_array_equal(part, part_again)
    assert not np.array_equal(X_test, train_test_split(X, y, 0.25, seed=4)[2])
    assert len(train_test_split(X, y, 0.0)[2]) == 0


@pytest.mark.parametrize("fraction", [-0.1, 1.0, 1.5, float("nan")])
def test_split_refuses_a_bad_fraction(fraction):
    X, y = make_dataset("blobs", 50, 2)
    with pytest.raises(ValueError, match="test_fraction"):
        train_test_split(X, y, fraction)


# -- parse_points_csv: good files ----------------------------------------------------------


def _csv(rows, header="x1,x2,label"):
    return (header + "\n" + "".join(f"{row}\n" for row in rows)).encode()


GOOD_ROWS = [f"{i},{i * 0.5},{i % 2}" for i in range(20)]


def test_a_good_file_parses():
    X, y, class_labels = parse_points_csv(_csv(GOOD_ROWS))
    gold_X = np.column_stack([np.arange(20.0), np.arange(20) * 0.5])
    np.testing.assert_array_equal(X, gold_X)
    np.testing.assert_array_equal(y, np.arange(20) % 2)
    assert class_labels == ["0", "1"]
    assert X.dtype == np.float64 and y.dtype == np.int64


def test_columns_in_any_order_text_labels_bom_and_blank_lines():
    rows = [f"{'cat' if i % 3 else 'dog'},{i},{-i}" for i in range(12)]
    data = b"\xef\xbb\xbf" + _csv([*rows[:6], "", " , , ", *rows[6:]], header="Label, X2 ,x1")
    X, y, class_labels = parse_points_csv(data)
    assert class_labels == ["cat", "dog"]
    np.testing.assert_array_equal(X[:, 0], -np.arange(12.0))  # x1 is the third column
    np.testing.assert_array_equal(y, [1 if i % 3 == 0 else 0 for i in range(12)])


def test_whole_number_labels_sort_by_value_and_merge_spellings():
    rows = [f"{i},{i},{label}" for i, label in enumerate(["10", "2", "-1", "02", "+10"] * 3)]
    _, y, class_labels = parse_points_csv(_csv(rows))
    assert class_labels == ["-1", "2", "10"]
    np.testing.assert_array_equal(y[:5], [2, 1, 0, 1, 2])


# -- parse_points_csv: every refusal -------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"x1,x2,label\n\x00\x01\x02", "binary"),
        (b"x1,x2,label\n1,2,\xff\xfe\n", "UTF-8"),
        (b"a,b,c\n1,2,3\n", "header"),
        (b"x1,x2\n1,2\n", "header"),
        (b"x1,x2,label,extra\n1,2,0,9\n", "header"),
        (b"x1,x1,label\n1,2,0\n", "header"),
        (_csv([*GOOD_ROWS[:5], "abc,1.5,0", *GOOD_ROWS[5:]]), "x1 must be a number"),
        (_csv([*GOOD_ROWS[:5], "1,,0", *GOOD_ROWS[5:]]), "x2 must be a number"),
        (_csv([*GOOD_ROWS[:5], "nan,1.5,0", *GOOD_ROWS[5:]]), "finite"),
        (_csv([*GOOD_ROWS[:5], "1,-inf,0", *GOOD_ROWS[5:]]), "finite"),
        (_csv([*GOOD_ROWS[:5], "1e7,1,0", *GOOD_ROWS[5:]]), "within"),
        (_csv([*GOOD_ROWS[:5], "1,2,0,3", *GOOD_ROWS[5:]]), "4 cells"),
        (_csv([*GOOD_ROWS[:5], "1,2, ", *GOOD_ROWS[5:]]), "label is empty"),
        (_csv([f"{i},{i},0" for i in range(20)]), "1 classes; 2 to 6"),
        (_csv([f"{i},{i},{i}" for i in range(20)]), "20 classes; 2 to 6"),
        (_csv(GOOD_ROWS[: MIN_CSV_POINTS - 1]), f"9 points; at least {MIN_CSV_POINTS}"),
        (b"x1,x2,label\n", "0 points"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message(data, message):
    with pytest.raises(ValueError, match=message):
        parse_points_csv(data)


def test_the_byte_cap_is_checked_before_decoding():
    data = b"\xff" * (MAX_CSV_BYTES + 1)  # not UTF-8 either: the size message must win
    with pytest.raises(ValueError, match="1,000,001 bytes; the limit is 1,000,000"):
        parse_points_csv(data)


def test_a_million_rows_fail_fast():
    # The last line is broken: reaching it would raise "must be numbers", so the row-count
    # message proves that reading stopped at row 5,001 instead of parsing a million rows.
    data = b"x1,x2,label\n" + b"1.5,2.5,0\n" * 1_000_000 + b"abc,abc,0\n"
    with pytest.raises(ValueError, match=f"more than {MAX_CSV_ROWS:,} rows"):
        parse_points_csv(data, max_bytes=len(data))
    with pytest.raises(ValueError, match="limit is 1,000,000 bytes"):
        parse_points_csv(data)  # with the default cap it never gets past the size check


def test_a_malformed_csv_is_a_value_error():
    data = b'x1,x2,label\n1,2,"' + b"a" * 200_000 + b'"\n'  # a field over csv's size limit
    with pytest.raises(ValueError, match="not a valid CSV"):
        parse_points_csv(data)


def test_the_class_cap_is_a_parameter():
    rows = [f"{i},{i},{i % 3}" for i in range(12)]
    with pytest.raises(ValueError, match="3 classes; 2 to 2"):
        parse_points_csv(_csv(rows), max_classes=2)
    with pytest.raises(ValueError, match="max_classes"):
        parse_points_csv(_csv(rows), max_classes=1)
    with pytest.raises(ValueError, match="data must be bytes"):
        parse_points_csv("x1,x2,label\n")


@pytest.mark.parametrize("label", ["+-1", "--2", "-+3", "++4"])
def test_a_label_with_two_signs_is_refused_naming_its_line(label):
    rows = [f"{i},{i % 3},{i % 2}" for i in range(12)]
    rows[6] = f"6,0,{label}"
    data = ("x1,x2,label\n" + "\n".join(rows) + "\n").encode()
    with pytest.raises(ValueError, match=r"Line 8: the label '[-+]{2}\d' ") as err:
        parse_points_csv(data)
    assert "invalid literal" not in str(err.value)


def test_signed_whole_number_labels_are_one_class_each():
    rows = [f"{i},{i % 3},{('+1', '1', '-0', '0')[i % 4]}" for i in range(12)]
    _, _, names = parse_points_csv(("x1,x2,label\n" + "\n".join(rows) + "\n").encode())
    assert list(names) == ["0", "1"]
