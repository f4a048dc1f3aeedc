"""A real browser against a real server: Debian's Chromium driven by Playwright.

``streamlit run app.py`` is started on a free loopback port; pages are opened by
URL and waited on until the script has finished and every Plotly chart has drawn.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"
# Every chart is a div of softmax_lab.ui.charts in the page (components v2, no iframe) that
# draws with Plotly.react; its data-state is "drawn" once the newest figure it was sent is
# on screen.
CHART = "div.softmax-lab-chart"
_CHARTS = f"[...document.querySelectorAll({CHART!r})]"
PLOTS_JS = f"{_CHARTS}.filter(d => d.classList.contains('js-plotly-plot'))"
_ALL_DRAWN = f"""() => {_CHARTS}.every(
    d => d.dataset.state === 'drawn' && d.querySelector('.main-svg'))"""
SKELETONS = "[data-testid='stSkeleton'], [data-testid='stAppSkeleton']"
PAGES = ("probabilities", "jacobian", "gradients", "saturation", "training")


def chromium_path() -> str | None:
    """Debian's Chromium on PATH (never a Playwright-downloaded build)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``streamlit run app.py`` on a free loopback port, stopped with ``stop()``.

    ``cwd`` is the checkout it runs from (default: this one); ``uid`` runs it as that
    user (``setpriv``; the caller must be root).
    """

    def __init__(
        self,
        script: str = "app.py",
        env: dict | None = None,
        cwd: Path = ROOT,
        uid: int | None = None,
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "streamlit", "run", script]
        if uid is not None:
            cmd = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--", *cmd]
        cmd += ["--server.headless", "true", "--server.port", str(self.port)]
        cmd += ["--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
        cmd += ["--server.fileWatcherType", "none", "--global.developmentMode", "false"]
        self.proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=1) as r:
                    if r.read() == b"ok":
                        return
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("streamlit did not start: " + self.proc.stderr.read().decode()[-2000:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def settle(page, timeout_ms: int = 30_000) -> None:
    """Wait for the script run to finish and every Plotly chart to draw."""
    page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=timeout_ms)
    page.wait_for_selector(DONE, timeout=timeout_ms)
    # The first paint shows skeletons while the script starts: wait until none is left.
    page.wait_for_function(f"() => !document.querySelector({SKELETONS!r})", timeout=timeout_ms)
    page.wait_for_timeout(300)
    page.wait_for_selector(DONE, timeout=timeout_ms)
    page.wait_for_function(_ALL_DRAWN, timeout=timeout_ms)


def open_page(page, url: str, timeout_ms: int = 30_000) -> None:
    page.goto(url)
    settle(page, timeout_ms)


def untouched(page) -> bool:
    """No injected script ran: ``window.__pwned`` is unset in the page and in every frame."""
    return all(f.evaluate("() => window.__pwned === undefined") for f in page.frames)


def exceptions(page) -> list[str]:
    return [e.inner_text()[:500] for e in page.locator("[data-testid='stException']").all()]


def charts(page) -> tuple[int, int]:
    """(Plotly charts on the page, those that have drawn an SVG)."""
    drawn = page.evaluate(f"() => {_CHARTS}.map(d => !!d.querySelector('.main-svg'))")
    return len(drawn), sum(drawn)


def count_in_charts(page, selector: str) -> int:
    """How many elements match ``selector`` inside all the charts together."""
    return page.evaluate(
        f"(sel) => {_CHARTS}.reduce((n, d) => n + d.querySelectorAll(sel).length, 0)", selector
    )


def chart(page, index: int = 0):
    """The ``index``-th chart's div (-1 for the last), as a Playwright locator."""
    charts = page.locator(CHART)
    return charts.last if index == -1 else charts.nth(index)


def nav_labels(page) -> list[str]:
    return page.eval_on_selector_all(
        "[data-testid='stSidebarNav'] a",
        "els => els.map(e => e.innerText.trim().split('\\n').pop())",
    )


def screenshot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    # Streamlit scrolls inside its main container, so grow the viewport to show it all.
    size = page.viewport_size
    height = page.evaluate(
        "() => (document.querySelector(\"[data-testid='stMain']\") || document.body).scrollHeight"
    )
    page.set_viewport_size(
        {"width": size["width"], "height": min(max(height, size["height"]), 8000)}
    )
    page.wait_for_timeout(300)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path
