"""The files Streamlit serves for the chart component: its module and plotly.js.

The component (``softmax_lab.ui.charts``) is declared in ``pyproject.toml`` with the asset
folder ``ASSET_DIR``; Streamlit serves that folder's files at
``/_stcore/bidi-components/softmax-lab.plotly_chart/``. It holds the component's module,
``chart.js``, and ``BUNDLE``: plotly.js's own *cartesian* partial bundle, the file of the
npm package ``plotly.js-cartesian-dist-min``, unchanged. The plotly package ships only the
full bundle (4.8 MB: every trace type, maps, 3-D, WebGL). The lab draws bars, lines and
heatmaps, which the cartesian bundle (1.5 MB, ``TRACES``) holds; it downloads and starts in
about half the time (benchmarks/README.md), so a page's first chart appears sooner.

The file is in the repository, so nothing is fetched or copied when the app is installed
and nothing is written here at any time. Where it came from:
``npm pack plotly.js-cartesian-dist-min@4.1.1`` (the tarball's integrity is
``NPM_INTEGRITY``), the ``plotly-cartesian.min.js`` inside it; its licence is
``plotly_js_LICENSE.txt`` beside this module. When the plotly package is upgraded, fetch
the bundle of the same plotly.js version the same way and update the pins below.

The app checks the file when it starts (``problem``) and draws no chart with a file that
differs from the pinned SHA-256, or with a bundle of another plotly.js version than the
installed plotly package builds figures for. ``python -m softmax_lab.ui.chart_assets``
runs the same check.
"""

import hashlib
import sys
from pathlib import Path

from plotly.offline import get_plotlyjs_version

ASSET_DIR = Path(__file__).with_name("plotly_chart")
BUNDLE = ASSET_DIR / "plotly-cartesian.min.js"
SERVED = frozenset({"chart.js", BUNDLE.name})  # everything in ASSET_DIR is served
BUNDLE_VERSION = "4.1.1"
BUNDLE_SHA256 = "79542150855a52c567260e3137095dbe2b744e6d702a5cabe67da246942fba7a"
NPM_INTEGRITY = (
    "sha512-o8GrFeusncwBIxbBynRJpY4pkgVB6caM+JLpwrLYbbsO7dZ8FJ+SVN2Fr+L7kiG/Z6w4P5O0Jus/"
    "Qr5EefHVeg=="
)
# The trace types the bundle registers (its README); a figure of any other type is not drawn.
TRACES = frozenset(
    {
        "bar",
        "box",
        "contour",
        "heatmap",
        "histogram",
        "histogram2d",
        "histogram2dcontour",
        "image",
        "pie",
        "scatter",
        "scatterternary",
        "violin",
    }
)


def sha256(path: Path) -> str:
    """The SHA-256 of the file at ``path``, in hex."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def problem(bundle: Path = BUNDLE) -> str | None:
    """Why the served plotly.js cannot be used, or None if it can.

    It can if ``bundle`` is byte for byte the pinned file (``BUNDLE_SHA256``), its
    plotly.js version is the one the installed plotly package builds figures for, and its
    folder, all of which Streamlit serves, holds nothing else than ``SERVED``.
    """
    restore = "Restore it from the repository (`git checkout softmax_lab/ui/plotly_chart`)."
    others = sorted(p.name for p in bundle.parent.iterdir() if p.name not in SERVED)
    if others:
        extra = ", ".join(others)
        return f"`{bundle.parent}` holds files that are not the app's ({extra}): remove them."
    try:
        digest = sha256(bundle)
    except OSError as err:
        return f"`{bundle}` cannot be read ({err.strerror}). {restore}"
    if digest != BUNDLE_SHA256:
        return f"`{bundle}` is not the pinned file (its SHA-256 differs). {restore}"
    built_for = get_plotlyjs_version()
    if built_for != BUNDLE_VERSION:
        return (
            f"the installed plotly package builds figures for plotly.js {built_for}, and "
            f"the served bundle is plotly.js {BUNDLE_VERSION}. Install the pinned "
            "requirements (`make run`)."
        )
    return None


if __name__ == "__main__":
    reason = problem()
    if reason is not None:
        sys.exit(reason)
    print(f"softmax_lab/ui/plotly_chart/{BUNDLE.name}: plotly.js {BUNDLE_VERSION}, verified")
