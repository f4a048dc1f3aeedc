"""Two replicas of the app behind a real nginx with cookie affinity, driven by the
load generator's simulated students (benchmarks/loadtest), no browser.

It checks what a deployment of several replicas must do: every student keeps their
session on their replica (a reconnect resumes the same session there), both replicas
take students, and when one replica dies its students reconnect to the other and get
a fresh session there without a traceback, their batch read back from the link.

Debian's nginx is needed (``apt-get install nginx``; ``.ci/run`` installs it). Without
it the test skips locally and fails when ``CI=true``.
"""

import asyncio
import json
import os
import urllib.parse

import pytest
from streamlit.proto.Common_pb2 import StringArray

from benchmarks.loadtest.protocol import Student
from benchmarks.loadtest.servers import AppProcess, Nginx, nginx_path
from benchmarks.loadtest.students import deep_link, level
from softmax_lab.workspace import TEMPERATURES
from tests.simulated_students import run_in_own_loop

SECRET = "shared-by-every-replica-in-this-test"


@pytest.fixture(scope="module")
def cluster():
    if nginx_path() is None:
        message = "Debian's nginx is not installed (apt-get install nginx)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI=true, so this test fails rather than skips")
        pytest.skip(message)
    env = {"STREAMLIT_SERVER_COOKIE_SECRET": SECRET}
    apps = [AppProcess(env=env), AppProcess(env=env)]
    proxy = None
    try:
        proxy = Nginx([f"127.0.0.1:{a.port}" for a in apps])
        yield apps, proxy
    finally:
        if proxy:
            proxy.stop()
        for a in apps:
            a.stop()


def _params(query: str) -> dict:
    return {k: v[0] for k, v in urllib.parse.parse_qs(query).items()}


def _shows_own_batch(s: Student, i: int) -> bool:
    """The Probabilities chart this student was sent names their own classes."""
    charts = s.chart_specs()
    return bool(charts) and all(f"s{i}a" in c and f"s{i}b" in c for c in charts)


async def _arrive(base_url: str, i: int) -> Student:
    """Student ``i`` opens their deep link, changes the temperature and a logit."""
    s = Student(base_url, "probabilities", deep_link(i))
    await s.connect()
    await s.open()
    await s.set_widget("T", string_array_value=StringArray(data=["2"]))
    edit = {"edited_rows": {"0": {f"s{i}a": 10 + i}}, "added_rows": [], "deleted_rows": []}
    await s.set_widget("logits_editor_", string_value=json.dumps(edit))
    return s


async def _scenario(apps, proxy):
    addresses = [f"127.0.0.1:{a.port}" for a in apps]
    students: list[Student] = []
    # Students arrive until both replicas hold at least two (a cookie hashes to a
    # replica at random, so a handful usually suffices; 30 makes a miss impossible).
    while len(students) < 30:
        students.append(await _arrive(proxy.url, len(students)))
        held = [sum(s.replica == a for s in students) for a in addresses]
        if min(held) >= 2:
            break
    assert {s.replica for s in students} == set(addresses), "both replicas take students"

    before = {}
    for i, s in enumerate(students):
        params = _params(s.query)
        assert params["z"].split(",")[0] == str(10 + i) and params["T"] == "2"
        assert _shows_own_batch(s, i)
        before[i] = (s.replica, s.session_id, params)

    # A dropped connection comes back to the same replica and the same session.
    for i, s in enumerate(students):
        await s.reconnect()
        replica, session, params = before[i]
        assert (s.replica, s.session_id) == (replica, session), f"student {i} moved"
        assert _params(s.query) == params
        assert s.exceptions == []

    # The load generator through the proxy: a few students editing and one training.
    row = await level(
        proxy.url, 4, train_fraction=0.25, think=0.3, duration=4, ramp=1, sample=lambda: None
    )
    assert row["n_errors"] == 0, row["errors"]
    assert row["n_exceptions"] == 0, row["exceptions"]
    assert row["interactions"] > 0
    assert row["trainers_running"] == 1 and row["updates_per_s_min"] > 0

    # One replica dies. Its students reconnect and land on the other one, in a fresh
    # session that reads their batch from the link; the others keep their sessions.
    dead, alive = apps[0], apps[1]
    dead.kill()
    for i, s in enumerate(students):
        replica, session, params = before[i]
        if replica == addresses[0]:
            await asyncio.wait_for(s.closed.wait(), 20)
        await s.reconnect()
        assert s.replica == addresses[1], f"student {i} is served by {s.replica}"
        assert s.exceptions == [], f"student {i} got a traceback: {s.exceptions}"
        if replica == addresses[0]:
            assert s.session_id != session, "a fresh session on the surviving replica"
        else:
            assert s.session_id == session
        assert _params(s.query) == params, f"student {i}'s batch was not restored"
        assert _shows_own_batch(s, i)
        # ... and the fresh session works on: one more interaction.
        cooler = f"{TEMPERATURES[50]:g}"  # one of the slider's options
        await s.set_widget("T", string_array_value=StringArray(data=[cooler]))
        assert _params(s.query)["T"] == cooler and s.exceptions == []
        await s.close()
    assert "Traceback" not in alive.output()


def test_two_replicas_keep_students_and_fail_over(cluster):
    apps, proxy = cluster
    run_in_own_loop(lambda: asyncio.wait_for(_scenario(apps, proxy), 120))
