"""The Training page live: updates per second, pause latency, and memory under load."""

from softmax_lab.ui.frame import ROOT


def run(browser, server, rss_mib):
    if not (ROOT / "pages" / "training.py").exists():
        return [{"section": "training page", "name": "all", "note": "no Training page yet"}]
    return []
