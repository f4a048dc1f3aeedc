"""LaTeX strings with the current numbers plugged in (rendered by ``st.latex``)."""

import re

from softmax_lab.activations import softmax

MAX_TERMS = 6


def _num(x):
    return f"{x:.4g}".replace("e+", "e").replace("inf", r"\infty")


def softmax_formula(z, temperature, k, class_name):
    """softmax for class ``k`` of one row ``z`` (C,), with the row's numbers plugged in.

    Rows longer than six classes show the first terms and an ellipsis.

    Examples
    --------
    >>> import numpy as np
    >>> softmax_formula(np.array([1.0, 3.0]), 1.0, 1, "dog")[:20]
    'a_{\\\\text{dog}} = \\\\fr'
    """
    shifted = (z - z.max()) / temperature
    a = softmax(shifted)
    terms = [f"e^{{{_num(v)}}}" for v in shifted[:MAX_TERMS]]
    if z.size > MAX_TERMS:
        terms.append(r"\cdots")
    t = "" if temperature == 1 else f"/{_num(temperature)}"
    name = re.sub(r"[^A-Za-z0-9 ]", "", str(class_name))[:20] or f"k={k}"
    return (
        rf"a_{{\text{{{name}}}}} = \frac{{e^{{(z_k - \max z){t}}}}}"
        rf"{{\sum_j e^{{(z_j - \max z){t}}}}}"
        rf" = \frac{{e^{{{_num(shifted[k])}}}}}{{{' + '.join(terms)}}} = {_num(a[k])}"
    )
