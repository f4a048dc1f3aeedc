"""A click that left the browser before the last address written reached it carries the
address before; on the Training page, read as a new link, it would rewind the run to
that older step. Driven by a simulated student (Streamlit's own protocol)."""

import asyncio
import re
import time

from benchmarks.loadtest.protocol import Student
from benchmarks.loadtest.servers import AppProcess
from benchmarks.loadtest.students import TRAIN_STEPS, deep_link
from softmax_lab.ui.training_controls import PUBLISH_SECONDS
from tests.test_scale_out import _run_in_own_loop


def _at(query: str) -> int:
    return int(re.search(r"tr_at=(\d+)", query).group(1))


async def _scenario(url: str):
    s = Student(url, "probabilities", deep_link(0))
    await s.connect()
    await s.open()
    await s.go_to("training")
    await s.set_widget("tr_max_steps", double_value=TRAIN_STEPS)
    await s.click("Start")
    before = s.query
    assert _at(before) == 0
    deadline = time.monotonic() + PUBLISH_SECONDS + 10
    while s.query == before and time.monotonic() < deadline:  # the run writes its step
        await asyncio.sleep(0.05)
    published = _at(s.query)
    assert published > 0
    s.query = before  # Pause, sent before the browser had the new address
    await s.click("Pause")
    paused = s.training_steps[-1][1]
    assert paused >= published, "the click rewound the run to the older link's step"
    assert _at(s.query) == paused  # and the address bar is put right
    assert s.exceptions == []
    await s.close()


def test_a_click_with_the_address_before_the_last_write_does_not_rewind_the_run():
    app = AppProcess()
    try:
        _run_in_own_loop(lambda: asyncio.wait_for(_scenario(app.url), 90))
        assert "Traceback" not in app.output()
    finally:
        app.stop()
