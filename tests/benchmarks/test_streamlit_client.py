"""The protocol client without a server: what a rerun request carries, and how the tab follows
the server's messages (elements by delta path, run_every timers like the frontend's)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.streamlit_client import AppSession, element_text


def run_async(coroutine):
    """asyncio.run in a thread of its own: pytest-playwright may keep an event loop running in
    this thread (after the browser tests), where asyncio.run refuses to start."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class FakeSocket:
    def __init__(self) -> None:
        self.sent: list[BackMsg] = []

    async def send(self, data: bytes) -> None:
        self.sent.append(BackMsg.FromString(data))


def tab_with_fake_socket() -> tuple[AppSession, FakeSocket]:
    tab, socket = AppSession("http://127.0.0.1:8501/"), FakeSocket()
    tab._ws = socket
    return tab, socket


def test_the_stream_url_comes_from_the_app_url() -> None:
    assert AppSession("http://127.0.0.1:8501/").ws_url == "ws://127.0.0.1:8501/_stcore/stream"
    assert AppSession("http://h:1/base/").ws_url == "ws://h:1/base/_stcore/stream"


def test_a_click_is_a_one_shot_trigger_next_to_the_remembered_widget_values() -> None:
    tab, socket = tab_with_fake_socket()
    tab.query, tab.page_script_hash = "method=lora&steps=3", "abc123"
    tab.set_widget("$$ID-1-train.steps", int_value=3)
    run_async(tab.click("$$ID-2-train.start"))
    run_async(tab.rerun())
    first, second = (m.rerun_script for m in socket.sent)
    assert (first.query_string, first.page_script_hash) == ("method=lora&steps=3", "abc123")
    states = {w.id: w for w in first.widget_states.widgets}
    assert states["$$ID-1-train.steps"].int_value == 3
    assert states["$$ID-2-train.start"].trigger_value is True
    assert [w.id for w in second.widget_states.widgets] == ["$$ID-1-train.steps"]  # sent once


def test_the_tab_keeps_elements_and_runs_fragment_timers_like_the_frontend() -> None:
    async def scenario() -> tuple[list[str], dict, BackMsg]:
        tab, socket = tab_with_fake_socket()
        alert = ForwardMsg()
        alert.metadata.delta_path[:] = [0, 2, 1]
        alert.delta.new_element.alert.body = "Finished 3 steps."
        timer = ForwardMsg()
        timer.auto_rerun.interval, timer.auto_rerun.fragment_id = 0.05, "frag"
        for msg in (alert, timer):
            tab._handle(msg)
        await asyncio.sleep(0.12)  # two ticks
        ticking = dict(tab._timers)
        full_run = ForwardMsg()
        full_run.new_session.page_script_hash = "abc"  # no fragment ids: a whole-page run
        tab._handle(full_run)
        return tab.texts(), ticking, socket.sent[0], tab._timers

    texts, ticking, sent, after = run_async(scenario())
    assert texts == ["Finished 3 steps."] and "frag" in ticking and after == {}
    assert sent.rerun_script.fragment_id == "frag" and sent.rerun_script.is_auto_rerun


def test_element_text_reads_the_visible_field_of_any_element() -> None:
    msg = ForwardMsg()
    msg.delta.new_element.progress.text = "Running: training · step 2 of 3"
    assert element_text(msg.delta.new_element) == "Running: training · step 2 of 3"
    msg.delta.new_element.button.label = "Train"
    assert element_text(msg.delta.new_element) == "Train"
