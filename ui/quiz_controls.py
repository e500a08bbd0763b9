"""The answer controls of one quiz question, and reading the answer back from them.

Every control is keyboard-usable (all native Streamlit but the movable list), and shows the options in the learner's
own shuffled order (adaptlab.quiz.shuffle; the seed is ui.learner_form.learner_id()):
  single, scenario   st.radio                 multi     one st.checkbox per option
  classify, match    a grid: one horizontal st.radio per item, every choice listed once above
                     it (lettered when the choices are long), so all pairs are visible at once
  order              a movable list (ui/sortable.py): drag a step, or press its ▲/▼ buttons
                     (Tab, Enter), or Alt+↑/↓ on a focused step; it starts in an order that
                     is never right
  numeric            st.text_input, parsed here so junk gets a message instead of a try
Choice, grid and number controls sit in a form (one rerun on submit); the movable list sits
outside it, so that each move is kept as it happens.
"""

from __future__ import annotations

import math
import re
import string

import streamlit as st

from adaptlab.quiz import (
    ChoiceQuestion,
    NumericQuestion,
    OrderQuestion,
    PairingQuestion,
    Question,
    presentation,
)
from ui.sortable import sortable_list, take_move
from ui.state import widget_key
from ui.text import plain

PAGE = "quiz"
LETTERED_OVER = 40  # characters: longer choices are listed once and picked by letter


def key(question: Question, context: str, *parts: str) -> str:
    """Widget key; topic sections keep the plain "quiz.<id>..." keys."""
    return widget_key(PAGE, *([context] if context else []), question.id, *parts)


def choice_widgets(question: ChoiceQuestion, context: str, learner_id: str) -> None:
    order = presentation(question, learner_id).options
    texts = {o.id: o.text for o in question.options}
    if question.multiple:
        st.caption("Select all that apply.")
        for oid in order:
            st.checkbox(texts[oid], key=key(question, context, "option", oid))
    else:
        st.radio("Your answer", list(order), format_func=texts.get, index=None,
                 key=key(question, context, "answer"))


def pairing_widgets(question: PairingQuestion, context: str, learner_id: str) -> None:
    view = presentation(question, learner_id)
    texts = {c.id: c.text for c in question.choices}
    lettered = any(len(t) > LETTERED_OVER for t in texts.values())
    letters = dict(zip(view.choices, string.ascii_uppercase, strict=False))

    def label(choice_id: str) -> str:
        return letters[choice_id] if lettered else texts[choice_id]

    if lettered:
        st.markdown("\n".join(f"- **{letters[c]}**: {texts[c]}" for c in view.choices))
    items = {i.id: i.text for i in question.items}
    for item_id in view.items:
        st.radio(items[item_id], list(view.choices), format_func=label, index=None,
                 horizontal=True, key=key(question, context, "item", item_id))


def number_widget(question: NumericQuestion, context: str) -> None:
    unit = f" ({question.unit})" if question.unit else ""
    st.text_input(f"Your answer{unit}", key=key(question, context, "answer"),
                  help="Digits, with . for decimals; commas, spaces and _ between thousands "
                       "are ignored; 1.2e6 works too.")


def order_widget(question: OrderQuestion, order: list[str], context: str) -> None:
    """The movable list (ui/sortable.py), drawn in the learner's current `order`."""
    st.caption("Put the steps in order, first at the top. Drag a step, or move it with its "
               "▲ and ▼ buttons (Tab to a button, then Enter), or focus a step and press "
               "Alt+↑ / Alt+↓.")
    sortable_list([(s.id, s.text) for s in question.steps], order, order_key(question, context),
                  label=f"Steps of: {question.prompt}"[:200])


def order_key(question: OrderQuestion, context: str) -> str:
    return key(question, context, "order")


def take_order_move(question: OrderQuestion, context: str, seen: int) -> tuple[list[str], int] | None:
    """A move the learner made in the list since move number `seen` (see ui/sortable.py)."""
    return take_move(order_key(question, context), [s.id for s in question.steps], seen)


def parse_number(text: str, unit: str = "") -> float:
    """A learner's number; ValueError with a message that says what to type instead."""
    cleaned = re.sub(r"[\s,_]", "", text)
    if unit and cleaned.lower().endswith(unit.replace(" ", "").lower()):
        cleaned = cleaned[: -len(unit.replace(" ", ""))]
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"'{plain(text, limit=30)}' is not a number. Type digits only, e.g. "
                         "294912 or 0.25 (use . for decimals).") from None
    if not math.isfinite(value):
        raise ValueError("Type a finite number, e.g. 294912.")
    return value


def read_answer(question: Question, context: str, order: list[str] | None) -> object:
    """The submitted answer in the shape `grade` expects; ValueError says what is missing."""
    state = st.session_state
    if isinstance(question, ChoiceQuestion) and question.multiple:
        picked = [o.id for o in question.options
                  if state.get(key(question, context, "option", o.id))]
        if not picked:
            raise ValueError("Select at least one option.")
        return picked
    if isinstance(question, ChoiceQuestion):
        if state.get(key(question, context, "answer")) is None:
            raise ValueError("Choose an answer first.")
        return state[key(question, context, "answer")]
    if isinstance(question, PairingQuestion):
        answer = {i.id: state.get(key(question, context, "item", i.id)) for i in question.items}
        missing = [i.text for i in question.items if answer[i.id] is None]
        if missing:
            raise ValueError(f"Choose for every item; still open: {'; '.join(missing)}.")
        return answer
    if isinstance(question, OrderQuestion):
        return list(order or [])
    text = str(state.get(key(question, context, "answer")) or "").strip()
    if not text:
        raise ValueError("Type a number first.")
    return parse_number(text, getattr(question, "unit", ""))
