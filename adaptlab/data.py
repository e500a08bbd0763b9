"""Training data: the bundled tasks, learners' own JSONL files, and tokenisation with loss masking.

A task is data, not code: `assets/tasks/<name>.jsonl` (prompt/completion pairs marked train or
validation) plus a card `<name>.md`. Only completion tokens are scored: prompt labels are -100 and
labels stay unshifted because Hugging Face causal LMs shift them internally (CONTENT.md 4a).
"""

from __future__ import annotations

import functools
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adaptlab.errors import UserInputError, shown

if TYPE_CHECKING:  # torch and transformers are heavy: pages that only list tasks never load them
    import torch
    from transformers import PreTrainedTokenizerBase

TASKS_DIR = Path(__file__).resolve().parent.parent / "assets" / "tasks"
# The task a first run (and a class's board) starts on: every method learns it with its defaults,
# which were tuned on it (assets/results/method_sweep.json).
DEFAULT_TASK = "sentiment"
IGNORE_INDEX = -100  # the label torch's cross-entropy skips
SPLITS = ("train", "validation")
MAX_BYTES = 5 * 1024 * 1024
MAX_EXAMPLES = 2_000
MAX_FIELD_CHARS = 2_000
VALIDATION_EVERY = 7  # unsplit learner data: every 7th example is held out (about 14%)
MAX_REPORTED = 5  # problems listed in one DataError; the rest are counted


class DataError(UserInputError):
    """Task or learner data that cannot be used; the message names the line and field to fix."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]


@dataclass(frozen=True)
class Example:
    prompt: str
    completion: str
    split: str = "train"


@dataclass(frozen=True)
class TaskInfo:
    name: str
    title: str
    summary: str  # the card's first paragraph
    path: Path  # the .jsonl file


@dataclass(frozen=True)
class EncodedExample:
    input_ids: list[int]
    labels: list[int]  # same length as input_ids; IGNORE_INDEX on prompt tokens


# ---------------------------------------------------------------- bundled tasks


def _read_card(card: Path, name: str) -> tuple[str, str]:
    """(title, first paragraph) of a task card; the name stands in for a missing card."""
    if not card.exists():
        return name, ""
    title, paragraphs = name, card.read_text(encoding="utf-8").split("\n\n")
    for block in paragraphs:
        text = block.strip()
        if text.startswith("# "):
            title = text[2:].splitlines()[0].strip()
        elif text and not text.startswith("#"):
            return title, " ".join(text.split())
    return title, ""


def list_tasks(tasks_dir: Path = TASKS_DIR) -> list[TaskInfo]:
    """Every bundled task, sorted by name."""
    infos = []
    for path in sorted(tasks_dir.glob("*.jsonl")):
        title, summary = _read_card(path.with_suffix(".md"), path.stem)
        infos.append(TaskInfo(path.stem, title, summary, path))
    return infos


@functools.cache  # pages redraw every second while a run trains; the cards ship in assets
def task_title(name: str) -> str:
    """The title learners see for a bundled task ("sentiment" -> "Sentiment of a review"); the
    name itself for one that is not bundled."""
    return next((t.title for t in list_tasks() if t.name == name), name)


def load_task(name: str, tasks_dir: Path = TASKS_DIR) -> list[Example]:
    """The examples of a bundled task, validated like a learner's file."""
    tasks = {info.name: info for info in list_tasks(tasks_dir)}
    # Looking the name up (never joining it into a path) also rules out "../" tricks.
    if name not in tasks:
        valid = ", ".join(tasks) or "(none found in assets/tasks)"
        raise DataError(f"unknown task {name!r}: choose one of {valid}")
    return list(_parsed_task(tasks[name].path))


@functools.lru_cache(maxsize=16)
def _parsed_task(path: Path) -> tuple[Example, ...]:
    # Parsed once per process: a class pressing Train together would otherwise parse the same
    # file 30 times in a row, each holding the GIL the server needs to answer (classroom.py).
    return tuple(parse_jsonl(path.read_bytes(), source=f"assets/tasks/{path.name}"))


# ---------------------------------------------------------------- learner data


def _decode(raw: bytes | str, source: str) -> str:
    if isinstance(raw, str):
        raw = raw.encode("utf-8", errors="surrogatepass")
    if len(raw) > MAX_BYTES:
        raise DataError(f"{source}: the file is {len(raw) / 1e6:.1f} MB; the limit is 5 MB. "
                        "Remove examples or split it into several files.")
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise DataError(f"{source}, line {line}: the file contains NUL bytes, so it looks binary. "
                        "Upload a plain-text JSONL file (one JSON object per line).")
    try:
        return raw.decode("utf-8-sig")  # -sig: tolerate the byte-order mark some editors write
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(f"{source}, line {line}: the file is not UTF-8 text. "
                        "Save it as UTF-8 in your editor and upload it again.") from None


def _field(obj: dict[str, Any], key: str, where: str) -> tuple[str | None, str | None]:
    """(value, None) for a usable text field, else (None, problem)."""
    if key not in obj:
        return None, f'{where}, field "{key}": it is missing. Add "{key}": "..." to the object.'
    value = obj[key]
    if not isinstance(value, str):
        kind = type(value).__name__ if value is not None else "null"
        return None, f'{where}, field "{key}": expected text in quotes, got {kind}.'
    if len(value) > MAX_FIELD_CHARS:
        return None, (f'{where}, field "{key}": {len(value):,} characters; the limit is '
                      f"{MAX_FIELD_CHARS:,}. Shorten it.")
    if not value.strip():
        return None, f'{where}, field "{key}": it is empty. Give the text the model should ' + (
            "produce." if key == "completion" else "continue.")
    try:
        value.encode("utf-8")  # C speed; fails only on a lone surrogate
    except UnicodeEncodeError as exc:  # JSON lets "\ud800" stand alone; nothing can encode it
        return None, (f'{where}, field "{key}": it contains \\u{ord(value[exc.start]):04x}, '
                      "half of a UTF-16 pair, which is not a character. Remove it or write the "
                      "whole character.")
    return value, None


def _parse_line(line: str, where: str) -> tuple[dict[str, Any] | None, list[str]]:
    """A validated {"prompt", "completion", "split"?} object from one line, or its problems."""
    example = 'Write one object per line, like {"prompt": "...", "completion": " ..."}.'
    try:
        obj = json.loads(line)  # plain data only: nothing is ever evaluated or unpickled
    except json.JSONDecodeError as exc:
        return None, [f"{where}: not valid JSON ({exc.msg}, column {exc.colno}). {example}"]
    except (RecursionError, ValueError):  # [[[[... thousands deep; a number of 4,300+ digits
        return None, [f"{where}: JSON nested too deeply or with a number too long to read. "
                      f"{example}"]
    if not isinstance(obj, dict):
        return None, [f"{where}: expected a JSON object {{...}}, got {type(obj).__name__}. "
                      f"{example}"]
    problems, values = [], {}
    for key in ("prompt", "completion"):
        values[key], problem = _field(obj, key, where)
        problems += [problem] if problem else []
    if "split" in obj:
        if obj["split"] not in SPLITS:
            problems.append(f'{where}, field "split": {shown(obj["split"])} is not a '
                            'split. Use "train" or "validation", or leave the field out.')
        values["split"] = obj["split"]
    return (None if problems else values), problems


def _assign_splits(rows: list[dict[str, Any]]) -> list[Example]:
    """Examples; rows without a split get one deterministically (every 7th is held out)."""
    unsplit = [i for i, row in enumerate(rows) if "split" not in row]
    held = {i for n, i in enumerate(unsplit) if n % VALIDATION_EVERY == VALIDATION_EVERY - 1}
    has_validation = held or any(row.get("split") == "validation" for row in rows)
    if not has_validation and len(unsplit) >= 2:
        held.add(unsplit[-1])  # so that even a short file gets a validation score
    return [Example(row["prompt"], row["completion"],
                    row.get("split") or ("validation" if i in held else "train"))
            for i, row in enumerate(rows)]


def _raise_problems(problems: list[str], source: str) -> None:
    shown = problems[:MAX_REPORTED]
    more = len(problems) - len(shown)
    tail = f"\n... and {more} more problems" if more else ""
    raise DataError(f"{source} has {len(problems)} problem(s):\n" + "\n".join(shown) + tail,
                    problems)


# The upload format by example: shown on the Train page and offered there as a download (a
# test checks it parses). "split" is optional: left out, every 7th example is held out.
UPLOAD_TEMPLATE = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in (
    {"prompt": "Review: The soup was cold.\nSentiment:", "completion": " negative", "split": "train"},
    {"prompt": "Review: Lovely staff, great bread.\nSentiment:", "completion": " positive",
     "split": "train"},
    {"prompt": "Review: We waited an hour.\nSentiment:", "completion": " negative", "split": "train"},
    {"prompt": "Review: Best pie in town.\nSentiment:", "completion": " positive",
     "split": "validation"},
))


def parse_jsonl(raw: bytes | str, source: str = "upload") -> list[Example]:
    """Validate a JSONL file of {"prompt", "completion", "split"?} objects; blank lines skipped.

    Errors name the line and field and say how to fix them. HTML or code in the text stays text.
    """
    text = _decode(raw, source)
    # split("\n"), not splitlines(): JSON strings may legally hold U+2028 and other separators.
    lines = [(n, line) for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    if not lines:
        raise DataError(f'{source}: the file is empty. Add one JSON object per line, like '
                        '{"prompt": "Review: Great soup.\\nSentiment:", "completion": " positive"}.')
    if len(lines) > MAX_EXAMPLES:
        raise DataError(f"{source}: {len(lines):,} examples; the limit is {MAX_EXAMPLES:,}. "
                        "Remove examples or split the file.")
    rows, problems = [], []
    for n, line in lines:
        row, line_problems = _parse_line(line, f"{source}, line {n}")
        problems += line_problems
        rows += [row] if row else []
    if problems:
        _raise_problems(problems, source)
    examples = _assign_splits(rows)
    if not any(ex.split == "train" for ex in examples):
        raise DataError(f'{source}: no example has "split": "train". Mark some examples as '
                        'train, or leave "split" out to have it assigned.')
    return examples


# When no example is held out, runs score the model on its own training examples (the training
# package's eval_set falls back to them): worth saying before and after a run.
NOTHING_HELD_OUT = ('Nothing is held out: after training, the model is scored on the very examples '
                    'it trained on, which shows memorising, not learning. Give two or more '
                    'examples without a "split" (every 7th, and at least one, is held out), or mark '
                    'some "split": "validation".')


def split(examples: list[Example]) -> tuple[list[Example], list[Example]]:
    """(train, validation), each in file order."""
    train = [ex for ex in examples if ex.split == "train"]
    return train, [ex for ex in examples if ex.split == "validation"]


# ---------------------------------------------------------------- tokenisation and batches


def encode_example(tokenizer: PreTrainedTokenizerBase, example: Example,
                   max_length: int) -> EncodedExample:
    """Prompt + completion + eos as ids, with labels -100 on every prompt token (unshifted).

    Prompt and completion are tokenised separately so the boundary is exact: at generation time
    the model also sees the prompt's tokens and then produces the completion's; tokenising the
    joined text could merge a token across the boundary. A long prompt loses its left end.
    """
    eos = tokenizer.eos_token_id
    if eos is None:
        raise DataError("the tokenizer has no end-of-text token (eos_token): set one.")
    prompt = tokenizer(example.prompt, add_special_tokens=False)["input_ids"]
    completion = tokenizer(example.completion, add_special_tokens=False)["input_ids"] + [eos]
    # Keep at least one prompt token: the first label is only learnt from the position before it.
    room = max_length - len(completion)
    if room < 1:
        raise DataError(f"completion {shown(example.completion)} is {len(completion)} "
                        f"tokens with end-of-text; it must fit in {max_length - 1}. Shorten it "
                        "or raise max_length.")
    prompt = prompt[-room:]
    return EncodedExample(prompt + completion, [IGNORE_INDEX] * len(prompt) + completion)


def encode_all(tokenizer: PreTrainedTokenizerBase, examples: list[Example],
               max_length: int) -> list[EncodedExample]:
    """encode_example over a list; an error names the example's split and place in it."""
    encoded = []
    for i, example in enumerate(examples, start=1):
        try:
            encoded.append(encode_example(tokenizer, example, max_length))
        except DataError as exc:
            raise DataError(f"{example.split} example {i}: {exc}") from None
    return encoded


def collate(encoded: list[EncodedExample], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-pad to the longest example: input_ids, attention_mask, labels (-100 on padding)."""
    import torch

    if not encoded:
        raise DataError("cannot make a batch of zero examples")
    width = max(len(ex.input_ids) for ex in encoded)
    ids, mask, labels = [], [], []
    for ex in encoded:
        pad = width - len(ex.input_ids)
        ids.append(ex.input_ids + [pad_id] * pad)
        mask.append([1] * len(ex.input_ids) + [0] * pad)
        labels.append(ex.labels + [IGNORE_INDEX] * pad)
    return {"input_ids": torch.tensor(ids), "attention_mask": torch.tensor(mask),  # (B, T)
            "labels": torch.tensor(labels)}


def batches(encoded: list[EncodedExample], batch_size: int, seed: int,
            pad_id: int = 0) -> Iterator[dict[str, torch.Tensor]]:
    """An endless stream of batches: each epoch is a fresh seeded shuffle, each batch is full.

    Epochs run together (a batch may span two), so a file smaller than one batch still works.
    pad_id only needs to be a valid id: padding is masked out of attention and loss.
    """
    if not encoded:
        raise DataError("there are no training examples to batch")
    if batch_size < 1:
        raise DataError(f"batch_size must be at least 1, got {batch_size}")
    rng, order = random.Random(seed), []
    while True:
        while len(order) < batch_size:
            epoch = list(range(len(encoded)))
            rng.shuffle(epoch)
            order += epoch
        chunk, order = order[:batch_size], order[batch_size:]
        yield collate([encoded[i] for i in chunk], pad_id)
