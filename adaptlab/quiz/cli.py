"""Shell commands for the quiz bank and the results database.

  quiz validate [PATH ...]    exit 0 if valid, else 2: one line per error, per tell (tells.py)
                              and per lesson-path problem (paths/ next to the question files)
  quiz export --format moodle-xml|gift|csv --out FILE
  results export --out FILE [--db URL]                      per-question stats + per-learner progress

`add_quiz_commands(subparsers)` registers them; each handler returns the exit status and turns
user errors into one line on stderr (status 2), never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from adaptlab.quiz.bank import BUNDLED_DIR, check, load_bank
from adaptlab.quiz.export import FORMATS
from adaptlab.quiz.paths import check_paths
from adaptlab.quiz.schema import QuizBankError
from adaptlab.quiz.tells import find_tells

EXIT_USER_ERROR = 2


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_USER_ERROR


def validate_cmd(args: argparse.Namespace) -> int:
    """Validate question files (default: the bundled bank)."""
    for path in args.paths:
        if not Path(path).exists():
            return _fail(f"{path}: no such file or folder")
    questions, errors = check(args.paths or None)
    if not errors:  # tells and paths are about a bank that parses
        errors = find_tells(questions)
        known = {q.id for q in questions}
        for folder in [Path(p) for p in args.paths or [BUNDLED_DIR]]:
            errors += check_paths(known, folder / "paths")[1] if folder.is_dir() else []
    if errors:
        for line in errors:
            print(line, file=sys.stderr)
        return EXIT_USER_ERROR
    print(f"ok: {len(questions)} questions valid, no tells found")
    return 0


def _write(path: str, text: str) -> int | None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        return _fail(f"cannot write {path}: {exc.strerror}; check the folder exists and is writable")
    return None


def export_cmd(args: argparse.Namespace) -> int:
    """Export the bundled bank in one of FORMATS."""
    try:
        questions = list(load_bank(args.paths or None).questions)
    except QuizBankError as exc:
        return _fail(f"the question bank is invalid ({exc.errors[0]}); run `quiz validate`")
    failed = _write(args.out, FORMATS[args.format](questions))
    if failed is not None:
        return failed
    print(f"wrote {len(questions)} questions to {args.out} ({args.format})")
    return 0


def results_export_cmd(args: argparse.Namespace) -> int:
    """Per-question statistics and per-learner progress as one CSV."""
    from adaptlab.store import Store, StoreError

    try:
        text = Store(args.db).results_csv()
    except StoreError as exc:
        return _fail(str(exc))
    failed = _write(args.out, text)
    if failed is not None:
        return failed
    print(f"wrote results to {args.out}")
    return 0


def add_quiz_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register `quiz validate`, `quiz export` and `results export` on an argparse tree."""
    quiz = subparsers.add_parser("quiz", help="validate or export the question bank")
    qsub = quiz.add_subparsers(dest="quiz_command", required=True)
    val = qsub.add_parser("validate", help="check question files (default: the bundled bank)")
    val.add_argument("paths", nargs="*", metavar="PATH", help="YAML files or folders")
    val.set_defaults(handler=validate_cmd)
    exp = qsub.add_parser("export", help="export the bank for an LMS")
    exp.add_argument("--format", required=True, choices=sorted(FORMATS))
    exp.add_argument("--out", required=True, metavar="FILE")
    exp.add_argument("paths", nargs="*", metavar="PATH", help="question files (default: bundled)")
    exp.set_defaults(handler=export_cmd)

    results = subparsers.add_parser("results", help="quiz results from the attempts database")
    rsub = results.add_subparsers(dest="results_command", required=True)
    rexp = rsub.add_parser("export", help="per-question stats and per-learner progress as CSV")
    rexp.add_argument("--out", required=True, metavar="FILE")
    rexp.add_argument("--db", default=None, metavar="URL",
                      help="database URL (default: ADAPTLAB_DB_URL or data/adaptlab.db)")
    rexp.set_defaults(handler=results_export_cmd)
