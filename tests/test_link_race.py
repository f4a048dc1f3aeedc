"""A click that left the browser before the last address written reached it carries the
address before; on the Training page, read as a new link, it would rewind the run to
that older step. Driven by a simulated student (Streamlit's own protocol)."""

import asyncio
import re
import time

from softmax_lab.ui.training_controls import PUBLISH_SECONDS
from tests.simulated_students import against_a_fresh_server, start_training


def _at(query: str) -> int:
    return int(re.search(r"tr_at=(\d+)", query).group(1))


async def _scenario(url: str):
    s = await start_training(url, 0)
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
    against_a_fresh_server(_scenario, timeout=90)
