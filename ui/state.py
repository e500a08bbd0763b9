"""Session state as a few typed objects behind accessor functions.

Rules (STYLE.md 11): each object lives under one `adaptlab.*` key, created with `setdefault`, so
a page never invents loose keys; widget keys are built with `widget_key(page, name)` and so carry
the page prefix ("parameters.method"), which keeps two pages' widgets from colliding.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import streamlit as st

from ui.browser_id import this_browser

NAME_LIMIT = 40  # characters of a display name, in the sidebar and on the Quiz page


@dataclass
class Learner:
    """Who is using this tab, and how they want to see it."""

    display_name: str = ""  # free text, never a password; shown only as plain text
    projector: bool = False  # larger type for a room

    def rename(self, raw: object) -> str:
        """Store a typed name with runs of white space folded and the length capped."""
        self.display_name = " ".join(str(raw or "").split())[:NAME_LIMIT]
        return self.display_name


@dataclass
class LinkPrefill:
    """Which link (query string) a page has already copied into its widgets.

    A link fills the widgets once; after that the learner's own changes win, until a
    different link is opened.
    """

    applied: dict[str, str] = field(default_factory=dict)  # page -> query signature


@dataclass
class TrainingRuns:
    """This session's identity in the shared job registry (ui.jobs) and each page's current job.

    The runs themselves live in the registry, not here: a worker thread cannot reach session
    state, and the history must outlive page switches.
    """

    owner: str = field(default_factory=lambda: uuid.uuid4().hex)  # training_runs(): the browser's
    current: dict[str, str] = field(default_factory=dict)  # page -> job id


def learner() -> Learner:
    return st.session_state.setdefault("adaptlab.learner", Learner())


def link_prefill() -> LinkPrefill:
    return st.session_state.setdefault("adaptlab.link_prefill", LinkPrefill())


def training_runs() -> TrainingRuns:
    """This session's runs, owned by its browser: every tab and reload of it finds them."""
    runs = st.session_state.get("adaptlab.training_runs")
    if runs is None:
        runs = st.session_state.setdefault("adaptlab.training_runs",
                                           TrainingRuns(owner=this_browser()))
    return runs


def widget_key(page: str, *parts: str) -> str:
    """A page-prefixed widget key: widget_key("parameters", "lora", "r") -> "parameters.lora.r"."""
    return ".".join((page, *parts))
