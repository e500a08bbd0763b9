"""The server: `streamlit run serve.py` serves app.py, with the page libraries imported first.

Streamlit runs nothing of an app until its first visitor connects, so the first visit to each
kind of page used to wait for pandas, plotly and SQLAlchemy to import inside its script run
(about 0.5-1 s on the 2-core classroom machine; issue 14: every first visit within 1.5 s).
Here they, and the pages' own modules (ui), are imported while the server starts, before it
answers: st.App's lifespan runs before the server listens. The engine (torch, transformers,
peft: seconds) still loads in the background after the first page is drawn (ui/warmup.py), so
the server is up about a second later than a bare `streamlit run app.py`, which still works,
without this head start.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st

from ui.routing import never_legacy_multipage_mode
from ui.warmup import import_page_code

ROUTER = Path(__file__).resolve().parent / "app.py"


@asynccontextmanager
async def import_before_serving(_app: st.App) -> AsyncIterator[None]:
    # Importing `ui` here runs its link check outside any page (ui/routing.py): so the legacy
    # multipage mode, in which a cold link skips app.py, is turned off before anyone connects.
    never_legacy_multipage_mode()
    import_page_code()
    yield


app = st.App(str(ROUTER), lifespan=import_before_serving)
