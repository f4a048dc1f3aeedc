"""Figures of the softmax Jacobian page: heatmaps, the shrinking norm, dLdZ bars, costs.

These figures are rebuilt on every temperature change, so they are plain dicts
(``style.figure``, checked by ``go.Figure`` once per shape): no
``update_layout(template=...)``, ``add_vline`` or ``make_subplots``, each of which is slow
in Plotly. They keep the margins, font and legend of ``style.compact``;
``ui.charts.show`` adds the template.
"""

import numpy as np

from softmax_lab.figures.style import COLORS, DIVERGING, colorscale, figure, plain_all

J_RANGE = 0.25  # |J| <= 1/4: one fixed colour scale makes rows comparable
MAX_TEXT_CLASSES = 30
DIFFERENCE = colorscale("PuOr")  # the writeup's difference panel, apart from J's scale
_MARGIN = {"l": 40, "r": 20, "t": 40, "b": 40}


def _figure(data, height, title=None, **layout):
    """One figure (``style.figure``) with the compact margins, font and legend of the app."""
    base = {
        "margin": _MARGIN,
        "font": {"size": 12},
        "legend": {"orientation": "h", "y": -0.25},
        "height": height,
    }
    if title is not None:
        base["title"] = {"text": title}
    return figure(data, {**base, **layout})


def _cell_text(J):
    return np.vectorize(lambda v: f"{v:.4f}")(J)


def jacobian_heatmap(J, names, title="J = diag(a) − a aᵀ", zmax=J_RANGE, temperature=1.0):
    """Heatmap of J = ∂a/∂u (C, C), u = z / T, on a diverging scale at 0 fixed to ±``zmax``.

    Cells print their values up to C = 30; rows are ∂a_m, columns ∂u_n. At T ≠ 1 the
    hover also gives ∂a_m/∂z_n = J_mn / T, the derivative with respect to the raw logits.
    """
    labels = plain_all(names)
    trace = {
        "type": "heatmap",
        "z": J,
        "x": labels,
        "y": labels,
        "zmin": -zmax,
        "zmax": zmax,
        "zmid": 0,
        "colorscale": DIVERGING,
        "hovertemplate": "∂a[%{y}]/∂u[%{x}] = %{z:.6g}<extra></extra>",
    }
    x_title = "u = z (column n)"
    if temperature != 1:
        trace["customdata"] = np.asarray(J) / temperature
        trace["hovertemplate"] = (
            "∂a[%{y}]/∂u[%{x}] = %{z:.6g}<br>"
            f"∂a[%{{y}}]/∂z[%{{x}}] = J / T = %{{customdata:.6g}} (T = {temperature:g})"
            "<extra></extra>"
        )
        x_title = f"u = z / T (column n), T = {temperature:g}"
    if len(labels) <= MAX_TEXT_CLASSES:
        trace["text"] = _cell_text(J)
        trace["texttemplate"] = "%{text}"
    return _figure(
        [trace],
        height=min(700, 260 + 18 * len(labels)),
        title=title,
        xaxis={"type": "category", "title": {"text": x_title}},
        yaxis={"type": "category", "autorange": "reversed", "title": {"text": "a (row m)"}},
    )


def writeup_comparison(exact, printed, names):
    """The exact J, the writeup's printed J and their difference, side by side (C, C each).

    The difference has its own symmetric colour scale (it is ~1e-3, far below ±1/4).
    """
    labels = plain_all(names)
    diff = exact - printed
    lim = max(float(np.abs(diff).max()), 1e-12)
    titles = ("exact J", "printed J (A rounded to 2 decimals)", "exact − printed")
    panels = ((exact, J_RANGE, DIVERGING), (printed, J_RANGE, DIVERGING), (diff, lim, DIFFERENCE))
    width, gap = 0.29, 0.065
    data, layout = [], {"annotations": []}
    for i, (z, zmax, scale) in enumerate(panels):
        suffix = "" if i == 0 else str(i + 1)
        left = i * (width + gap)
        data.append(
            {
                "type": "heatmap",
                "z": z,
                "x": labels,
                "y": labels,
                "zmin": -zmax,
                "zmax": zmax,
                "colorscale": scale,
                "text": np.vectorize(lambda v: f"{v:.4g}")(z),
                "texttemplate": "%{text}",
                "showscale": i == 2,
                "xaxis": f"x{suffix}",
                "yaxis": f"y{suffix}",
                "name": titles[i],
            }
        )
        layout[f"xaxis{suffix}"] = {
            "domain": [left, left + width],
            "type": "category",
            "anchor": f"y{suffix}",
        }
        layout[f"yaxis{suffix}"] = {
            "type": "category",
            "autorange": "reversed",
            "anchor": f"x{suffix}",
        }
        layout["annotations"].append(
            {
                "text": titles[i],
                "x": left + width / 2,
                "y": 1.0,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
            }
        )
    return _figure(data, height=330, **layout)


def shrink_figure(temperatures, frobenius, max_diag, current, current_values):
    """‖J‖_F and max a(1 − a) (G,) against temperature (G,) on a log axis.

    ``current_values`` = (‖J‖_F, max a(1 − a)) at the current T, drawn as markers.
    """
    data = [
        {"type": "scatter", "x": temperatures, "y": frobenius, "name": "‖J‖_F"},
        {"type": "scatter", "x": temperatures, "y": max_diag, "name": "max a(1−a)"},
        {
            "type": "scatter",
            "x": [current, current],
            "y": list(current_values),
            "mode": "markers",
            "marker": {"size": 10, "color": "black", "symbol": "diamond"},
            "name": f"current T = {current:g}",
        },
    ]
    for trace, colour in zip(data[:2], COLORS, strict=False):
        trace["line"] = {"color": colour}
    layout = {
        "xaxis": {"type": "log", "title": {"text": "temperature T (log scale)"}},
        "yaxis": {"title": {"text": "size of J"}, "rangemode": "tozero"},
        "shapes": [
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "yref": "y",
                "y0": 0.25,
                "y1": 0.25,
                "line": {"dash": "dash", "color": "grey", "width": 1},
            }
        ],
        "annotations": [
            {
                "text": "1/4",
                "xref": "paper",
                "x": 1,
                "yref": "y",
                "y": 0.25,
                "xanchor": "right",
                "yanchor": "bottom",
                "showarrow": False,
            }
        ],
    }
    return _figure(data, height=320, **layout)


def dLdZ_figure(names, methods, title=None, y_title="dL/dz"):
    """Grouped bars of a gradient (C,) for one row: one bar group per class, one colour per
    method; ``y_title`` names the variable plotted (dL/du when the input is u = z / T)."""
    labels = plain_all(names)
    data = [
        {
            "type": "bar",
            "x": labels,
            "y": values,
            "name": name,
            "marker": {"color": COLORS[i % len(COLORS)]},
        }
        for i, (name, values) in enumerate(methods.items())
    ]
    return _figure(
        data,
        height=300,
        title=title,
        barmode="group",
        xaxis={"type": "category"},
        yaxis={"title": {"text": y_title}},
    )


def cost_growth_figure(classes, seconds):
    """Seconds per backward call (len(classes),) against C on log-log axes, one line per method."""
    data = [
        {
            "type": "scatter",
            "x": list(classes),
            "y": np.asarray(t) * 1e3,
            "name": name,
            "mode": "lines+markers",
            "line": {"color": COLORS[i % len(COLORS)]},
        }
        for i, (name, t) in enumerate(seconds.items())
    ]
    return _figure(
        data,
        height=300,
        title="Time per backward call as C grows (log-log)",
        xaxis={"type": "log", "title": {"text": "classes C"}},
        yaxis={"type": "log", "title": {"text": "ms per call"}},
    )
