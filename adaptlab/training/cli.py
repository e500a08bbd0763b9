"""`python -m adaptlab train`: one real training run from the shell, as JSON or a table.

Exit status 0 when the run ran, also when it diverged (try --lr 1e9): the JSON then says at
which step and why in `stopped_reason`, the table ends with "stopped: ...", and `losses` hold the
steps done (a diverging run is a result to learn from, not a mistake in the command). Exit status
2, with one line naming the input and the fix, for a user error: unknown method, task or setting,
a value out of range (steps 0, lr 0 or above 1e12), an unreadable or invalid data file. Settings
are checked before any model is loaded.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from adaptlab.cli import emit, parse_sets
from adaptlab.data import MAX_BYTES, DataError, parse_jsonl
from adaptlab.errors import UserInputError

FLAGS = ("steps", "seed", "batch_size", "max_length", "lr")  # shortcuts for --set KEY=VALUE
TABLE_ROWS = 20
ANSWER_ROWS = 10


def add_train_command(sub: argparse._SubParsersAction) -> None:
    from adaptlab.model_specs import MODEL_SPECS

    parser = sub.add_parser("train", help="run real training steps on a task and score the answers")
    parser.add_argument("--model", default="mini", choices=list(MODEL_SPECS))
    parser.add_argument("--method", required=True, help="a method name from `methods`")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--task", help="a bundled task (see assets/tasks)")
    source.add_argument("--data", metavar="FILE", help="your JSONL file of prompt/completion pairs")
    for flag in FLAGS:  # strings: the engine parses and range-checks them with one message style
        parser.add_argument("--" + flag.replace("_", "-"), dest=flag, metavar="N",
                            help=f"same as --set {flag}=N" + (" (default: the method's own)"
                                                              if flag in ("steps", "lr") else ""))
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a method or training setting, e.g. --set r=4 --set warmup_steps=5")
    parser.add_argument("--out", metavar="ZIP", help="also export weights and reproduce.py")
    parser.add_argument("--format", choices=["json", "table"], default="table")
    parser.set_defaults(handler=_train)


def read_data(path: str) -> list:
    """A learner's JSONL file; every problem names the file and line (one line of output)."""
    try:
        with Path(path).open("rb") as file:
            # One byte past the limit is enough to refuse it; /dev/zero would never end.
            raw = file.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise UserInputError(f"--data {path}: no such file; check the path") from None
    except OSError as exc:
        raise UserInputError(f"--data {path}: cannot be read ({exc.strerror or exc}); give a "
                             "readable JSONL file") from None
    try:
        return parse_jsonl(raw, source=Path(path).name)
    except DataError as exc:
        raise UserInputError(str(exc).replace("\n", "; ")) from None


def _train(args: argparse.Namespace) -> int:
    from adaptlab.training.run import run_training

    settings = parse_sets(args.set)
    settings.update({flag: getattr(args, flag) for flag in FLAGS if getattr(args, flag) is not None})
    examples = read_data(args.data) if args.data else None
    try:
        result = run_training(args.model, args.method, settings, task=args.task, examples=examples)
    except DataError as exc:
        raise UserInputError(str(exc).replace("\n", "; ")) from None
    if args.out:
        from adaptlab.training.export import export_zip

        Path(args.out).write_bytes(export_zip(result))
    emit(result.to_json(), args.format, _table)
    return 0


def _num(value: float | None, fmt: str = ".4f") -> str:
    return "-" if value is None else format(value, fmt)


def _short(text: str | None, width: int) -> str:
    text = "-" if text is None else text.replace("\n", "⏎")
    return text if len(text) <= width else text[:width - 1] + "…"


def _scores(p: dict[str, Any]) -> list[str]:
    """Exact match, and beside it balanced accuracy (class tasks) or token F1 (generated)."""
    lines = [f"exact match           before {_num(p['accuracy_before'], '.1%')}  "
             f"after {_num(p['accuracy_after'], '.1%')}"]
    if p["chance"] is not None:
        lines.append(f"balanced accuracy     before {_num(p['balanced_accuracy_before'], '.1%')}  "
                     f"after {_num(p['balanced_accuracy_after'], '.1%')}  "
                     f"(chance {p['chance']:.0%}: any one-label answer)")
    else:
        lines.append(f"token F1 (partial)    before {_num(p['token_f1_before'], '.1%')}  "
                     f"after {_num(p['token_f1_after'], '.1%')}")
    if p["warning"]:
        lines.append(f"warning: {p['warning']}")
    return lines


def _answers(p: dict[str, Any]) -> list[str]:
    """The first held-out examples: a mark, the expected answer, the answers before and after."""
    rows = p["answers"][:ANSWER_ROWS]
    lines = [f"held-out answers ({len(rows)} of {len(p['answers'])}; ✓ = exact match after "
             "training)", f"     {'expected':<22} {'before':<22} {'after':<22}"]
    for row in rows:
        mark = "✓" if row["correct"] else "✗"
        lines.append(f"  {mark}  {_short(row['expected'], 22):<22} {_short(row['before'], 22):<22} "
                     f"{_short(row['after'], 22):<22}")
    return lines


def _table(p: dict[str, Any]) -> str:
    t = p["training"]
    lines = [f"{p['method']} on {p['model']}, data {p['data']}: {p['steps_done']} of {t['steps']} "
             f"steps, batch {t['batch_size']}, lr {t['lr']:g} ({t['schedule']}, warm-up "
             f"{t['warmup_steps']}), seed {t['seed']}",
             f"{'step':>6} {'loss':>9} {'lr':>10} {'grad norm':>10}"]
    every = max(1, len(p["losses"]) // TABLE_ROWS)
    for i, loss in enumerate(p["losses"]):
        if i % every == 0 or i == len(p["losses"]) - 1:
            lines.append(f"{i + 1:>6} {_num(loss):>9} {p['lrs'][i]:>10.3g} "
                         f"{_num(p['grad_norms'][i], '.3g'):>10}")
    lines.append(f"eval loss ({p['eval_split']})  before {_num(p['eval_loss_before'])}  "
                 f"after {_num(p['eval_loss_after'])}")
    lines += _scores(p) + _answers(p)
    lines.append(f"seconds per step {_num(p['seconds_per_step'], '.3f')}; trainable "
                 f"{p['trainable_params']:,} of {p['total_params']:,}; frozen parameters "
                 f"unchanged: {'yes' if p['frozen_unchanged'] else 'NO'}")
    for s in p["samples"]:
        lines.append(f"  {s['prompt']!r}\n    before: {s['before']!r}\n    after:  {s['after']!r}")
    if p["stopped_reason"]:
        lines.append(f"stopped: {p['stopped_reason']}")
    return "\n".join(lines)
