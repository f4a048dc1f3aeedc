"""The pages' tabs: only the open one runs, every one renders, and what a reader typed
in a tab is still there after a visit to another tab."""

import numpy as np
import pytest

from softmax_lab.ui.sections import SECTIONS
from softmax_lab.ui.sections import key as sections_key
from tests.page_harness import (
    chart_keys,
    decode_array,
    edit_table,
    figure,
    open_section,
    plotly_figures,
    run_page,
)

ALL_SECTIONS = [(page, section) for page, labels in SECTIONS.items() for section in labels]
BATCHES = {
    "defaults": None,
    "C = 50, N = 20": {"gen": "random:20:50:3:0"},
    "huge logits": {"z": "1e6,-1e6,0;0,0,0"},
    "C = 1000": {"gen": "zipf:2:1000:1.1:0"},
}


@pytest.mark.parametrize("batch", list(BATCHES))
@pytest.mark.parametrize(("page", "section"), ALL_SECTIONS)
def test_every_section_renders_without_a_traceback(page, section, batch):
    at = run_page(page, query=BATCHES[batch], section=section)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    tab = next(t for t in at.tabs if t.label == section)
    assert list(tab.children), f"{page} / {section} drew nothing"
    assert not at.get("plotly_chart"), "every chart goes through ui.charts.show"
    for fig in plotly_figures(at):  # the lab's own look
        font = fig["layout"]["template"]["layout"]["font"]
        assert "Source Sans" in font["family"]


def test_only_the_open_section_runs():
    at = run_page("gradients")
    assert chart_keys(at) == {"grad_bars"}
    open_section(at, "gradients", "Sweep one logit")
    assert chart_keys(at) == {"grad_sweep_fig"}
    at = run_page("saturation")
    assert chart_keys(at) == {"scale_fig"}
    open_section(at, "saturation", "Finite precision")
    assert chart_keys(at) == {"gap_fig"}


def test_typed_ranges_survive_a_visit_to_another_tab():
    at = run_page("gradients", section="Sweep one logit")
    at.number_input(key="grad_sweep_low").set_value(-5.0)
    at.number_input(key="grad_sweep_high").set_value(5.0).run()
    open_section(at, "gradients", "Per class")
    assert "grad_sweep_fig" not in chart_keys(at)
    open_section(at, "gradients", "Sweep one logit")
    assert at.number_input(key="grad_sweep_low").value == -5.0
    x = decode_array(figure(at, "grad_sweep_fig")["data"][0]["x"])
    assert (x[0], x[-1]) == (-5.0, 5.0)


def test_an_edited_upstream_gradient_survives_a_visit_to_another_tab():
    at = run_page("jacobian", section="Backward pass")
    unedited = decode_array(figure(at, "jacobian_dLdZ")["data"][0]["y"])
    state = at.session_state
    version = state["editor_version"] if "editor_version" in state else 0  # noqa: SIM401
    edit_table(at, f"upstream_writeup_0_2x3_{version}", edited={0: {"c0": 1.0}})
    edited = decode_array(figure(at, "jacobian_dLdZ")["data"][0]["y"])
    assert not np.allclose(edited, unedited)
    open_section(at, "jacobian", "J shrinks")
    assert "jacobian_dLdZ" not in chart_keys(at)
    open_section(at, "jacobian", "Backward pass")
    assert not at.exception
    again = decode_array(figure(at, "jacobian_dLdZ")["data"][0]["y"])
    np.testing.assert_array_equal(again, edited)


@pytest.mark.parametrize(("page", "section"), [(p, labels[-1]) for p, labels in SECTIONS.items()])
def test_a_link_opens_its_tab_and_the_open_tab_is_in_the_link(page, section):
    from softmax_lab.link_codec import tab_slug

    at = run_page(page, query={"tab": tab_slug(section)})
    assert not at.exception, at.exception
    assert at.session_state[sections_key(page)] == section
    assert dict(at.query_params)["tab"] in (tab_slug(section), [tab_slug(section)])


@pytest.mark.parametrize("page", list(SECTIONS))
def test_an_unknown_tab_in_a_link_gives_a_message_and_the_first_tab(page):
    at = run_page(page, query={"tab": "<script>nope</script>", "z": "5,6"})
    assert not at.exception, at.exception
    assert any("does not have" in w.value for w in at.warning)
    assert at.session_state[sections_key(page)] == SECTIONS[page][0]
    np.testing.assert_array_equal(at.session_state["workspace"].logits, [[5, 6]])
