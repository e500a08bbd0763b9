"""Load the question bank from YAML files under assets/quizzes/, validating everything on load.

A file is a mapping: `topic` (default topic of its questions, optional) and `questions` (a list).
Only `yaml.safe_load` is used, so a file can never construct Python objects; size, nesting depth,
question count and text length are capped, so a hostile file costs milliseconds, not minutes.

Where banks come from: the app reads only the folder assets/quizzes/ (an instructor adds a bank
by putting a YAML file there and restarting). There is no upload, environment variable or query
parameter for it. `python -m adaptlab quiz validate PATH` checks any file first.

Two ways to load, on purpose:
  load_bank(paths)  strict (CLI, export, tests): any problem raises one QuizBankError listing all.
  bundled_bank()    for the app: a bad question, or a whole bad file, is left out and listed in
                    `Bank.problems`, so one broken file cannot take the rest of the Quiz page down.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from adaptlab.quiz.parse import parse_question
from adaptlab.quiz.schema import TOPICS, Question, QuizBankError

log = logging.getLogger(__name__)
BUNDLED_DIR = Path(__file__).resolve().parents[2] / "assets" / "quizzes"
MAX_FILE_BYTES = 1_000_000  # a question file is text; anything bigger is a mistake or an attack
MAX_QUESTIONS = 500  # per file (the biggest bundled one has 17); aliases make each one ~4 bytes
FILE_KEYS = {"topic", "title", "questions"}


@dataclass(frozen=True)
class Bank:
    """All loaded questions, in file order; `problems`: what bundled_bank() left out, and why."""

    questions: tuple[Question, ...]
    problems: tuple[str, ...] = ()

    def get(self, question_id: str) -> Question:
        """A bank question by id; generated ids ("gen:...") are rebuilt from the id itself."""
        for q in self.questions:
            if q.id == question_id:
                return q
        from adaptlab.quiz.generated import from_id  # lazy: it imports the engine (torch)

        try:
            return from_id(question_id)
        except (ValueError, TypeError) as exc:  # a mangled "gen:..." id: unknown, not a crash
            raise KeyError(f"unknown question id {question_id[:100]!r}") from exc

    def by_topic(self, topic: str) -> list[Question]:
        return [q for q in self.questions if q.topic == topic]

    def topics(self) -> dict[str, str]:
        """Topic id -> title, for the topics that have questions, in TOPICS order."""
        present = {q.topic for q in self.questions}
        return {t: title for t, title in TOPICS.items() if t in present}


def _read_yaml(path: Path) -> object:
    name = path.name
    if not path.exists():
        raise QuizBankError(f"{path}: no such file; check the path")
    if not path.is_file():  # a folder, a FIFO or /dev/zero would block or never end
        raise QuizBankError(f"{name}: not a regular file; give the path of a .yaml file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise QuizBankError(f"{name}: file is {size:,} bytes, over the 1 MB limit; split it by topic")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise QuizBankError(f"{name}: cannot read the file ({exc.strerror}); "
                            "check it exists and is readable") from None
    except UnicodeDecodeError:
        raise QuizBankError(f"{name}: not UTF-8 text; save the file as UTF-8") from None
    except RecursionError:  # e.g. 50 000 nested [ in 100 KB: PyYAML's composer recurses
        raise QuizBankError(f"{name}: nested too deeply to be a question file; "
                            "use plain mappings and lists") from None
    except yaml.constructor.ConstructorError as exc:
        raise QuizBankError(f"{name}: unsafe or unknown YAML tag ({exc.problem}); "
                            "use plain mappings, lists and text only") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise QuizBankError(f"{name}: invalid YAML{where}: "
                            f"{getattr(exc, 'problem', exc)}; fix the syntax") from None


def _parse_file(path: Path) -> tuple[list[Question], list[str]]:
    """Questions of one file and the problems found in it (empty when valid)."""
    try:
        doc = _read_yaml(path)
    except QuizBankError as exc:
        return [], exc.errors
    name = path.name
    if not isinstance(doc, dict):
        got = "an empty file" if doc is None else type(doc).__name__
        return [], [f"{name}: the document must be a mapping with a 'questions' list, got {got}"]
    unknown = set(doc) - FILE_KEYS
    errors = [f"{name}: unknown top-level key {k!r}; allowed: {', '.join(sorted(FILE_KEYS))}"
              for k in sorted(map(str, unknown))]
    raw = doc.get("questions")
    if not isinstance(raw, list) or not raw:
        return [], [*errors, f"{name}: field 'questions' must be a non-empty list of questions"]
    if len(raw) > MAX_QUESTIONS:
        return [], [*errors, f"{name}: {len(raw):,} questions, over the {MAX_QUESTIONS} limit "
                             "per file; split it by topic"]
    topic = doc.get("topic") if isinstance(doc.get("topic"), str) else ""
    questions = []
    for n, data in enumerate(raw):
        try:
            questions.append(parse_question(data, name, n, topic))
        except QuizBankError as exc:
            errors.extend(exc.errors)
    return questions, errors


def _expand(paths: Iterable[str | Path]) -> list[Path]:
    out = []
    for p in map(Path, paths):
        out.extend(sorted(p.glob("*.yaml")) + sorted(p.glob("*.yml")) if p.is_dir() else [p])
    return out


def check(paths: Iterable[str | Path] | None = None) -> tuple[list[Question], list[str]]:
    """Parse files (default: the bundled bank); return questions and one line per problem."""
    files = _expand(paths if paths is not None else [BUNDLED_DIR])
    if not files:
        return [], [f"{', '.join(map(str, paths or [BUNDLED_DIR]))}: no .yaml files found"]
    questions, errors, seen = [], [], {}
    for path in files:
        found, problems = _parse_file(path)
        errors.extend(problems)
        for q in found:
            if q.id in seen:
                errors.append(f"{q.file}: question {q.id!r}: field 'id': duplicate id, already "
                              f"used in {seen[q.id]}; rename one of them")
                continue
            seen[q.id] = q.file
            questions.append(q)
    return questions, errors


def load_bank(paths: Iterable[str | Path] | None = None) -> Bank:
    """Load and validate question files; raise QuizBankError listing every problem."""
    questions, errors = check(paths)
    if errors:
        raise QuizBankError(errors)
    return Bank(tuple(questions))


def bundled_bank() -> Bank:
    """The bank under assets/quizzes/ for the app: never raises; bad parts are in `problems`.

    Valid questions of every file are kept (a duplicate id keeps its first question), so a
    broken file, or one broken question, costs only itself. `quiz validate` stays strict.
    """
    return _tolerant_bank(BUNDLED_DIR)


@cache
def _tolerant_bank(folder: Path) -> Bank:
    # Keyed by folder, loaded once per process: a Bank is immutable, so sessions share it.
    questions, problems = check([folder])
    if problems:  # once per process, for whoever runs the server
        log.warning("quiz bank problems (questions left out): %s", "; ".join(problems))
    return Bank(tuple(questions), tuple(problems))
