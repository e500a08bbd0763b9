"""Lesson paths: a before-quiz, the lab pages, an after-quiz, and the gain in between.

A path file (assets/quizzes/paths/*.yaml) follows a course card's structure: "Learn Before"
topics (what the card assumes) and "Learn After" topics (what it teaches). Every topic has two
parallel forms, A and B: different bank questions on the same skill. Half the learners take A
before and B after, the other half the reverse (counterbalanced by learner id), so the
after-quiz never repeats a question and each question is seen before by some learners and
after by others, which is what makes a per-question gain measurable.

Both quizzes cover every topic: the before-quiz opens with the Learn Before topics and then
previews the Learn After ones (the starting point a gain needs); the after-quiz opens with
the Learn After topics and then checks the Learn Before ones again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from adaptlab.quiz.bank import BUNDLED_DIR
from adaptlab.quiz.schema import LAB_PAGES, QuizBankError
from adaptlab.quiz.scoring import PATH_PREFIX
from adaptlab.quiz.shuffle import shuffle_seed

log = logging.getLogger(__name__)
PATHS_DIR = BUNDLED_DIR / "paths"
PARTS = {"before": "Learn Before", "after": "Learn After"}
QUIZZES = ("before", "after")
FORMS = ("A", "B")


@dataclass(frozen=True)
class PathTopic:
    id: str
    title: str
    part: str  # "before" (Learn Before) or "after" (Learn After)
    forms: dict[str, tuple[str, ...]]  # "A"/"B" -> question ids


@dataclass(frozen=True)
class LabStop:
    page: str  # an app page, e.g. "/methods"
    why: str


@dataclass(frozen=True)
class LessonPath:
    id: str
    title: str
    intro: str
    topics: tuple[PathTopic, ...]
    lab: tuple[LabStop, ...]

    def context(self, quiz: str) -> str:
        """The attempts' context for this path's before- or after-quiz."""
        return f"{PATH_PREFIX}{self.id}:{quiz}"

    def form_for(self, learner_id: str, quiz: str) -> str:
        """The form ("A"/"B") this learner takes in `quiz`; the other one in the other quiz."""
        first = FORMS[shuffle_seed(learner_id, self.id, "form") % 2]
        return first if quiz == "before" else FORMS[1 - FORMS.index(first)]

    def questions(self, learner_id: str, quiz: str) -> list[tuple[PathTopic, str]]:
        """(topic, question id) in the order the quiz asks them."""
        form = self.form_for(learner_id, quiz)
        first_part = "before" if quiz == "before" else "after"
        ordered = sorted(self.topics, key=lambda t: t.part != first_part)  # stable sort
        return [(topic, qid) for topic in ordered for qid in topic.forms[form]]

    def topic_of(self, question_id: str) -> PathTopic | None:
        return next((t for t in self.topics if any(question_id in f for f in t.forms.values())),
                    None)


def _fail(name: str, field: str, problem: str) -> QuizBankError:
    return QuizBankError(f"{name}: field {field!r}: {problem}")


def _topic(name: str, n: int, raw: object, known: set[str]) -> PathTopic:
    where = f"topics[{n}]"
    if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) for k in ("id", "title")):
        raise _fail(name, where, "must be a mapping with text id, title, part and forms")
    if raw.get("part") not in PARTS:
        raise _fail(name, f"{where}.part", f"must be one of {', '.join(PARTS)}")
    forms = raw.get("forms")
    if not isinstance(forms, dict) or set(forms) != set(FORMS):
        raise _fail(name, f"{where}.forms", "must map A and B to lists of question ids")
    out: dict[str, tuple[str, ...]] = {}
    for form in FORMS:
        ids = forms[form]
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            raise _fail(name, f"{where}.forms.{form}", "must be a non-empty list of question ids")
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise _fail(name, f"{where}.forms.{form}", f"not in the bank: {', '.join(unknown)}")
        out[form] = tuple(ids)
    if set(out["A"]) & set(out["B"]):
        raise _fail(name, f"{where}.forms", "A and B share a question; parallel forms must differ")
    return PathTopic(raw["id"], raw["title"], raw["part"], out)


def parse_path(doc: object, name: str, known: set[str]) -> LessonPath:
    """A LessonPath from one YAML document; QuizBankError naming the file and field."""
    if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
        raise QuizBankError(f"{name}: a path file is a mapping with id, title, intro, topics, lab")
    topics_raw, lab_raw = doc.get("topics"), doc.get("lab")
    if not isinstance(topics_raw, list) or not topics_raw:
        raise _fail(name, "topics", "must be a non-empty list")
    topics = tuple(_topic(name, n, raw, known) for n, raw in enumerate(topics_raw))
    if {t.part for t in topics} != set(PARTS):
        raise _fail(name, "topics", "needs Learn Before and Learn After topics (part: before/after)")
    seen = [qid for t in topics for f in t.forms.values() for qid in f]
    if len(seen) != len(set(seen)):
        raise _fail(name, "topics", "a question appears twice; each belongs to one topic and form")
    if not isinstance(lab_raw, list) or not lab_raw:
        raise _fail(name, "lab", "must list the pages to work through between the quizzes")
    lab = []
    for n, stop in enumerate(lab_raw):
        if not isinstance(stop, dict) or stop.get("page") not in LAB_PAGES or not stop.get("why"):
            raise _fail(name, f"lab[{n}]", f"needs page (one of {', '.join(LAB_PAGES)}) and why")
        lab.append(LabStop(stop["page"], str(stop["why"])))
    return LessonPath(doc["id"], str(doc.get("title") or doc["id"]), str(doc.get("intro") or ""),
                      topics, tuple(lab))


def check_paths(known: set[str], folder: Path = PATHS_DIR) -> tuple[list[LessonPath], list[str]]:
    """Every path file in `folder`, and one line per problem (files with one are left out)."""
    paths, problems = [], []
    for file in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            doc = yaml.safe_load(file.read_text(encoding="utf-8"))
            paths.append(parse_path(doc, f"paths/{file.name}", known))
        except QuizBankError as exc:
            problems.extend(exc.errors)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            problems.append(f"paths/{file.name}: cannot read it as YAML ({type(exc).__name__}); "
                            "fix the syntax")
    return paths, problems


def bundled_paths() -> tuple[LessonPath, ...]:
    """The app's lesson paths whose questions are all in the bank the app loaded (valid ones
    only; `quiz validate` reports the others)."""
    from adaptlab.quiz.bank import bundled_bank

    return _paths_for(frozenset(q.id for q in bundled_bank().questions), PATHS_DIR)


@cache
def _paths_for(known: frozenset[str], folder: Path) -> tuple[LessonPath, ...]:
    # Keyed by the bank's ids: a path is only offered when every one of its questions loaded.
    paths, problems = check_paths(set(known), folder)
    if problems:  # once per process and bank, for whoever runs the server
        log.warning("lesson paths left out: %s", "; ".join(problems))
    return tuple(paths)
