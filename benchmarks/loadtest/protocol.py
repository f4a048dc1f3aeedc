"""A simulated student: Streamlit's own websocket protocol, no browser.

The browser's part of the protocol, as far as the server can tell:

- it loads the page over HTTP (a proxy may set its affinity cookie then) and opens
  ``/_stcore/stream`` with the subprotocol ``streamlit`` (the second and third entries
  carry an XSRF token and, on a reconnect, the session id to resume);
- it sends a ``BackMsg.rerun_script`` (``ClientState``) for every interaction: the
  query string of its address bar, the values of the widgets on screen
  (``WidgetStates``), the page (by url path on the first visit, by script hash later),
  the fragment for a fragment run, and the hashes of the large messages it cached;
- the server answers with ``ForwardMsg``s: ``new_session`` starts a run, deltas draw,
  ``page_info_changed`` moves the query string, ``auto_rerun`` arms a fragment timer
  that the browser fires with ``is_auto_rerun`` (a full run's ``new_session`` clears
  them all), and ``script_finished`` ends a run.

``Student`` does exactly that and times each interaction from the send to the
``script_finished`` of its run.
"""

import asyncio
import contextlib
import re
import time
import urllib.parse

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED = ForwardMsg.ScriptFinishedStatus
_STEP = re.compile(r"step ([\d,]+) of")
_WIDGET_ID = re.compile(r"^\$\$ID-[0-9a-f]+-(.*)$")


class StudentError(RuntimeError):
    """The server sent a traceback, or an interaction never finished."""


async def http_get(base_url: str, path: str, cookies: dict) -> tuple[int, dict, bytes]:
    """A minimal HTTP/1.1 GET (what the browser does before the websocket); returns
    (status, lower-cased headers with a list of Set-Cookie values, body)."""
    url = urllib.parse.urlsplit(base_url)
    reader, writer = await asyncio.open_connection(url.hostname, url.port or 80)
    try:
        head = f"GET {path} HTTP/1.1\r\nHost: {url.netloc}\r\nConnection: close\r\n"
        if cookies:
            head += "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()) + "\r\n"
        writer.write((head + "\r\n").encode())
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    header_block, _, body = raw.partition(b"\r\n\r\n")
    lines = header_block.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers: dict = {"set-cookie": []}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip()
        if name == "set-cookie":
            headers["set-cookie"].append(value)
        else:
            headers[name] = value
    return status, headers, body


class Student:
    """One browser tab on the app, driven through the websocket.

    Parameters
    ----------
    base_url : str
        ``http://host:port`` of the app or of a proxy in front of replicas.
    path : str
        The deep link's page path, e.g. ``"probabilities"``.
    query : str
        The deep link's query string (without ``?``): the batch it carries.
    """

    def __init__(self, base_url: str, path: str = "", query: str = ""):
        self.base_url = base_url.rstrip("/")
        self.path = path
        self.query = query
        self.cookies: dict[str, str] = {}
        self.replica = ""  # what the proxy said served us (X-Replica), if it says
        self.session_id = ""
        self.ws = None
        self.page_hash = ""
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.widgets: dict[str, WidgetState] = {}  # id -> the value on screen
        self.ids: dict[str, str] = {}  # a widget's key or label -> its id, latest run
        self.elements: dict[tuple, tuple[str, object]] = {}  # delta path -> (type, proto)
        self._cache: dict[str, ForwardMsg] = {}  # cacheable messages, as the browser keeps
        self.exceptions: list[str] = []
        self.timers: dict[str, tuple[float, asyncio.Task]] = {}
        self.training_steps: list[tuple[float, int]] = []  # (time, step) of each new step
        self.full_runs: list[float] = []  # time of each full run's start (no fragment)
        self.bytes_in = 0  # protobuf payloads, after any websocket compression is undone
        self.wire_in = 0  # bytes off the socket after the handshake: frames as sent
        self.messages_in = 0
        self.trace: list | None = None  # set to [] to log (time, bytes, type, fragment?)
        self.closed = asyncio.Event()
        self._finished: asyncio.Future | None = None
        self._reader: asyncio.Task | None = None
        self._fragment_id_live = ""

    # -- connection ---------------------------------------------------------------------
    async def connect(self, resume: bool = False) -> None:
        """Load the page over HTTP (cookies), then open the websocket."""
        status, headers, _ = await http_get(self.base_url, f"/{self.path}", self.cookies)
        if status != 200:
            raise StudentError(f"GET /{self.path} answered {status}")
        for value in headers["set-cookie"]:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0].strip()
        ws_url = self.base_url.replace("http", "ws", 1) + "/_stcore/stream"
        protocols = (
            ["streamlit", "no-xsrf", self.session_id] if resume and self.session_id else None
        )
        extra = {}
        if self.cookies:
            extra["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.ws = await websockets.connect(
            ws_url,
            subprotocols=protocols or ["streamlit"],
            additional_headers=extra,
            max_size=None,
            compression="deflate",
            open_timeout=30,
            ping_interval=None,
        )
        self.replica = self.ws.response.headers.get("X-Replica", headers.get("x-replica", ""))
        received = self.ws.data_received  # count what arrives on the wire, frames as sent

        def data_received(data: bytes) -> None:
            self.wire_in += len(data)
            received(data)

        self.ws.data_received = data_received
        self.closed.clear()
        self._reader = asyncio.create_task(self._read())

    async def reconnect(self, timeout: float = 60) -> float:
        """What the browser does when its websocket drops: open a new one, asking to
        resume its session, and rerun the page it shows with its address bar's query
        string and its widgets. A replica that does not know the session starts a
        fresh one, which reads the batch from that query string."""
        await self.close()
        await self.connect(resume=True)
        return await self._rerun(page_hash=self.page_hash, timeout=timeout)

    async def close(self) -> None:
        self._cancel_timers()
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    # -- interactions -------------------------------------------------------------------
    async def open(self, timeout: float = 60) -> float:
        """The first visit: the deep link's page and query string."""
        return await self._rerun(page_name=self.path, timeout=timeout)

    async def set_widget(self, key: str, timeout: float = 60, **value) -> float:
        """Change the widget whose key (or label) is ``key``; e.g. ``double_value=3``."""
        wid = self.widget_id(key)
        state = WidgetState(id=wid, **value)
        self.widgets[wid] = state
        self._bind_to_url(wid, state)
        return await self._rerun(timeout=timeout)

    def _bind_to_url(self, wid: str, state: WidgetState) -> None:
        """A widget bound to the link (``bind="query-params"``) is written into the
        address bar by the browser itself, as the browser's own code does."""
        param = next(
            (
                getattr(p, "query_param_key", "")
                for _, p in self.elements.values()
                if getattr(p, "id", "") == wid
            ),
            "",
        )
        if not param:
            return
        kind = state.WhichOneof("value")
        raw = getattr(state, kind)
        text = raw.data[0] if kind.endswith("array_value") and raw.data else raw
        params = urllib.parse.parse_qsl(self.query, keep_blank_values=True)
        params = [(k, v) for k, v in params if k != param] + [(param, str(text))]
        self.query = urllib.parse.urlencode(params, safe=",|")

    async def click(self, label: str, timeout: float = 60) -> float:
        """Press a button: a trigger that is true for this one run."""
        trigger = WidgetState(id=self.widget_id(label), trigger_value=True)
        return await self._rerun(extra=[trigger], timeout=timeout)

    async def go_to(self, path: str, timeout: float = 60) -> float:
        """Follow the sidebar's link to another page (the sidebar's widgets carry over)."""
        keep = {wid: w for wid, w in self.widgets.items() if self._on_sidebar(wid) or "-tr_" in wid}
        self.widgets = keep
        return await self._rerun(page_hash=self.pages[path], timeout=timeout)

    def widget_id(self, key: str) -> str:
        if key.startswith("$$ID-"):
            return key
        if key in self.ids:
            return self.ids[key]
        matches = [wid for k, wid in self.ids.items() if k.startswith(key) or k.endswith(key)]
        if not matches:
            raise StudentError(f"no widget {key!r} on the page (have {sorted(self.ids)[:40]})")
        return matches[-1]

    def query_names(self) -> list[str]:
        """The class names the address bar holds now."""
        return urllib.parse.parse_qs(self.query).get("names", [""])[0].split("|")

    def chart_specs(self) -> list[str]:
        """The JSON each chart on the page was sent (a v1 or a v2 component's)."""
        specs = [c.json_args for c in self.element("component_instance")]
        for c in self.element("bidi_component"):
            specs.append(c.json or (c.mixed.json if c.HasField("mixed") else ""))
        return specs

    def element(self, kind: str) -> list:
        """The protos of this kind on the page, in delta-path order."""
        return [p for _, (t, p) in sorted(self.elements.items()) if t == kind]

    async def _rerun(
        self, *, page_name="", page_hash="", extra=(), fragment_id="", auto=False, timeout=60
    ) -> float:
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_name = page_name
        cs.page_script_hash = page_hash or ("" if page_name else self.page_hash)
        cs.widget_states.widgets.extend(list(self.widgets.values()) + list(extra))
        cs.cached_message_hashes.extend(self._cache)
        if fragment_id:
            cs.fragment_id = fragment_id
            cs.is_auto_rerun = auto
            await self.ws.send(msg.SerializeToString())
            return 0.0
        loop = asyncio.get_running_loop()
        self._finished = loop.create_future()
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        try:
            await asyncio.wait_for(asyncio.shield(self._finished), timeout)
        except TimeoutError as err:
            raise StudentError(f"no script_finished within {timeout} s") from err
        return time.perf_counter() - t0

    # -- what the server sends ----------------------------------------------------------
    async def _read(self) -> None:
        try:
            async for data in self.ws:
                self.bytes_in += len(data)
                self.messages_in += 1
                msg = ForwardMsg()
                msg.ParseFromString(data)
                if self.trace is not None:
                    fragment = ",".join(msg.metadata.run.fragment_ids)
                    self.trace.append(
                        (time.monotonic(), len(data), msg.WhichOneof("type"), fragment)
                    )
                self._handle(msg)
        except websockets.ConnectionClosed:
            pass
        finally:
            self._cancel_timers()
            self.closed.set()
            if self._finished is not None and not self._finished.done():
                self._finished.set_exception(StudentError("the connection closed mid-run"))
                self._finished.exception()  # a waiter still gets it; nobody else logs it

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":  # a large message the browser said it has cached
            cached = self._cache.get(msg.ref_hash)
            if cached is None:
                raise StudentError(f"the server referred to an unknown message {msg.ref_hash}")
            full = ForwardMsg()
            full.CopyFrom(cached)
            full.metadata.CopyFrom(msg.metadata)
            msg, kind = full, cached.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash:
            self._cache[msg.hash] = msg
        if kind == "new_session":
            self.session_id = msg.new_session.initialize.session_id or self.session_id
            if not msg.metadata.run.fragment_ids:  # a full run: the page is drawn anew
                self.full_runs.append(time.monotonic())
                self._cancel_timers()
                self.elements = {}
                self.ids = {}
        elif kind == "navigation":
            self.page_hash = msg.navigation.page_script_hash
            for page in msg.navigation.app_pages:
                self.pages[page.url_pathname] = page.page_script_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "delta":
            self._delta(msg)
        elif kind == "auto_rerun":
            self._arm(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fid in msg.stop_auto_rerun.fragment_ids:
                self._disarm(fid)
        elif kind == "script_finished":
            status = msg.script_finished
            full = (FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_WITH_COMPILE_ERROR)
            waiting = self._finished is not None and not self._finished.done()
            if status in full and waiting:
                self._finished.set_result(status)

    def _delta(self, msg: ForwardMsg) -> None:
        delta = msg.delta
        path = tuple(msg.metadata.delta_path)
        which = delta.WhichOneof("type")
        if which == "new_element":
            kind = delta.new_element.WhichOneof("type")
            proto = getattr(delta.new_element, kind)
            self.elements[path] = (kind, proto)
            if kind == "exception":
                self.exceptions.append(f"{proto.type}: {proto.message}"[:500])
            elif kind == "progress":
                self._progress(proto.text)
            wid = getattr(proto, "id", "") if kind != "exception" else ""
            if wid:
                self._name(wid, getattr(proto, "label", ""))
        elif which == "add_block":
            block = delta.add_block
            kind = block.WhichOneof("type") or "vertical"
            self.elements[path] = (kind, getattr(block, kind))
            if block.id:
                self._name(block.id, "")

    def _name(self, wid: str, label: str) -> None:
        """Index a widget by its key (``$$ID-<hash>-<key>``) and by its label."""
        found = _WIDGET_ID.match(wid)
        key = found.group(1) if found else "None"
        if key != "None":
            self.ids[key] = wid
            self.ids.setdefault(label, wid)
        elif label:
            self.ids[label] = wid

    def _progress(self, text: str) -> None:
        found = _STEP.search(text)
        if not found:
            return
        step = int(found.group(1).replace(",", ""))
        if not self.training_steps or step != self.training_steps[-1][1]:
            self.training_steps.append((time.monotonic(), step))

    def _on_sidebar(self, wid: str) -> bool:
        return any(
            p[:1] == (1,) and getattr(e, "id", "") == wid for p, (_, e) in self.elements.items()
        )

    # -- fragment timers (the browser's setInterval per fragment) -----------------------
    def _arm(self, fragment_id: str, interval: float) -> None:
        if not fragment_id or interval <= 0:
            return
        current = self.timers.get(fragment_id)
        if current and current[0] == interval:
            return  # re-registering the same interval does not restart the countdown
        self._disarm(fragment_id)
        self.timers[fragment_id] = (
            interval,
            asyncio.create_task(self._tick(fragment_id, interval)),
        )

    async def _tick(self, fragment_id: str, interval: float) -> None:
        with contextlib.suppress(websockets.ConnectionClosed, asyncio.CancelledError):
            while True:
                await asyncio.sleep(interval)
                await self._rerun(fragment_id=fragment_id, auto=True)

    def _disarm(self, fragment_id: str) -> None:
        entry = self.timers.pop(fragment_id, None)
        if entry:
            entry[1].cancel()

    def _cancel_timers(self) -> None:
        for fid in list(self.timers):
            self._disarm(fid)
