"""Export questions to Moodle XML, GIFT and CSV, so instructors can reuse the bank in an LMS.

Moodle XML carries every type: single/multi/scenario -> multichoice, match and classify ->
matching, order -> ordering (core qtype since Moodle 4.4), numeric -> numerical. Moodle's
ordering type accepts one order only, so steps whose position differs between accepted orders
(e.g. zero_grad first or last) are left out and named in the question text.
GIFT has no ordering type: those questions are skipped with a comment.

Scoring travels as far as each format allows: Moodle XML carries the penalty per extra try
(INTERACTIVE.penalty) and one hint per extra try (Moodle's interactive behaviour allows one try
more than there are hints, so its tries match INTERACTIVE.max_tries), and
select-all fractions that make ticking everything worth 0, exactly as the app grades; Moodle's
matching type grades right pairs / pairs, without the app's "same answer for every item scores
0" correction. GIFT has no penalty field, so a comment states it; CSV has columns for both.
Every format keeps shuffleanswers (or Moodle's own shuffling for ordering).
"""

from __future__ import annotations

import csv
import html
import io
import json
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import asdict

from adaptlab.quiz.numeric import format_number
from adaptlab.quiz.schema import (
    ChoiceQuestion,
    NumericQuestion,
    OrderQuestion,
    PairingQuestion,
    Question,
)
from adaptlab.quiz.scoring import INTERACTIVE
from adaptlab.spreadsheet import safe_row

# Moodle only accepts these answer fractions (percent); others are rejected on import.
MOODLE_FRACTIONS = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20,
                    16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0)


def _fraction(value: float) -> str:
    sign = -1 if value < 0 else 1
    nearest = min(MOODLE_FRACTIONS, key=lambda f: abs(f - abs(value)))
    return f"{sign * nearest:g}"


def _html(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _text_el(parent: ET.Element, tag: str, text: str, fmt: str | None = "html") -> ET.Element:
    el = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(el, "text").text = _html(text) if fmt == "html" else text
    return el


def _prompt(q: Question) -> str:
    situation = getattr(q, "situation", "")
    return f"{situation}\n\n{q.prompt}" if situation else q.prompt


def _header(quiz: ET.Element, q: Question, qtype: str, prompt: str | None = None) -> ET.Element:
    el = ET.SubElement(quiz, "question", {"type": qtype})
    name = ET.SubElement(el, "name")
    ET.SubElement(name, "text").text = q.id
    _text_el(el, "questiontext", prompt or _prompt(q))
    _text_el(el, "generalfeedback", q.explanation)
    ET.SubElement(el, "defaultgrade").text = "1"
    ET.SubElement(el, "penalty").text = f"{INTERACTIVE.penalty:.7f}"
    ET.SubElement(el, "hidden").text = "0"
    return el


def _hints(el: ET.Element, q: Question) -> None:
    # Moodle's interactive behaviour gives one try more than there are hints: one hint per
    # extra try makes Moodle's tries the app's (the app shows the same hint after each one).
    for _ in range(INTERACTIVE.max_tries - 1):
        _text_el(el, "hint", q.hint)


def _answer(el: ET.Element, fraction: str, text: str, feedback: str, fmt: str = "html") -> ET.Element:
    ans = ET.SubElement(el, "answer", {"fraction": fraction, "format": fmt})
    ET.SubElement(ans, "text").text = _html(text) if fmt == "html" else text
    _text_el(ans, "feedback", feedback)
    return ans


def _multichoice(quiz: ET.Element, q: ChoiceQuestion) -> None:
    el = _header(quiz, q, "multichoice")
    ET.SubElement(el, "single").text = "false" if q.multiple else "true"
    ET.SubElement(el, "shuffleanswers").text = "true"
    ET.SubElement(el, "answernumbering").text = "abc"
    n_right, n_wrong = len(q.answer), max(1, len(q.options) - len(q.answer))
    for o in q.options:
        right = o.id in q.answer
        value = 100 / n_right if right else (-100 / n_wrong if q.multiple else 0)
        _answer(el, _fraction(value), o.text, o.feedback)
    _hints(el, q)


def _matching(quiz: ET.Element, q: PairingQuestion) -> None:
    el = _header(quiz, q, "matching")
    ET.SubElement(el, "shuffleanswers").text = "true"
    # Matching has no per-item feedback in Moodle: list it in the partially/incorrect feedback.
    notes = "\n".join(f"{i.text}: {i.feedback}" + "".join(
        f" If paired with '{q.choice_text(c)}': {text}" for c, text in i.mistakes) for i in q.items)
    _text_el(el, "correctfeedback", "Right.")
    _text_el(el, "partiallycorrectfeedback", notes)
    _text_el(el, "incorrectfeedback", notes)
    for item in q.items:
        sub = _text_el(el, "subquestion", item.text)
        ET.SubElement(ET.SubElement(sub, "answer"), "text").text = q.choice_text(item.answer)
    used = {i.answer for i in q.items}
    for choice in q.choices:  # unused choices become distractors: empty question text
        if choice.id not in used:
            sub = _text_el(el, "subquestion", "")
            ET.SubElement(ET.SubElement(sub, "answer"), "text").text = choice.text
    _hints(el, q)


def ambiguous_steps(q: OrderQuestion) -> list[str]:
    """Steps to drop so that every accepted order agrees on the rest (greedy, most conflicts first)."""
    dropped: list[str] = []
    while True:
        conflicts: Counter[str] = Counter()
        for order in q.accepted:
            kept = [s for s in order if s not in dropped]
            for i, a in enumerate(kept):
                for b in kept[i + 1:]:
                    if any(o.index(a) > o.index(b) for o in q.accepted):
                        conflicts.update([a, b])
        if not conflicts:
            return dropped
        dropped.append(conflicts.most_common(1)[0][0])


def _ordering(quiz: ET.Element, q: OrderQuestion) -> None:
    dropped = ambiguous_steps(q)
    prompt = q.prompt
    if dropped:
        names = "; ".join(q.step_text(s) for s in dropped)
        prompt += f"\n\n(Left out because more than one position is right: {names}.)"
    el = _header(quiz, q, "ordering", prompt)
    for tag, value in (("layouttype", "VERTICAL"), ("selecttype", "ALL"), ("selectcount", "0"),
                       ("gradingtype", "LONGEST_ORDERED_SUBSET"), ("showgrading", "SHOW"),
                       ("numberingstyle", "none")):
        ET.SubElement(el, tag).text = value
    _text_el(el, "correctfeedback", "Right.")
    notes = "\n".join(f"{s.text}: {s.feedback}" for s in q.steps if s.feedback)
    _text_el(el, "partiallycorrectfeedback", notes)
    _text_el(el, "incorrectfeedback", notes)
    for position, sid in enumerate((s for s in q.accepted[0] if s not in dropped), start=1):
        ans = ET.SubElement(el, "answer", {"fraction": str(position), "format": "html"})
        ET.SubElement(ans, "text").text = _html(q.step_text(sid))
    _hints(el, q)


def _plain_number(value: float) -> str:
    """A number as an LMS parses it: no thousands separators, no trailing .0, no 1e+06."""
    return format_number(value).replace(",", "")


def _numerical(quiz: ET.Element, q: NumericQuestion) -> None:
    el = _header(quiz, q, "numerical")
    right = _answer(el, "100", _plain_number(q.answer), "Right.", fmt="moodle_auto_format")
    ET.SubElement(right, "tolerance").text = f"{q.tolerance:g}"
    for wv in q.wrong_values:
        ans = _answer(el, "0", _plain_number(wv.value), wv.feedback, fmt="moodle_auto_format")
        ET.SubElement(ans, "tolerance").text = f"{wv.tolerance:g}"
    _hints(el, q)


def to_moodle_xml(questions: list[Question], category: str = "AdaptLab") -> str:
    """Moodle XML for all questions, one category per topic."""
    quiz = ET.Element("quiz")
    for topic in dict.fromkeys(q.topic for q in questions):
        cat = ET.SubElement(quiz, "question", {"type": "category"})
        ET.SubElement(ET.SubElement(cat, "category"), "text").text = f"$course$/{category}/{topic}"
        for q in (q for q in questions if q.topic == topic):
            WRITERS[type(q)](quiz, q)
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"


WRITERS = {ChoiceQuestion: _multichoice, PairingQuestion: _matching,
           OrderQuestion: _ordering, NumericQuestion: _numerical}


def gift_escape(text: str) -> str:
    """Escape GIFT's special characters ~ = # { } : (and the backslash itself)."""
    out = text.replace("\\", "\\\\")
    for ch in "~=#{}:":
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", "\\n")


def _gift_body(q: Question) -> str | None:
    e = gift_escape
    if isinstance(q, ChoiceQuestion):
        if not q.multiple:
            return " ".join(f"{'=' if o.id in q.answer else '~'}{e(o.text)}#{e(o.feedback)}"
                            for o in q.options)
        n_wrong = max(1, len(q.options) - len(q.answer))
        return " ".join(f"~%{_fraction(100 / len(q.answer) if o.id in q.answer else -100 / n_wrong)}%"
                        f"{e(o.text)}#{e(o.feedback)}" for o in q.options)
    if isinstance(q, PairingQuestion):
        return " ".join(f"={e(i.text)} -> {e(q.choice_text(i.answer))}" for i in q.items)
    if isinstance(q, NumericQuestion):
        wrong = " ".join(f"=%0%{_plain_number(w.value)}:{w.tolerance:g}#{e(w.feedback)}"
                         for w in q.wrong_values)
        return f"#={_plain_number(q.answer)}:{q.tolerance:g}#Right. {wrong}".strip()
    return None  # ordering: GIFT has no such type


def to_gift(questions: list[Question]) -> str:
    """GIFT text for every question GIFT can express; ordering questions become comments."""
    blocks = [f"// AdaptLab bank. Scoring: {INTERACTIVE.describe()} Set the Moodle quiz to "
              f"'Interactive with multiple tries' with {INTERACTIVE.max_tries - 1} hints and a "
              f"penalty of {INTERACTIVE.penalty:.2%}; shuffle answers on."]
    for q in questions:
        body = _gift_body(q)
        if body is None:
            blocks.append(f"// skipped {q.id}: GIFT has no ordering type (use Moodle XML)")
            continue
        general = f"####{gift_escape(q.explanation)}"
        blocks.append(f"::{gift_escape(q.id)}::{gift_escape(_prompt(q))} {{\n{body}\n{general}\n}}")
    return "\n\n".join(blocks) + "\n"


CSV_COLUMNS = ["id", "type", "topic", "prompt", "situation", "choices", "answer", "tolerance",
               "hint", "explanation", "source", "lab", "file", "max_tries", "penalty",
               "shuffle"]


def _csv_row(q: Question) -> dict[str, str]:
    data = asdict(q)
    choices = data.get("options") or data.get("steps") or data.get("choices") or []
    if isinstance(q, PairingQuestion):
        answer = q.key
        choices = {"items": data["items"], "choices": choices}
    elif isinstance(q, OrderQuestion):
        answer = [list(a) for a in q.accepted]
    else:
        answer = data.get("answer")
    row = {k: data.get(k, "") for k in CSV_COLUMNS}
    row.update(choices=json.dumps(choices, ensure_ascii=False),
               answer=json.dumps(answer, ensure_ascii=False), max_tries=INTERACTIVE.max_tries,
               penalty=round(INTERACTIVE.penalty, 7), shuffle=SHUFFLED.get(q.type, ""))
    return row


# What the app shuffles per learner (adaptlab.quiz.shuffle), for an LMS to do the same.
SHUFFLED = {"single": "options", "multi": "options", "scenario": "options",
            "match": "items and choices", "classify": "items", "order": "start order"}


def to_csv(questions: list[Question]) -> str:
    """One row per question; choices and answers as JSON text."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(safe_row(_csv_row(q)) for q in questions)  # no formulas in Excel
    return buf.getvalue()


FORMATS = {"moodle-xml": to_moodle_xml, "gift": to_gift, "csv": to_csv}
