"""AdaptLab: the router. Page config, the shared sidebar, and navigation over pages/.

Pages join the navigation as soon as their file exists (ui/navigation.py lists them in
learning order, with their URLs). Every page runs inside `user_errors()`, so a bad value a
learner typed ends as a message, never a traceback.
"""

from pathlib import Path

import streamlit as st

from ui.config_checks import refuse_bad_config
from ui.frame import sidebar, user_errors
from ui.live_question import live_panel
from ui.navigation import available_pages
from ui.script_slots import script_slot
from ui.warmup import warm_up_engine

# A bundled image, served by this server: a ":material/...:" page icon makes every browser fetch
# its favicon from fonts.gstatic.com, and AdaptLab runs offline.
ICON = str(Path(__file__).resolve().parent / "assets" / "images" / "icon.png")
st.set_page_config(page_title="AdaptLab", page_icon=ICON, layout="wide")

pages = [
    st.Page(p.file, title=p.title, icon=p.icon, url_path=p.url_path or None,
            default=p.url_path == "", help=p.help)
    for p in available_pages()
]
current = st.navigation(pages)
refuse_bad_config()  # e.g. a guessable instructor passcode: no page runs until it is fixed
try:
    with script_slot(), user_errors():  # a class acting at once takes turns (ui/script_slots.py)
        sidebar()
        live_panel()  # a learner in a class session: the instructor's live question, on every page
        current.run()
finally:  # also after st.stop(): the page is drawn, now load the engine in the background
    warm_up_engine()
