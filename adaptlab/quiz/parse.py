"""Turn one YAML question mapping into a typed Question, or explain exactly what is wrong.

Every error is one line "FILE: question ID: field FIELD: what is wrong; how to fix it" so that an
author can fix the YAML without reading this code.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from adaptlab.errors import cut, shown
from adaptlab.quiz.schema import (
    LAB_PAGES,
    QUESTION_TYPES,
    TOPICS,
    ChoiceQuestion,
    Item,
    NumericQuestion,
    Option,
    OrderQuestion,
    PairingQuestion,
    Question,
    QuizBankError,
    WrongValue,
)

COMMON_REQUIRED = ("id", "type", "topic", "prompt", "hint", "explanation", "lab")
# The longest bundled text is ~450 characters. A cap keeps one YAML alias of a huge string,
# repeated across questions, from putting megabytes on every quiz page.
MAX_TEXT = 4000
MAX_ID = 100
MAX_MESSAGE = 300  # one error line; a hostile value must not flood the terminal or the page


def describe(value: Any) -> str:
    """A short, safe description of a YAML value for an error message.

    Never repr() a container: an alias bomb ("billion laughs") is cheap for safe_load to build,
    because aliases share one object, but its repr is exponential (minutes, gigabytes).
    """
    if isinstance(value, list | dict | tuple | set):
        return f"a {type(value).__name__}"
    return shown(value, 60)


class _Ctx:
    """Where we are (file, question id), so every message can name both."""

    def __init__(self, file: str, qid: str) -> None:
        self.file, self.qid = file, qid

    def error(self, field: str, problem: str) -> QuizBankError:
        line = f"{self.file}: question {describe(self.qid)}: field {field!r}: {problem}"
        return QuizBankError(cut(line, MAX_MESSAGE))


def _text(ctx: _Ctx, data: dict, field: str, required: bool = True, where: str = "") -> str:
    label = f"{where}.{field}" if where else field
    value = data.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ctx.error(label, "missing or empty; add a non-empty text value")
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ctx.error(label, f"must be text, got {type(value).__name__}; quote the value")
    text = str(value).strip()
    if len(text) > MAX_TEXT:
        raise ctx.error(label, f"is {len(text):,} characters long, over the {MAX_TEXT:,} limit; "
                        "shorten it")
    return text


def _number(ctx: _Ctx, value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ctx.error(field, f"must be a finite number, got {describe(value)}; write e.g. 393216")
    return float(value)


def _list(ctx: _Ctx, data: dict, field: str, min_len: int = 1) -> list:
    value = data.get(field)
    if not isinstance(value, list) or len(value) < min_len:
        raise ctx.error(field, f"must be a list with at least {min_len} entries")
    return value


def _options(ctx: _Ctx, data: dict, field: str, min_len: int = 2) -> tuple[Option, ...]:
    out, seen = [], set()
    for n, raw in enumerate(_list(ctx, data, field, min_len)):
        where = f"{field}[{n}]"
        if not isinstance(raw, dict):
            raise ctx.error(where, "must be a mapping with id, text and feedback")
        oid = _text(ctx, raw, "id", where=where)
        if oid in seen:
            raise ctx.error(f"{where}.id", f"duplicate id {describe(oid)}; ids must be unique")
        seen.add(oid)
        out.append(Option(oid, _text(ctx, raw, "text", where=where),
                          _text(ctx, raw, "feedback", required=False, where=where)))
    return tuple(out)


def _ids(ctx: _Ctx, value: Any, field: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ctx.error(field, "must be an option id or a non-empty list of option ids")


def _choice(ctx: _Ctx, data: dict, common: dict) -> ChoiceQuestion:
    options = _options(ctx, data, "options")
    if any(not o.feedback for o in options):
        raise ctx.error("options", "every option needs feedback naming the misconception it reflects")
    answer = _ids(ctx, data.get("answer"), "answer")
    known = {o.id for o in options}
    for a in answer:
        if a not in known:
            raise ctx.error("answer", f"{describe(a)} is not among the options ({', '.join(sorted(known))})")
    multiple = common["type"] == "multi" or (common["type"] == "scenario"
                                             and isinstance(data.get("answer"), list))
    if not multiple and len(answer) != 1:
        raise ctx.error("answer", "a single-choice question needs exactly one answer id")
    if multiple and len(set(answer)) >= len(options):
        raise ctx.error("answer", "every option is keyed, so ticking everything would be right; "
                        "add at least one wrong option")
    situation = _text(ctx, data, "situation", required=common["type"] == "scenario")
    return ChoiceQuestion(**common, options=options, answer=answer, multiple=multiple,
                          situation=situation)


def _pairing(ctx: _Ctx, data: dict, common: dict) -> PairingQuestion:
    choice_field = "categories" if common["type"] == "classify" else "choices"
    choices = _options(ctx, data, choice_field)
    known = {c.id for c in choices}
    items = []
    for n, raw in enumerate(_list(ctx, data, "items", 2)):
        if not isinstance(raw, dict):
            raise ctx.error(f"items[{n}]", "must be a mapping with id, text, answer and feedback")
        w = f"items[{n}]"
        item = Item(_text(ctx, raw, "id", where=w), _text(ctx, raw, "text", where=w),
                    _text(ctx, raw, "answer", where=w), _text(ctx, raw, "feedback", where=w),
                    _mistakes(ctx, raw.get("mistakes"), w, known))
        if item.answer not in known:
            raise ctx.error(f"items[{n}].answer", f"{describe(item.answer)} is not among the "
                            f"{choice_field} ({', '.join(sorted(known))})")
        if item.mistake(item.answer):
            raise ctx.error(f"{w}.mistakes", f"names the right choice {describe(item.answer)}; "
                            "list only wrong choices")
        items.append(item)
    ids = [i.id for i in items]
    if len(set(ids)) != len(ids):
        raise ctx.error("items", "item ids must be unique")
    if len({i.answer for i in items}) < 2:
        raise ctx.error("items", "every item has the same answer, so giving one answer to all "
                        "is right; use at least two different answers")
    return PairingQuestion(**common, items=tuple(items), choices=choices)


def _mistakes(ctx: _Ctx, raw: Any, where: str, known: set[str]) -> tuple[tuple[str, str], ...]:
    """Optional {wrong choice id: feedback} of one item."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise ctx.error(f"{where}.mistakes", "must be a mapping {choice id: feedback}")
    out = []
    for cid, text in raw.items():
        if cid not in known:
            raise ctx.error(f"{where}.mistakes", f"{describe(cid)} is not among the choices "
                            f"({', '.join(sorted(known))})")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
            raise ctx.error(f"{where}.mistakes.{cid}", "must be non-empty text (at most "
                            f"{MAX_TEXT:,} characters) naming the misconception")
        out.append((cid, text.strip()))
    return tuple(out)


def _order(ctx: _Ctx, data: dict, common: dict) -> OrderQuestion:
    steps = _options(ctx, data, "steps", 3)
    if any(not s.feedback for s in steps):
        raise ctx.error("steps", "every step needs feedback saying why it goes where it goes")
    raw = _list(ctx, data, "answers") if "answers" in data else [data.get("answer")]
    ids = sorted(s.id for s in steps)
    accepted = []
    for n, order in enumerate(raw):
        order = _ids(ctx, order, f"answers[{n}]" if "answers" in data else "answer")
        if sorted(order) != ids:
            raise ctx.error("answers" if "answers" in data else "answer",
                            f"{list(order)} is not a permutation of the step ids {ids}; "
                            "list every step exactly once")
        accepted.append(order)
    if len(set(accepted)) >= math.factorial(len(steps)):
        raise ctx.error("answers", "every order of the steps is accepted; nothing is asked")
    return OrderQuestion(**common, steps=steps, accepted=tuple(accepted))


def _numeric(ctx: _Ctx, data: dict, common: dict) -> NumericQuestion:
    answer = _number(ctx, data.get("answer"), "answer")
    tolerance = _number(ctx, data.get("tolerance", 0), "tolerance")
    if tolerance < 0:
        raise ctx.error("tolerance", f"is negative ({tolerance:g}); use 0 for an exact answer")
    wrong = []
    for n, raw in enumerate(data.get("wrong_values") or []):
        where = f"wrong_values[{n}]"
        if not isinstance(raw, dict):
            raise ctx.error(where, "must be a mapping with value and feedback")
        wrong.append(WrongValue(_number(ctx, raw.get("value"), f"{where}.value"),
                                _text(ctx, raw, "feedback", where=where),
                                _number(ctx, raw.get("tolerance", 0), f"{where}.tolerance")))
    return NumericQuestion(**common, answer=answer, tolerance=tolerance,
                           unit=_text(ctx, data, "unit", required=False),
                           wrong_values=tuple(wrong))


BUILDERS: dict[str, Callable[[_Ctx, dict, dict], Question]] = {
    "single": _choice, "multi": _choice, "scenario": _choice,
    "classify": _pairing, "match": _pairing, "order": _order, "numeric": _numeric,
}


def _common(ctx: _Ctx, data: dict, default_topic: str) -> dict:
    for field in COMMON_REQUIRED:
        if field == "topic" and default_topic:
            continue
        _text(ctx, data, field)
    qtype = _text(ctx, data, "type")
    if qtype not in QUESTION_TYPES:
        raise ctx.error("type", f"unknown type {describe(qtype)}; use one of {', '.join(QUESTION_TYPES)}")
    topic = _text(ctx, data, "topic", required=False) or default_topic
    if topic not in TOPICS:
        raise ctx.error("topic", f"unknown topic {describe(topic)}; use one of {', '.join(TOPICS)}")
    lab = _text(ctx, data, "lab")
    if lab.split("?", 1)[0] not in LAB_PAGES:
        raise ctx.error("lab", f"{describe(lab)} is not an app page; use one of {', '.join(LAB_PAGES)}"
                        " (query parameters allowed, e.g. /parameters?method=lora)")
    source = _text(ctx, data, "source", required=False)
    if (qtype == "classify" or topic == "classification") and not source:
        raise ctx.error("source", "classification items must name their source (CONTENT.md 1g),"
                        " e.g. source: Lialin et al. 2023")
    return {"id": ctx.qid, "type": qtype, "topic": topic, "prompt": _text(ctx, data, "prompt"),
            "hint": _text(ctx, data, "hint"), "explanation": _text(ctx, data, "explanation"),
            "lab": lab, "source": source, "file": ctx.file}


def parse_question(data: Any, file: str, index: int, default_topic: str = "") -> Question:
    """Build one question from its YAML mapping; raise QuizBankError naming file/id/field."""
    if not isinstance(data, dict):
        raise QuizBankError(f"{file}: question #{index + 1}: must be a mapping of fields, "
                            f"got {type(data).__name__}")
    qid = data.get("id")
    if not isinstance(qid, str) or not qid.strip():
        raise QuizBankError(f"{file}: question #{index + 1}: field 'id': missing or not text; "
                            "give every question a unique id like cls-lialin-lora")
    if len(qid.strip()) > MAX_ID:  # ids go into widget keys and a String(300) database column
        raise QuizBankError(f"{file}: question #{index + 1}: field 'id': longer than {MAX_ID} "
                            "characters; use a short id like cls-lialin-lora")
    ctx = _Ctx(file, qid.strip())
    common = _common(ctx, data, default_topic)
    return BUILDERS[common["type"]](ctx, data, common)
