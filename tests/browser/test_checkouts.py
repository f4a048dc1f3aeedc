"""A read-only checkout, and a second OS user on the same host: the charts draw, nothing of
the checkout or of the temporary folder is written, no traceback, no foreign file served.

Run as root (as CI does), each server runs as an unprivileged user (``setpriv``), so the
checkout's missing write bits hold for it; otherwise (or if such a user cannot run this
Python) the servers run as the caller, and the snapshots below still catch any write.
"""

import hashlib
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import plotly
import pytest

from softmax_lab.ui import chart_assets, charts
from tests.browser.harness import ROOT, Server, exceptions, open_page
from tests.browser.harness import charts as count_charts


def _others_can_run() -> bool:
    """Root, and an unprivileged user can start this Python with Streamlit."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return False
    cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable]
    probe = subprocess.run([*cmd, "-c", "import streamlit, plotly"], capture_output=True)
    return probe.returncode == 0


AS_OTHERS = _others_can_run()
FIRST_UID, SECOND_UID = (65534, 65533) if AS_OTHERS else (None, None)
ASSETS = f"/_stcore/bidi-components/{charts.NAME}/"
# Where the chart frame used to fall back to when its package folder was read-only.
OLD_FALLBACK = f"softmax_lab_plotly_frame_{plotly.__version__}"
PLANTED = "window.__pwned = 'planted'; window.Plotly = undefined;\n"


def _snapshot(folder: Path) -> dict:
    """Every path under ``folder`` with its size, modification time and content hash."""
    out = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
        out[str(path.relative_to(folder))] = (stat.S_IFMT(info.st_mode), info.st_size, digest)
    return out


def _set_writable(folder: Path, writable: bool) -> None:
    for path in [folder, *folder.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~0o222)


@pytest.fixture(scope="module")
def place():
    """A read-only copy of the installed checkout, a shared temporary folder and a home
    per user, in a folder every user can enter; removed afterwards."""
    base = Path(tempfile.mkdtemp(prefix="softmax-lab-checkout-"))
    base.chmod(0o755)
    checkout = base / "checkout"
    checkout.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".*.tmp")
    for name in ("app.py", "pyproject.toml", "pages", "softmax_lab", ".streamlit"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, checkout / name, ignore=ignore)
        else:
            shutil.copy2(src, checkout / name)
    tmp = base / "tmp"
    tmp.mkdir()
    tmp.chmod(0o1777)  # like /tmp: every user may create files, none may remove another's
    homes = {}
    for uid in (FIRST_UID, SECOND_UID):
        home = base / f"home-{uid}"
        home.mkdir()
        if uid is not None:
            os.chown(home, uid, uid)
        homes[uid] = home
    _set_writable(checkout, False)
    before = _snapshot(checkout)
    yield checkout, tmp, homes, before
    _set_writable(checkout, True)
    shutil.rmtree(base)


def _serve(checkout, tmp, home, uid):
    env = {"TMPDIR": str(tmp), "HOME": str(home)}
    if uid is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"  # the caller may own the copy: Python's cache
    return Server(env=env, cwd=checkout, uid=uid)


def _check_charts(page, server, checkout) -> None:
    open_page(page, f"{server.url}/probabilities")
    total, drawn = count_charts(page)
    assert total == drawn == 1
    assert exceptions(page) == []
    assert page.evaluate("() => window.__pwned") is None
    for name, gold in (
        (chart_assets.BUNDLE.name, chart_assets.BUNDLE.read_bytes()),
        ("chart.js", (checkout / "softmax_lab/ui/plotly_chart/chart.js").read_bytes()),
    ):
        with urllib.request.urlopen(server.url + ASSETS + name, timeout=10) as r:
            assert r.read() == gold, name
    requested = page.evaluate(
        "() => performance.getEntriesByType('resource').map(r => new URL(r.name).pathname)"
        ".filter(p => p.endsWith('.js') && !p.startsWith('/static/'))"
    )
    assert sorted(requested) == [ASSETS + "chart.js", ASSETS + chart_assets.BUNDLE.name]


def _stderr(server) -> str:
    server.stop()
    return server.proc.stderr.read().decode(errors="replace")


def test_a_read_only_checkout_draws_and_writes_nothing(place, page):
    checkout, tmp, homes, before = place
    server = _serve(checkout, tmp, homes[FIRST_UID], FIRST_UID)
    try:
        _check_charts(page, server, checkout)
    finally:
        log = _stderr(server)
    assert "Traceback" not in log and "Error" not in log, log[-2000:]
    assert _snapshot(checkout) == before
    assert list(tmp.iterdir()) == []  # nothing in the temporary folder either


def test_a_second_user_is_served_no_foreign_file(place, browser):
    """Another user has planted files where the chart frame once looked; two users' servers
    run from the same checkout at once, and neither serves nor trips over them."""
    checkout, tmp, homes, before = place
    planted = tmp / OLD_FALLBACK
    planted.mkdir()
    (planted / "index.html").write_text(f"<script>{PLANTED}</script>")
    (planted / "plotly.min.js").write_text(PLANTED)
    if AS_OTHERS:
        for path in (planted, *planted.iterdir()):
            os.chown(path, FIRST_UID, FIRST_UID)  # the first user's: the second may not write
    planted_before = _snapshot(tmp)
    servers = [_serve(checkout, tmp, homes[uid], uid) for uid in (FIRST_UID, SECOND_UID)]
    logs = []
    try:
        for server in servers:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            try:
                _check_charts(context.new_page(), server, checkout)
            finally:
                context.close()
    finally:
        logs = [_stderr(server) for server in servers]
    for log in logs:
        assert "Traceback" not in log and "PermissionError" not in log, log[-2000:]
    assert _snapshot(tmp) == planted_before
    assert _snapshot(checkout) == before
