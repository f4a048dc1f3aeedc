"""The link codec: a workspace, a tab and a Training run to query parameters and back.

Links are hostile strings: any text gives a value or a ``ValueError`` (never another
exception), and what the codec writes reads back to the same view.
"""

import contextlib
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from softmax_lab.link_codec import (
    MAX_QUERY_CHARS,
    from_query,
    run_from_query,
    run_to_query,
    tab_from_query,
    tab_slug,
    to_query,
)
from softmax_lab.presets import LABEL_MODES, MAX_ROWS, PRESETS, one_hot
from softmax_lab.training_run import INITS, LRS, RunSettings, TrainingRun
from softmax_lab.ui.sections import SECTIONS
from softmax_lab.workspace import TEMPERATURES, Workspace, from_generator, from_preset, resize

# -- the workspace -------------------------------------------------------------------------


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
        # The cases the per-page matrix used to run, each once here:
        ({"z": "1e308,1"}, "±1e6"),
        ({"z": ""}, "z is empty"),
        ({"z": "a,b;c,d"}, "not a number"),
        ({"z": "1,2;3"}, "Row 2 has 1 cells"),
        ({"z": ",".join(["1"] * 51)}, "2 to 50"),
        ({"preset": "<script>alert(1)</script>"}, "Unknown preset"),
        ({"T": "-1"}, "> 0"),
        ({"T": "nan"}, "finite"),
        ({"z": "1,2", "names": "x" * 10_000 + "|b"}, "over 6000"),
        ({"z": "1,2", "names": "x" * 41 + "|b"}, "over 40 characters"),
        ({"gen": "random:1:5000:1:0"}, "n_classes"),
        ({"mode": "hot"}, "mode"),
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


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=12), st.text(max_size=200), max_size=8))
def test_any_parameters_give_a_value_or_a_value_error(params):
    """Arbitrary names and values through every decoder: ValueError or a result."""
    for decode in (from_query, run_from_query):
        with contextlib.suppress(ValueError):
            decode(params)
    with contextlib.suppress(ValueError):
        tab_from_query(params.get("tab", ""), SECTIONS["jacobian"])


_NAME = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="|"
        ),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def workspaces(draw):
    n_rows = draw(st.integers(1, MAX_ROWS))
    n_classes = draw(st.integers(2, 8))
    finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
    logits = np.array(
        draw(st.lists(finite, min_size=n_rows * n_classes, max_size=n_rows * n_classes))
    )
    names = draw(st.lists(_NAME, min_size=n_classes, max_size=n_classes, unique=True))
    mode = draw(st.sampled_from(LABEL_MODES))
    if mode == "one-hot":
        labels = one_hot(
            draw(st.lists(st.integers(0, n_classes - 1), min_size=n_rows, max_size=n_rows)),
            n_classes,
        )
    elif mode == "multi-hot":
        labels = np.array(
            draw(
                st.lists(
                    st.sampled_from([0.0, 1.0]),
                    min_size=n_rows * n_classes,
                    max_size=n_rows * n_classes,
                )
            )
        ).reshape(n_rows, n_classes)
    else:
        unit = st.floats(0, 1, allow_nan=False)
        labels = np.array(
            draw(st.lists(unit, min_size=n_rows * n_classes, max_size=n_rows * n_classes))
        ).reshape(n_rows, n_classes)
    temperature = draw(st.sampled_from(TEMPERATURES))
    return Workspace(
        logits.reshape(n_rows, n_classes), tuple(names), labels, mode, temperature, "custom"
    )


@settings(max_examples=150, deadline=None)
@given(workspaces())
def test_a_workspace_round_trips_through_its_link(ws):
    query = to_query(ws)
    back = from_query(query)
    if "z" not in query:  # too long for a link: the preset and T only, by design
        assert sum(len(k) + len(v) + 2 for k, v in query.items()) <= MAX_QUERY_CHARS
        return
    np.testing.assert_array_equal(back.logits, ws.logits)  # repr() of a float is exact
    np.testing.assert_array_equal(back.labels, ws.labels)
    assert back.class_names == ws.class_names
    assert (back.label_mode, back.temperature) == (ws.label_mode, ws.temperature)


# -- the open tab ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "label"), [(p, lab) for p, labs in SECTIONS.items() for lab in labs]
)
def test_every_tab_reads_back_from_its_slug_and_its_label(page, label):
    assert tab_from_query(tab_slug(label), SECTIONS[page]) == label
    assert tab_from_query([label], SECTIONS[page]) == label


def test_the_slugs_of_a_page_are_distinct_and_plain():
    for labels in SECTIONS.values():
        slugs = [tab_slug(label) for label in labels]
        assert len(set(slugs)) == len(slugs)
        assert all(s and s.replace("-", "").isalnum() and s.isascii() for s in slugs)


@pytest.mark.parametrize("value", ["nope", "", "J SHRINKS", "<script>", ["j-shrinks", "costs"]])
def test_an_unknown_or_repeated_tab_is_refused(value):
    with pytest.raises(ValueError, match=r"tab|repeats"):
        tab_from_query(value, SECTIONS["jacobian"])


# -- the Training run ------------------------------------------------------------------------


@st.composite
def run_settings(draw):
    return RunSettings(
        kind=draw(st.sampled_from(["blobs", "moons", "circles", "spirals", "xor"])),
        classes=draw(st.integers(2, 6)),
        points=draw(st.integers(50, 2000)),
        noise=draw(st.floats(0, 1)),
        test=draw(st.floats(0, 0.5)),
        data_seed=draw(st.integers(0, 2**31 - 1)),
        hidden=draw(st.integers(0, 64)),
        act=draw(st.sampled_from(["tanh", "relu"])),
        pair=draw(st.sampled_from(["softmax_ce", "sigmoid_bce", "softmax_mse", "sigmoid_pos_ce"])),
        init=draw(st.sampled_from(INITS)),
        batch=draw(st.integers(0, 2000)),
        seed=draw(st.integers(0, 2**31 - 1)),
        max_steps=draw(st.integers(10, 100_000)),
        lr=draw(st.sampled_from(LRS)),
        l2=draw(st.floats(0, 10)),
        compare=draw(st.booleans()),
        pair_b=draw(st.sampled_from(["softmax_ce", "softmax_mse"])),
        init_b=draw(st.sampled_from(INITS)),
    )


@settings(max_examples=100, deadline=None)
@given(run_settings(), st.lists(st.tuples(st.sampled_from(LRS), st.floats(0, 10)), max_size=4))
def test_run_settings_and_rate_changes_round_trip_through_the_link(values, changes):
    run = TrainingRun(RunSettings(**{**values.__dict__, "points": 50, "hidden": 0}))
    for i, (lr, l2) in enumerate(changes):
        run.step(1 + i)
        run.set_rates(lr, l2)
    settings_back, step, schedule = run_from_query(run_to_query(run))
    assert settings_back == run.settings
    assert step == run.steps
    assert schedule == run.schedule


def test_a_link_without_a_step_carries_no_replay():
    settings, step, schedule = run_from_query({"tr_pair": "softmax_mse"})
    assert settings.pair == "softmax_mse" and step is None
    assert schedule == ((0, settings.lr, settings.l2),)
    assert run_from_query({"z": "1,2", "tab": "costs"}) is None


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"tr_classes": "9"}, "classes must be"),
        ({"tr_lr": "0.3"}, "lr must be one of"),
        ({"tr_lr": "nan"}, "finite"),
        ({"tr_compare": "yes"}, "0 or 1"),
        ({"tr_kind": "<b>"}, "kind must be"),
        ({"tr_nope": "1"}, "unknown Training parameter"),
        ({"tr_at": "-1"}, "not a whole number"),
        ({"tr_at": "5000", "tr_max_steps": "100"}, "at most max_steps"),
        ({"tr_rates": "0:0.1"}, "step:lr:l2"),
        ({"tr_rates": "5:0.1:0"}, "start at step 0"),
        ({"tr_rates": "0:0.1:0,0:1:0"}, "rise"),
        ({"tr_rates": "0:1:0,10:0.1:0", "tr_lr": "1"}, "must end at"),
        ({"tr_rates": ",".join(f"{i}:0.1:0" for i in range(200))}, "1 to 100 entries"),
        ({"tr_seed": ["1", "2"]}, "repeats"),
        ({"tr_at": "1" * 7000}, "over 6000"),
    ],
)
def test_hostile_training_links_are_refused_with_a_message(params, message):
    with pytest.raises(ValueError, match=message):
        run_from_query(params)


def test_a_replay_reaches_the_weights_of_the_live_run_whatever_the_chunks():
    live = TrainingRun(RunSettings(hidden=4, batch=32, max_steps=500))
    for k in (7, 1, 50):
        live.step(k)
    live.set_rates(1.0, 0.001)
    live.step(42)
    again = TrainingRun.replay(live.settings, live.steps, live.schedule, chunk=13)
    for a, b in zip(live.trainers.values(), again.trainers.values(), strict=True):
        assert a.steps == b.steps == 100
        for name, p in a.params.items():
            np.testing.assert_array_equal(p, b.params[name])
        np.testing.assert_array_equal(a.history_arrays()["loss"], b.history_arrays()["loss"])
    assert not math.isnan(live.trainers[next(iter(live.trainers))].history_arrays()["loss"][-1])
