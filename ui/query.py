"""Links that open a page set up: `/parameters?model=gpt2&method=lora&r=4`.

Query parameters are untrusted text. Each one is checked against the model list, the method
registry and the method's own setting ranges; a bad one is dropped with a warning that names it
and the valid values (shown as plain text, never as HTML or markdown), and the page goes on
with its defaults. Good values fill the widgets once per link (see ui.state.LinkPrefill).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import streamlit as st

from adaptlab.errors import UserInputError, shown
from adaptlab.methods import REGISTRY, get_method, settings_of
from adaptlab.methods.base import check_setting, parse_value
from adaptlab.model_specs import MODEL_SPECS
from ui.settings_form import setting_key
from ui.state import link_prefill, widget_key
from ui.text import plain


@dataclass(frozen=True)
class Prefill:
    """What a link asks for, already validated; `problems` says what was ignored and why."""

    model: str | None = None
    method: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    problems: tuple[str, ...] = ()


def parse_prefill(params: Mapping[str, str], default_method: str,
                  page_keys: Collection[str] = ()) -> Prefill:
    """Validate `params` (model, method and that method's settings) without any Streamlit call.

    `page_keys` are parameters the page reads itself (Train: task, steps, seed, lock): skipped
    here, neither settings nor problems.
    """
    problems: list[str] = []
    model = params.get("model")
    if model is not None and model not in MODEL_SPECS:
        problems.append(f"model={shown(model)} is not a model here: choose one of "
                        f"{', '.join(MODEL_SPECS)}.")
        model = None
    method = params.get("method")
    if method is not None and method not in REGISTRY:
        problems.append(f"method={shown(method)} is not a method here: choose one of "
                        f"{', '.join(REGISTRY)}.")
        method = None
    spec = get_method(method or default_method)
    # Whose settings a key is checked against: the link's method, else the page's (and say so,
    # or "'r' is not a setting of full" reads as if the link had asked for full fine-tuning).
    whose = spec.title if method else (
        f"{spec.title} (the page's method, since the link's method is unknown)"
        if "method" in params else f"{spec.title} (the page's method; the link names none)")
    infos = {info.name: info for info in settings_of(spec.config_cls)}
    settings: dict[str, Any] = {}
    for key, raw in params.items():
        if key in ("model", "method", "projector") or key in page_keys:  # projector: ui.frame
            continue
        if key not in infos:
            valid = ", ".join(infos) or "none"
            if page_keys:  # e.g. lr on Train: a real setting there, but not one a link sets
                problems.append(f"a link cannot set {shown(key)} here: it can set model, method, "
                                f"{spec.name}'s settings ({valid}) and {', '.join(page_keys)}.")
            else:
                problems.append(f"{shown(key)} is not a setting of {whose}: its settings "
                                f"are {valid}.")
            continue
        try:
            value = parse_value(infos[key], raw)
            check_setting(infos[key], value)
        except UserInputError as exc:
            problems.append(f"{exc}.")
            continue
        settings[key] = value
    return Prefill(model, method, settings, tuple(problems))


MAX_PROBLEMS_SHOWN = 10  # a link with 200 junk keys still gets one short message


def link_problems(problems: Sequence[str]) -> str:
    """All of a link's problems as ONE message (markdown list of plain text)."""
    shown = [f"- {plain(p, limit=300)}" for p in problems[:MAX_PROBLEMS_SHOWN]]
    if len(problems) > MAX_PROBLEMS_SHOWN:
        shown.append(f"- and {len(problems) - MAX_PROBLEMS_SHOWN} more")
    return ("Ignored part of the link; the page uses its defaults for it. To fix, edit the "
            "link or pick the values on the page:\n" + "\n".join(shown))


def prefill_widgets(page: str, default_method: str, page_keys: Collection[str] = (),
                    page_problems: Sequence[str] = ()) -> Prefill:
    """Read this page's link, warn about bad parts, and fill the widgets once per link.

    `page_problems` are what the page found wrong in its own `page_keys`: they go into the same
    single warning. Call this before the widgets are created: Streamlit lets a widget's value be
    set through session state only before the widget exists in this run.
    """
    params = st.query_params.to_dict()
    prefill = parse_prefill(params, default_method, page_keys)
    problems = [*prefill.problems, *page_problems]
    if problems:
        st.warning(link_problems(problems), icon=":material/link_off:")
    signature = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    memory = link_prefill()
    if params and memory.applied.get(page) != signature:
        memory.applied[page] = signature
        _seed(page, prefill, default_method)
    return prefill


def _seed(page: str, prefill: Prefill, default_method: str) -> None:
    if prefill.model:
        st.session_state[widget_key(page, "model")] = prefill.model
    if prefill.method:
        st.session_state[widget_key(page, "method")] = prefill.method
    method = prefill.method or default_method
    for name, value in prefill.settings.items():
        st.session_state[setting_key(page, method, name)] = list(value) if isinstance(value, tuple) else value


def app_origin() -> str:
    """scheme://host:port of this app as the browser sees it; "" when unknown (AppTest)."""
    parts = urlsplit(st.context.url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def link_for(model: str, method: str, settings: Mapping[str, Any], defaults: Mapping[str, Any]) -> str:
    """The query string that reopens this setup (only settings that differ from the defaults)."""
    parts = [f"model={model}", f"method={method}"]
    for name, value in settings.items():
        if value != defaults.get(name):
            parts.append(f"{name}={','.join(value) if isinstance(value, tuple | list) else value}")
    return "?" + "&".join(parts)
