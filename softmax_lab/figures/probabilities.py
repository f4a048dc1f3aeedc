"""Bar charts of one row under softmax and the mappings it is compared with."""

import numpy as np

from softmax_lab.figures.gradients import BASE_LAYOUT, bars
from softmax_lab.figures.style import figure, plain_all


def mappings_figure(class_names, mappings):
    """The mappings of one row as grouped bars on one shared axis: one group per class.

    Every mapping here lies in [0, 1], so one axis compares them class by class.

    Parameters
    ----------
    class_names : sequence of str, length C
    mappings : dict of str to ndarray (C,)
        Legend label to values. A mapping whose values are all NaN (undefined for this
        row) draws no bars, and its legend entry says so.
    """
    series = {
        label + (" (undefined for this row)" if np.isnan(v).all() else ""): np.nan_to_num(v)
        for label, v in mappings.items()
    }
    return bars(
        class_names,
        series,
        "value",
        height=380,
        hovertemplate="%{x}: %{y:.6g}",
        legend={"orientation": "h", "y": -0.15},
    )


def naive_vs_stable_figure(class_names, naive, stable, dtype_name):
    """Naive ``exp(z)/Σexp(z)`` next to the stable softmax for one row (C,).

    Entries where the naive formula gives inf or NaN are drawn as red markers at 0.
    """
    names = plain_all(class_names)
    finite = np.isfinite(naive)
    data = [
        {
            "type": "bar",
            "x": names,
            "y": np.where(finite, naive, 0.0),
            "name": f"naive ({dtype_name})",
        },
        {"type": "bar", "x": names, "y": stable, "name": f"stable ({dtype_name})"},
    ]
    bad = ~finite
    if bad.any():
        data.append(
            {
                "type": "scatter",
                "x": [n for n, b in zip(names, bad, strict=True) if b],
                "y": np.zeros(bad.sum()),
                "mode": "markers+text",
                "text": [str(v) for v in naive[bad]],
                "textposition": "top center",
                "marker": {"color": "crimson", "size": 12, "symbol": "x"},
                "name": "naive gives inf/NaN",
            }
        )
    layout = dict(BASE_LAYOUT)
    layout.update(
        xaxis={"type": "category"},
        barmode="group",
        height=320,
        yaxis={"title": {"text": "probability"}},
    )
    return figure(data, layout)
