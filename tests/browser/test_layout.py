"""Projector, phone and offline in Chromium: the first screen at 1280x720, the layout at
390x844, large display, the sidebar caption after an edit, and no request off the host."""

import re
from urllib.parse import urlsplit

import pytest

from softmax_lab.ui.frame import PAGES, ROOT
from tests.browser.harness import CHART, SHOTS, charts, exceptions, open_page, screenshot, settle

EXISTING = [path for script, _, path, _ in PAGES if (ROOT / script).exists()]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}


def _in_viewport(box, viewport):
    return (
        box is not None
        and box["y"] >= 0
        and box["x"] >= 0
        and box["y"] + box["height"] <= viewport["height"]
        and box["x"] + box["width"] <= viewport["width"]
    )


def test_no_request_leaves_the_host(browser, server):
    """Every page, a lesson step and the large display: each request goes to loopback."""
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    page.set_default_timeout(30_000)
    seen = []
    page.on("request", lambda r: seen.append(r.url))
    context.on("request", lambda r: seen.append(r.url))
    for path in EXISTING:
        open_page(page, f"{server.url}/{path}")
        assert exceptions(page) == [], path
    open_page(page, f"{server.url}/jacobian?lesson=softmax-story&step=3&large=1")
    page.get_by_label("Your guess").fill("0.2")
    page.get_by_role("button", name="Commit my guess and reveal").click()
    settle(page)
    page.locator(CHART).first.wait_for()
    settle(page)
    page.wait_for_timeout(1000)  # late fetches (fonts, favicon) get a chance to start
    hosts = {
        urlsplit(u).hostname for u in seen if urlsplit(u).scheme in ("http", "https", "ws", "wss")
    }
    assert hosts and hosts <= LOOPBACK, sorted(hosts - LOOPBACK)
    assert len(seen) > 10  # the recorder did record
    icon = page.evaluate("() => [...document.querySelectorAll('link[rel~=icon]')].map(l => l.href)")
    assert icon and all(h.startswith("data:") or urlsplit(h).hostname in LOOPBACK for h in icon)
    context.close()


@pytest.mark.parametrize("large", [False, True], ids=["default", "large"])
def test_probabilities_first_screen_holds_the_temperature_and_the_chart(browser, server, large):
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    open_page(page, f"{server.url}/probabilities" + ("?large=1" if large else ""))
    page.locator(CHART).first.wait_for()
    settle(page)
    slider = page.locator("[data-testid='stSidebar'] [data-testid='stSlider']").first
    chart = page.locator(CHART).first
    quick = page.get_by_role("button", name="T = 10")
    for name, box in (("slider", slider), ("chart", chart), ("quick T", quick)):
        assert _in_viewport(box.bounding_box(), PROJECTOR), (name, box.bounding_box())
    quick.click()
    page.locator("[data-testid='stSidebar']").get_by_text(re.compile(r"T = 10$")).wait_for()
    settle(page)
    assert _in_viewport(chart.bounding_box(), PROJECTOR)
    if large:
        sizes = page.evaluate(
            f"""() => [...document.querySelectorAll({CHART!r} + ' svg text')]
                .filter(t => t.textContent.trim())
                .map(t => parseFloat(getComputedStyle(t).fontSize))"""
        )
        assert sizes and min(sizes) >= 18, sorted(sizes)[:5]
    SHOTS.mkdir(parents=True, exist_ok=True)  # the first screen only, as the room sees it
    page.screenshot(
        path=str(SHOTS / f"probabilities-1280x720-{'large' if large else 'default'}.png")
    )
    context.close()


def test_the_sidebar_caption_changes_with_an_added_class(browser, server):
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    open_page(page, f"{server.url}/probabilities")
    sidebar = page.locator("[data-testid='stSidebar']")
    assert sidebar.get_by_text("N = 2 rows × C = 3 classes").count() == 1
    page.get_by_role("button", name="Add a class").click()
    sidebar.get_by_text("C = 4 classes").wait_for()
    settle(page)
    caption = sidebar.get_by_text(re.compile(r"^Batch: ")).inner_text()
    assert caption.startswith("Batch: custom · N = 2 rows × C = 4 classes")
    assert sidebar.get_by_role("combobox").first.inner_text().strip() in ("Custom batch", "")
    assert "names=c0%7Cc1%7Cc2%7Cc3" in page.url  # the new class, named c3, in the link
    assert exceptions(page) == []
    context.close()


@pytest.mark.parametrize(
    "path", ["", "lesson", "probabilities", "jacobian", "gradients", "saturation", "training"]
)
def test_a_phone_gets_stacked_panels_scrolling_formulas_and_no_overlap(browser, server, path):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    open_page(page, f"{server.url}/{path}")
    assert exceptions(page) == []
    screenshot(page, f"phone-{path or 'home'}")
    # nothing makes the page wider than the phone: wide formulas and tables scroll
    # inside their own box
    width = page.evaluate("() => document.querySelector(\"[data-testid='stMain']\").scrollWidth")
    assert width <= PHONE["width"] + 1, width
    for formula in page.locator(".katex-display").all():
        box = formula.bounding_box()
        assert box is None or box["x"] + box["width"] <= PHONE["width"] + 1
    # metrics wrap: none overlaps another or runs past the screen's edge
    metrics = [m.bounding_box() for m in page.locator("[data-testid='stMetric']").all()]
    metrics = [b for b in metrics if b]
    for i, a in enumerate(metrics):
        assert a["x"] >= 0 and a["x"] + a["width"] <= PHONE["width"] + 1, a
        for b in metrics[i + 1 :]:
            apart_x = a["x"] + a["width"] <= b["x"] + 1 or b["x"] + b["width"] <= a["x"] + 1
            apart_y = a["y"] + a["height"] <= b["y"] + 1 or b["y"] + b["height"] <= a["y"] + 1
            assert apart_x or apart_y, (a, b)
    # a control past the screen's right edge sits in a strip that scrolls sideways
    # (Streamlit's pills do); none is cut off for good
    cut_off = page.evaluate(
        """(width) => [...document.querySelectorAll("[data-testid='stMain'] button")]
            .filter(b => b.getBoundingClientRect().right > width + 1)
            .filter(b => { for (let e = b.parentElement; e; e = e.parentElement) {
                if (["auto", "scroll"].includes(getComputedStyle(e).overflowX)
                    && e.scrollWidth > e.clientWidth) return false; }
                return true; })
            .map(b => b.innerText)""",
        PHONE["width"],
    )
    assert cut_off == [], cut_off
    # chart titles do not overlap each other or the plot's legend
    texts = page.evaluate(
        f"""() => [...document.querySelectorAll({CHART!r})].flatMap(c =>
            [...c.querySelectorAll('.gtitle, .annotation-text, .legendtext')].map(t => {{
                const r = t.getBoundingClientRect();
                return {{chart: [...document.querySelectorAll({CHART!r})].indexOf(c),
                         text: t.textContent, x: r.x, y: r.y, w: r.width, h: r.height}};
            }}))"""
    )
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            if a["chart"] != b["chart"] or not a["w"] or not b["w"]:
                continue
            apart = (
                a["x"] + a["w"] <= b["x"] + 1
                or b["x"] + b["w"] <= a["x"] + 1
                or a["y"] + a["h"] <= b["y"] + 1
                or b["y"] + b["h"] <= a["y"] + 1
            )
            assert apart, (path, a["text"], b["text"])
    total, drawn = charts(page)
    assert drawn == total
    context.close()
