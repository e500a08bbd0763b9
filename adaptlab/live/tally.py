"""The room's answers to one live question, counted, and the projector's chart of them.

Counts only: who gave which answer never reaches a tally or a chart. Before the reveal the chart
shows how answers spread; after it, the right ones are marked in words (not by colour alone).
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from adaptlab.live.questions import LiveAnswer
from adaptlab.quiz import ChoiceQuestion, NumericQuestion, OrderQuestion, PairingQuestion, Question
from adaptlab.quiz.numeric import format_number

TALLY_COLUMNS = ["part", "label", "count", "right"]
TOP = 8  # distinct orders or numbers shown; the rest are "other answers"
LABEL_LIMIT = 60
WRAP_WIDTH, WRAP_LINES = 36, 3  # a bar's label: three lines fit beside the bars at 1280 px
RIGHT_MARK = " ✓ right"


def _short(text: str, limit: int = LABEL_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _wrapped(text: str, width: int = WRAP_WIDTH, lines: int = WRAP_LINES) -> str:
    """`text` on up to `lines` lines of about `width` characters (Plotly's <br>), cut only after
    that: one line of 60 characters cut the options a room was voting on ("a low-rank form of
    a wei…") at 1280 px in projector type."""
    parts = textwrap.wrap(" ".join(text.split()), width) or [""]
    if len(parts) > lines:
        parts = [*parts[:lines - 1], _short(" ".join(parts[lines - 1:]), width)]
    return "<br>".join(parts)


def tally(question: Question, answers: Sequence[LiveAnswer]) -> pd.DataFrame:
    """One row per (part, answer shown): how many gave it and whether it is right.

    choice: one row per option (a multi answer counts for each option ticked); classify/match:
    one row per item and choice (part = the item); order and numeric: the TOP most given
    answers, then "other answers".
    """
    if isinstance(question, ChoiceQuestion):
        picked = Counter(o for a in answers for o in _ids(a.answer))
        rows = [("", o.text, picked[o.id], o.id in question.answer) for o in question.options]
    elif isinstance(question, PairingQuestion):
        rows = [(item.text, c.text,
                 sum(isinstance(a.answer, dict) and a.answer.get(item.id) == c.id
                     for a in answers), item.answer == c.id)
                for item in question.items for c in question.choices]
    elif isinstance(question, OrderQuestion):
        rows = _top(answers, lambda a: " → ".join(_short(question.step_text(s), 24)
                                                  for s in a.answer))
    elif isinstance(question, NumericQuestion):
        rows = _top(answers, lambda a: format_number(float(a.answer)))
    else:
        rows = []
    return pd.DataFrame(rows, columns=TALLY_COLUMNS)


def _ids(answer: object) -> list[str]:
    if isinstance(answer, str):
        return [answer]
    return [a for a in answer if isinstance(a, str)] if isinstance(answer, list) else []


def _top(answers: Sequence[LiveAnswer], label) -> list[tuple[str, str, int, bool]]:
    counts: Counter[str] = Counter()
    right: dict[str, bool] = {}
    for a in answers:
        text = label(a)
        counts[text] += 1
        right[text] = right.get(text, False) or a.correct
    rows = [("", text, n, right[text]) for text, n in counts.most_common(TOP)]
    rest = sum(counts.values()) - sum(r[2] for r in rows)
    if rest:
        rows.append(("", "other answers", rest, False))
    return rows


def results(answers: Sequence[LiveAnswer]) -> dict[str, int]:
    """How many answers were right, partly right and wrong."""
    right = sum(a.correct for a in answers)
    partly = sum(not a.correct and a.score > 0 for a in answers)
    return {"right": right, "partly right": partly, "wrong": len(answers) - right - partly}


def answer_chart(frame: pd.DataFrame, revealed: bool, total: int) -> go.Figure:
    """Horizontal bars of `tally()`: one bar per answer (pairing: a stacked bar per item)."""
    if frame["part"].ne("").any():
        return _pairing_chart(frame, revealed, total)
    labels = [_wrapped(t) + (RIGHT_MARK if revealed and r else "")
              for t, r in zip(frame["label"], frame["right"], strict=True)]
    colours = ["#1a7f37" if revealed and r else "#1f6feb" for r in frame["right"]]
    counts = [int(n) for n in frame["count"]]  # plain lists: the chart's JSON stays readable
    fig = go.Figure(go.Bar(x=counts, y=labels, orientation="h", marker_color=colours,
                           text=counts, textposition="auto",
                           hovertemplate="%{y}: %{x}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", automargin=True)
    return _layout(fig, total, len(labels), sum(label.count("<br>") for label in labels))


def _pairing_chart(frame: pd.DataFrame, revealed: bool, total: int) -> go.Figure:
    fig = go.Figure()
    items = list(dict.fromkeys(frame["part"]))
    keys = {part: "" for part in items}
    for choice, group in frame.groupby("label", sort=False):
        fig.add_trace(go.Bar(name=_short(str(choice), 30), x=[int(n) for n in group["count"]],
                             y=[_short(p, 40) for p in group["part"]], orientation="h",
                             hovertemplate="%{y}: %{x}<extra>" + _short(str(choice), 30)
                                           + "</extra>"))
        for part, right in zip(group["part"], group["right"], strict=True):
            if right:
                keys[part] = str(choice)
    if revealed:
        fig.update_yaxes(ticktext=[f"{_short(p, 40)} ({RIGHT_MARK.strip()}: {_short(keys[p], 30)})"
                                   for p in items],
                         tickvals=[_short(p, 40) for p in items])
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed", automargin=True)
    return _layout(fig, total, len(items))


def _layout(fig: go.Figure, total: int, rows: int, extra_lines: int = 0) -> go.Figure:
    """Title, axes, and 46 px per bar plus 22 per wrapped label line (projector type fits)."""
    fig.update_layout(title=f"{total} answer{'' if total == 1 else 's'}",
                      height=max(260, 90 + 46 * rows + 22 * extra_lines), margin={"l": 10, "r": 10, "t": 50, "b": 30},
                      xaxis_title="learners", showlegend=fig.layout.barmode == "stack")
    fig.update_xaxes(rangemode="tozero", dtick=1 if total <= 10 else None)
    return fig


def key_lines(question: Question) -> list[str]:
    """The right answer in words, one markdown line each (bank text, as the Quiz page shows)."""
    if isinstance(question, ChoiceQuestion):
        return [o.text for o in question.options if o.id in question.answer]
    if isinstance(question, PairingQuestion):
        return [f"{item.text} → **{question.choice_text(item.answer)}**"
                for item in question.items]
    if isinstance(question, OrderQuestion):
        return [f"step {n}: {question.step_text(s)}" for n, s in enumerate(question.accepted[0], 1)]
    if isinstance(question, NumericQuestion):
        unit = f" {question.unit}" if question.unit else ""
        within = f" (± {format_number(question.tolerance)})" if question.tolerance else ""
        return [f"{format_number(question.answer)}{unit}{within}"]
    return []
