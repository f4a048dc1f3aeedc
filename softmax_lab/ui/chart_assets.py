"""The files Streamlit serves for the chart component, and where its plotly.js comes from.

The component (``softmax_lab.ui.charts``) is declared in ``pyproject.toml`` with the asset
folder ``ASSET_DIR``; Streamlit serves that folder's files at
``/_stcore/bidi-components/softmax-lab.plotly_chart/``. It holds the component's module,
``chart.js`` (in the repository), and ``plotly.min.js``, which is not: it is a copy of the
file the installed ``plotly`` package ships (``PLOTLY_JS``), so the browser draws with the
same plotly.js that built the figures, and nothing is fetched from the network.

The copy is made by the install step (``make run``, ``make test``, the Dockerfile):
``python -m softmax_lab.ui.chart_assets``. It is checked twice: the install step compares
the copy's SHA-256 with plotly's file before it puts the copy in place, and the app
compares them again when it starts (``verified``) and draws no chart with a file that
differs. Nothing here writes a file when it is imported.
"""

import hashlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

import plotly

ASSET_DIR = Path(__file__).with_name("plotly_chart")
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
SERVED_JS = ASSET_DIR / "plotly.min.js"


def sha256(path: Path) -> str:
    """The SHA-256 of the file at ``path``, in hex."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def verified() -> bool:
    """True if the served plotly.js is byte for byte the installed plotly package's file."""
    try:
        return sha256(SERVED_JS) == sha256(PLOTLY_JS)
    except OSError:
        return False


def install(dest: Path = SERVED_JS, src: Path = PLOTLY_JS) -> None:
    """Copy plotly's ``src`` to ``dest`` and check the copy's SHA-256 before it is used.

    The copy is written beside ``dest`` under a private temporary name and moved into
    place only if it matches ``src``; an identical ``dest`` is left alone.
    """
    expected = sha256(src)
    if dest.exists() and sha256(dest) == expected:
        return
    fd, part = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.")
    try:
        with os.fdopen(fd, "wb") as out, open(src, "rb") as inp:
            shutil.copyfileobj(inp, out)
        if sha256(Path(part)) != expected:
            raise OSError(f"the copy of {src} does not match it")
        os.chmod(part, 0o644)
        os.replace(part, dest)
    except BaseException:
        Path(part).unlink(missing_ok=True)
        raise


if __name__ == "__main__":
    install()
    if not verified():
        sys.exit(f"{SERVED_JS} does not match {PLOTLY_JS}")
    print(f"{SERVED_JS.relative_to(ASSET_DIR.parents[2])}: plotly.js {plotly.__version__}")
