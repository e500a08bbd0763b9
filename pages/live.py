"""Live class: the projector view of a class session (behind the instructor passcode).

Open a session; show its join code, link and QR code; see who joined; push questions from the
bank and watch the room's answers arrive as a chart without names; reveal the key; assign methods
and watch the class lab board fill with finished runs, and the room's before/after gains.
Everything comes from the database (adaptlab.live), so any replica, or a restarted server, shows
the same session. The sections live in ui/live_host.py and ui/live_board.py.
"""

import streamlit as st

from ui import live_host
from ui.instructor_auth import passcode_gate

st.title("Live class")
if not passcode_gate():
    st.stop()

# After the gate: the passcode form draws without pandas and SQLAlchemy (0.5 s on a fresh server).
from ui.store_access import open_store, show_store_error  # noqa: E402

store = open_store(detail=True)
if store is None:
    st.stop()

from adaptlab.live import open_session_of_instructor  # noqa: E402
from adaptlab.store import StoreError  # noqa: E402

try:
    session = open_session_of_instructor(store)
except StoreError as exc:
    show_store_error(exc, detail=True)
    st.stop()
if session is None:
    live_host.open_form(store)
    st.stop()

live_host.join_details(session)
live_host.joined_panel(session.id)
st.subheader("Live question")
live_host.push_controls(session.id)
live_host.answers_panel(session.id)

from ui.live_board import board_section  # noqa: E402  (after the gate: pandas, plotly)

with st.container(key="live.board"):  # the class lab board and the room's before/after gains
    board_section(store, session.id)
