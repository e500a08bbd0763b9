"""A browser tab without the browser: Streamlit's WebSocket protocol, spoken from Python.

One `AppSession` is one tab. It connects to ws://host/_stcore/stream, asks for a page with a
`BackMsg.rerun_script` (query string, page name, widget states) and keeps what the server sends
back (`ForwardMsg`): the newest element at each delta path, whether a script is running, and the
fragments' `run_every` timers, which it honours the way the frontend does (the frontend, not the
server, sends those reruns). The protocol is the installed streamlit's own protobufs, so this
follows the server's version; it was written against Streamlit 1.67.

    async with AppSession("http://127.0.0.1:8501") as tab:
        await tab.open("train", "method=lora&steps=20")
        await tab.click(tab.button_id(key="train.start"))
        await tab.wait_for_text("Finished 20 steps.", timeout=120)

Differences from a browser (why this is lighter, and what it does not do): it sends only the
widget values it was told to set (the frontend sends every widget's value on each rerun; the
server keeps missing ones at their last value), never advertises cached messages (so the server
sends every element in full), renders nothing and loads no static files. A button press is a
widget state with `trigger_value=True`, sent once, as the frontend does.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect

MAX_MESSAGE_BYTES = 64 * 2**20  # a plotly figure or a dataframe can pass websockets' 1 MiB default
_FULL_RUN_ENDS = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)
TEXT_FIELDS = ("body", "label", "text", "message")  # where an element keeps its visible text


def element_text(element: Element) -> str:
    """The visible text of an element (markdown/alert body, widget label, progress text, ...)."""
    kind = element.WhichOneof("type")
    if kind is None:
        return ""
    inner = getattr(element, kind)
    for name in TEXT_FIELDS:
        if name in inner.DESCRIPTOR.fields_by_name:
            value = getattr(inner, name)
            if isinstance(value, str) and value:
                return value
    return ""


class AppSession:
    """One tab of a running Streamlit app; use it inside one asyncio event loop.

    Attributes kept up to date by the reader task:
    elements       delta path -> newest Element there (stale ones from earlier runs may remain)
    script_running whether the server says a script (or fragment) run is in progress
    runs_finished  script_finished messages seen (full and fragment runs); full_runs_finished
                   counts the whole-page runs that ended (not fragments, not cut short by a rerun)
    received       ForwardMsgs seen, and bytes in `received_bytes`
    """

    def __init__(self, base_url: str, *, timezone: str = "UTC") -> None:
        parts = urlsplit(base_url)
        self.ws_url = f"ws://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
        self.timezone = timezone
        self.elements: dict[tuple[int, ...], Element] = {}
        self.script_running = False
        self.runs_finished = self.full_runs_finished = 0
        self.received = self.received_bytes = 0
        self.session_id = ""
        self.page_script_hash = ""
        self.query = ""
        self.widgets: dict[str, WidgetState] = {}  # values this client set; sent on every rerun
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task | None = None
        self._timers: dict[str, tuple[float, asyncio.Task]] = {}  # fragment id -> run_every
        self._changed: asyncio.Condition | None = None
        self._closed_error: BaseException | None = None

    # ------------------------------------------------------------ connection

    async def connect(self) -> AppSession:
        """Open the WebSocket (subprotocol "streamlit", as the frontend) and start reading."""
        self._changed = asyncio.Condition()
        self._ws = await connect(self.ws_url, subprotocols=["streamlit"], proxy=None,
                                 max_size=MAX_MESSAGE_BYTES, open_timeout=60)
        self._reader = asyncio.create_task(self._read(), name=f"read {self.ws_url}")
        return self

    async def close(self) -> None:
        for _, task in self._timers.values():
            task.cancel()
        self._timers.clear()
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader

    async def __aenter__(self) -> AppSession:
        return await self.connect()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ------------------------------------------------------------ what the user does

    async def open(self, page: str = "", query: str = "", timeout: float = 120) -> None:
        """Load a page by its URL path ("train" for /train) with a query string; wait for the run."""
        self.query = query.lstrip("?")
        self.page_script_hash = ""
        done = self.full_runs_finished
        await self.rerun(page_name=page)
        await self.wait_for(lambda: self.full_runs_finished > done, timeout)

    async def rerun(self, triggers: Iterable[str] = (), *, fragment_id: str = "",
                    auto: bool = False, page_name: str = "") -> None:
        """Send a rerun_script request with this tab's widget values plus one-shot triggers."""
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = self.query
        rerun.page_script_hash = self.page_script_hash
        rerun.page_name = page_name
        rerun.fragment_id = fragment_id
        rerun.is_auto_rerun = auto
        rerun.context_info.timezone = self.timezone
        rerun.context_info.locale = "en-US"
        states = rerun.widget_states.widgets
        for state in self.widgets.values():
            states.add().CopyFrom(state)
        for widget_id in triggers:
            states.add(id=widget_id, trigger_value=True)
        if not auto:
            self.script_running = True  # until the server says otherwise
        await self._send(msg)

    async def click(self, button_id: str) -> float:
        """Press a button (a trigger, sent once); returns the time.monotonic() it was sent."""
        sent = time.monotonic()
        await self.rerun([button_id])
        return sent

    def set_widget(self, widget_id: str, **value: Any) -> None:
        """Remember a widget value for the following reruns, e.g. set_widget(id, int_value=20)."""
        self.widgets[widget_id] = WidgetState(id=widget_id, **value)

    # ------------------------------------------------------------ what the page shows

    def find(self, kind: str | None = None,
             where: Callable[[Element], bool] = lambda e: True) -> list[Element]:
        """Elements of one type ("button", "alert", "progress", ...) that match `where`."""
        out = []
        for element in list(self.elements.values()):
            if (kind is None or element.WhichOneof("type") == kind) and where(element):
                out.append(element)
        return out

    def texts(self) -> list[str]:
        return [t for t in (element_text(e) for e in list(self.elements.values())) if t]

    def button_id(self, label: str | None = None, key: str | None = None) -> str:
        """The widget id of a button, by its label or by the key it was given in the script."""
        for element in self.find("button"):
            button = element.button
            if (label is None or button.label == label) and (key is None or button.id.endswith(key)):
                return button.id
        raise LookupError(f"no button with label={label!r} key={key!r} on the page")

    # ------------------------------------------------------------ waiting

    async def wait_for(self, predicate: Callable[[], bool], timeout: float) -> None:
        """Wait until predicate() holds after some message; TimeoutError otherwise."""
        assert self._changed is not None, "connect() first"
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(self._check(predicate)), timeout)

    async def wait_idle(self, timeout: float = 120) -> None:
        """Wait until no script run is in progress."""
        await self.wait_for(lambda: not self.script_running, timeout)

    async def wait_for_text(self, text: str, timeout: float, kind: str | None = None) -> Element:
        """Wait until an element (of `kind`, if given) shows text containing `text`."""
        found: list[Element] = []

        def seen() -> bool:
            found[:] = [e for e in self.find(kind) if text in element_text(e)]
            return bool(found)
        await self.wait_for(seen, timeout)
        return found[0]

    def _check(self, predicate: Callable[[], bool]) -> Callable[[], bool]:
        def check() -> bool:
            if self._closed_error is not None:
                raise ConnectionError(f"the server closed the session: {self._closed_error!r}")
            return predicate()
        return check

    # ------------------------------------------------------------ the reader task

    async def _send(self, msg: BackMsg) -> None:
        assert self._ws is not None, "connect() first"
        await self._ws.send(msg.SerializeToString())

    async def _read(self) -> None:
        assert self._ws is not None and self._changed is not None
        try:
            async for data in self._ws:
                msg = ForwardMsg.FromString(data)
                self.received += 1
                self.received_bytes += len(data)
                self._handle(msg)
                async with self._changed:
                    self._changed.notify_all()
        except Exception as exc:  # the connection ended: wake every waiter with the reason
            self._closed_error = exc
        else:
            self._closed_error = ConnectionError("closed")
        async with self._changed:
            self._changed.notify_all()

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.page_script_hash = msg.new_session.page_script_hash
            self.session_id = msg.new_session.initialize.session_id or self.session_id
            if not msg.metadata.run.fragment_ids:  # a full run: the frontend drops its timers
                self._stop_timers(list(self._timers))
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self.elements[tuple(msg.metadata.delta_path)] = msg.delta.new_element
        elif kind == "navigation" and msg.navigation.page_script_hash:
            self.page_script_hash = msg.navigation.page_script_hash  # st.navigation's page
        elif kind == "session_status_changed":
            self.script_running = msg.session_status_changed.script_is_running
        elif kind == "script_finished":
            self.runs_finished += 1
            if msg.script_finished in _FULL_RUN_ENDS:
                self.full_runs_finished += 1
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "auto_rerun":
            self._start_timer(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            self._stop_timers(msg.stop_auto_rerun.fragment_ids)

    def _start_timer(self, fragment_id: str, interval: float) -> None:
        old = self._timers.get(fragment_id)
        if old is not None and old[0] == interval:
            return
        self._stop_timers([fragment_id])
        task = asyncio.create_task(self._tick(fragment_id, interval))
        self._timers[fragment_id] = (interval, task)

    def _stop_timers(self, fragment_ids: Iterable[str]) -> None:
        for fragment_id in fragment_ids:
            entry = self._timers.pop(fragment_id, None)
            if entry is not None:
                entry[1].cancel()

    async def _tick(self, fragment_id: str, interval: float) -> None:
        """Like the frontend's setInterval: a fragment rerun every `interval`, running or not."""
        with contextlib.suppress(Exception):  # the socket closed: the tab is gone
            while True:
                await asyncio.sleep(interval)
                await self.rerun(fragment_id=fragment_id, auto=True)
