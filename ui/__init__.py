"""The only Streamlit-aware helpers. Pages call these; the engine (adaptlab/) never imports st.

How a page is built (pages/parameters.py is the worked example):

- `ui.state`: typed session objects (`learner()`, `link_prefill()`) and `widget_key(page, name)`
  for every widget key, so keys carry the page prefix.
- `ui.query.prefill_widgets(page, default_method)`: first thing on a page that reads a link;
  validates query parameters, warns about bad ones, fills widgets once per link.
- `ui.settings_form.settings_widgets(spec, page)`: a method's settings as widgets (from its
  config dataclass); `validated_config(spec, values)` shows a bad value under the form.
- `ui.resources`: cached engine results (`parameter_report`, `census_frame`); never models in
  `cache_data`.
- `ui.frame.user_errors()`: wraps a block so a UserInputError becomes an st.error in place
  (app.py wraps every page with it as a last resort).
- `ui.text.plain(text)`: any outside text (links, learner input) before it reaches markdown.
- `ui.navigation`: the page list and the learning path; `ui.progress`: quiz progress (Home, Quiz).
- `ui.parameters_view`, `ui.methods_view`: a page's sections as functions (pickers, metric
  cards, charts), so the page file only arranges them.
- `ui.routing`: keeps a direct link from skipping app.py (runs on import, below).

Importing `ui` itself imports nothing heavy: Home and Quiz must load without torch.
"""

from ui.routing import leave_legacy_multipage_mode

# Every page imports `ui`, so this runs before any page can draw anything (see ui/routing.py).
leave_legacy_multipage_mode()
