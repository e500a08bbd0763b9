"""`python -m adaptlab ...`: the engine from a shell, for instructors, tests and benchmarks.

Subcommands register themselves on one argparse tree. A user error (unknown name, bad value,
unreadable file) prints one line to stderr and exits with status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from adaptlab.errors import UserInputError

EXIT_USER_ERROR = 2


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line naming the problem, with exit status 2."""

    def error(self, message: str):  # noqa: D102 - argparse's hook
        self.exit(EXIT_USER_ERROR, f"error: {message} (see `{self.prog} --help`)\n")


def parse_sets(pairs: Sequence[str]) -> dict[str, str]:
    """KEY=VALUE pairs from repeated --set options."""
    settings = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UserInputError(f"--set {pair!r} is not KEY=VALUE: write e.g. --set r=4")
        settings[key.strip()] = value
    return settings


def emit(payload: Any, fmt: str, table: Callable[[Any], str]) -> None:
    print(json.dumps(payload, indent=2, allow_nan=False, ensure_ascii=False) if fmt == "json" else table(payload))


def build_parser() -> argparse.ArgumentParser:
    from adaptlab.commands import register_all

    parser = OneLineParser(prog="python -m adaptlab", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    register_all(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except UserInputError as exc:
        # One line, whatever the message holds: a line of a learner's file may quote newlines.
        print("error: " + "; ".join(str(exc).splitlines()), file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 130
