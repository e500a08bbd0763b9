"""A method's config dataclass turned into widgets, and the validated config they give.

The widgets come from `settings_of(config_cls)`: the same declaration the CLI and the validation
read, so help text and ranges never drift. Widget keys are `<page>.<method>.<setting>`, so each
method keeps its own values on a page, and two forms on one page (a comparison) use different
`page` prefixes.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from adaptlab.errors import UserInputError
from adaptlab.methods import MethodSpec, settings_of
from adaptlab.methods.base import SettingInfo
from ui.text import plain

# Widgets keep their value while hidden on the same page (another method picked, another view
# shown), so coming back finds the learner's settings, not the defaults.
PERSIST = "page"
# Steps that make the +/- buttons useful for each float setting's range.
_FLOAT_STEP = {"lora_dropout": 0.05, "lora_alpha": 1.0}


def setting_key(page: str, method: str, name: str) -> str:
    return f"{page}.{method}.{name}"


def _label(info: SettingInfo) -> str:
    return info.name  # the peft/paper name (r, lora_alpha): what learners will meet in code


def _widget(info: SettingInfo, key: str, disabled: bool = False) -> Any:
    # No value=/default= here: seed_defaults() put the value in session state, where a link
    # prefill (ui.query) may have replaced it; passing both would fight over the value.
    common = {"key": key, "help": info.help, "persist_state": PERSIST, "disabled": disabled}
    if info.kind is bool:
        return st.toggle(_label(info), **common)
    if info.kind is int:
        return st.number_input(_label(info), min_value=int(info.min), max_value=int(info.max),
                               step=1, **common)
    if info.kind is float:
        return st.number_input(_label(info), min_value=float(info.min), max_value=float(info.max),
                               step=_FLOAT_STEP.get(info.name, 0.01), **common)
    if info.kind is tuple:
        return tuple(st.multiselect(_label(info), options=list(info.choices or ()), **common))
    if info.choices:
        return st.selectbox(_label(info), options=list(info.choices), **common)
    return st.text_input(_label(info), **common)


def settings_widgets(spec: MethodSpec, page: str, disabled: bool = False) -> dict[str, Any]:
    """One widget per setting of `spec`; returns {setting: value}. Empty for setting-less methods.

    `disabled`: shown but not editable (a locked demo link on Train)."""
    seed_defaults(page, spec)
    infos = settings_of(spec.config_cls)
    if not infos:
        st.caption(f"{spec.title} has no settings.")
    return {info.name: _widget(info, setting_key(page, spec.name, info.name), disabled)
            for info in infos}


def seed_defaults(page: str, spec: MethodSpec) -> None:
    """Give every setting widget its default in session state if it has none yet.

    Widgets then take their value from session state only (no `value=` conflict when a link
    prefilled some of them).
    """
    for info in settings_of(spec.config_cls):
        default = list(info.default) if info.kind is tuple else info.default
        st.session_state.setdefault(setting_key(page, spec.name, info.name), default)


def validated_config(spec: MethodSpec, values: dict[str, Any]) -> Any | None:
    """The config for `values`, or None after showing why not right here (under the form).

    For pages that build a config themselves (Train); the Parameters page gets the same message
    from ui.parameters_view.report_or_error, which also catches errors raised by `apply`.
    """
    try:
        return spec.config(values)
    except UserInputError as exc:
        st.error(plain(exc, limit=400), icon=":material/error:")
        return None
