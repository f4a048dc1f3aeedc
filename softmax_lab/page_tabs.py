"""The tabs of each page with sections, in the order the pages draw them.

Plain data, so the core (lesson files name a page's tab) and the ui (which draws the tabs)
read the same table.

Examples
--------
>>> PAGE_TABS["saturation"]
('Scale', 'Temperature', 'Finite precision', 'Attention')
"""

PAGE_TABS = {
    "jacobian": (
        "The Jacobian",
        "J shrinks",
        "Backward pass",
        "The writeup's example",
        "With cross-entropy",
        "Costs",
    ),
    "gradients": (
        "Per class",
        "Whole batch",
        "Sweep one logit",
        "Positive-only CE",
        "Multi-label",
        "Double softmax",
    ),
    "saturation": ("Scale", "Temperature", "Finite precision", "Attention"),
}
