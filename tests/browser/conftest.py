"""Fixtures for the browser tests. With CI=true, a missing Chromium fails; it never skips."""

import os

import pytest

from tests.browser.harness import CHROMIUM_ARGS, Server, chromium_path


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        message = "Debian's chromium is not on PATH (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI=true, so the browser tests fail rather than skip")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server():
    """One server shared by a test module (not fresh: see ``fresh_server``)."""
    s = Server()
    yield s
    s.stop()


@pytest.fixture
def fresh_server():
    """Start a brand-new server per call; all are stopped after the test."""
    started = []

    def start():
        started.append(Server())
        return started[-1]

    yield start
    for s in started:
        s.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    p = context.new_page()
    p.set_default_timeout(30_000)
    yield p
    context.close()
