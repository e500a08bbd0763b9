"""Charts on a page: st.plotly_chart with the app's settings, projector mode's larger type and a
phone's wrapped legends.

Pages call `plotly_chart(fig, key=..., alt=...)` instead of st.plotly_chart, so a chart follows
the sidebar's projector toggle (adaptlab.viz.for_projector) like the rest of the page does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import streamlit as st

from ui.state import learner

if TYPE_CHECKING:
    import plotly.graph_objects as go


# Every phone browser names itself "Mobi..." in its User-Agent; tablets, wide enough for the
# laptop charts, do not (MDN, "Browser detection using the user agent"). Streamlit does not tell
# the script the window's width, and a wrong guess only costs a differently laid out chart.
PHONE_AGENT = "Mobi"


def chart_screen() -> str:
    """"projector", "phone" or "laptop": how this session's charts are laid out. Projector mode,
    the learner's own choice, comes before the guess from the User-Agent."""
    if learner().projector:
        return "projector"
    return "phone" if PHONE_AGENT in (st.context.headers or {}).get("User-Agent", "") else "laptop"


def plotly_chart(fig: go.Figure, *, key: str, alt: str, **kwargs: Any) -> None:
    screen = chart_screen()
    if screen == "projector":
        from adaptlab.viz import for_projector

        fig = for_projector(fig)
    elif screen == "phone":
        from adaptlab.viz import for_phone

        fig = for_phone(fig)
    # No Plotly toolbar: on a touch screen it is always shown, and it covered the legend that
    # tells the training curve from the held-out one. Drag to zoom and a double click to reset
    # still work, and Streamlit's own toolbar keeps full screen.
    kwargs.setdefault("config", {"displaylogo": False, "displayModeBar": False})
    st.plotly_chart(fig, key=key, alt=alt, **kwargs)
