"""Learner-data validation, loss masking, batching and exact match in adaptlab.data.

The tokenizer is a tiny byte-level BPE trained here in memory, so nothing depends on the bundled
model; one test repeats the masking check with the bundled tokenizer when it exists.
"""

from __future__ import annotations

import json

import pytest
import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import PreTrainedTokenizerFast

from adaptlab import data
from adaptlab.data import IGNORE_INDEX, DataError, EncodedExample, Example

TEXT = ["Review: The soup was cold and the waiter was rude.\nSentiment: negative",
        "Review: The cake was fresh.\nSentiment: positive",
        "Q: Who is the mayor of Brindlemoor?\nA: Mara Fell"] * 20
MODEL_DIR = data.TASKS_DIR.parent / "models" / "mini-gpt2"


@pytest.fixture(scope="module")
def tokenizer() -> PreTrainedTokenizerFast:
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=300, special_tokens=["<|endoftext|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    bpe.train_from_iterator(TEXT, trainer)
    return PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token="<|endoftext|>")


def jsonl(*rows: object) -> str:
    return "\n".join(row if isinstance(row, str) else json.dumps(row) for row in rows) + "\n"


GOOD = {"prompt": "Review: Good.\nSentiment:", "completion": " positive", "split": "train"}


def error_of(raw: bytes | str) -> str:
    with pytest.raises(DataError) as info:
        data.parse_jsonl(raw, source="my.jsonl")
    return str(info.value)


# ---------------------------------------------------------------- parse_jsonl


def test_valid_file_parses_and_skips_blank_lines() -> None:
    raw = jsonl(GOOD, "", "   ", {**GOOD, "split": "validation", "prompt": "<b>Bad</b>"})
    examples = data.parse_jsonl(raw)
    assert [ex.split for ex in examples] == ["train", "validation"]
    assert examples[1].prompt == "<b>Bad</b>"  # HTML is just text
    assert data.split(examples) == ([examples[0]], [examples[1]])


@pytest.mark.parametrize(("rows", "line", "fragment"), [
    (["{not json"], 1, "not valid JSON"),
    (['["a", "b"]'], 1, "expected a JSON object"),
    ([{"completion": " x"}], 1, 'field "prompt": it is missing'),
    ([GOOD, {"prompt": "p"}], 2, 'field "completion": it is missing'),
    ([{"prompt": 3, "completion": " x"}], 1, 'field "prompt": expected text'),
    ([{"prompt": "p", "completion": None}], 1, 'field "completion": expected text'),
    ([{"prompt": "p", "completion": "  "}], 1, 'field "completion": it is empty'),
    ([GOOD, {**GOOD, "split": "test"}], 2, 'field "split"'),
    ([{"prompt": "p" * 2001, "completion": " x"}], 1, 'field "prompt": 2,001 characters'),
])
def test_each_problem_names_line_and_field(rows: list[object], line: int, fragment: str) -> None:
    message = error_of(jsonl(*rows))
    assert f"my.jsonl, line {line}" in message
    assert fragment in message


def test_line_numbers_count_blank_lines() -> None:
    assert "line 3" in error_of(jsonl(GOOD, "", "{oops"))


def test_many_problems_are_summarised() -> None:
    with pytest.raises(DataError) as info:
        data.parse_jsonl(jsonl(*["nope"] * 9))
    assert "and 4 more problems" in str(info.value)
    assert len(info.value.problems) == 9


def test_not_utf8_names_the_line() -> None:
    raw = jsonl(GOOD).encode() + '{"prompt": "caf\u00e9", "completion": " x"}\n'.encode("latin-1")
    message = error_of(raw)
    assert "line 2" in message and "not UTF-8" in message


def test_binary_file_is_rejected() -> None:
    assert "NUL bytes" in error_of(b"\x89PNG\r\n\x1a\n\x00\x00")


def test_empty_file_and_no_train_examples() -> None:
    assert "empty" in error_of(b"\n  \n")
    assert "no example" in error_of(jsonl({**GOOD, "split": "validation"}))


def test_size_and_count_limits() -> None:
    assert "5 MB" in error_of(b" " * (data.MAX_BYTES + 1))
    assert "limit is 2,000" in error_of(jsonl(*[GOOD] * 2001))
    assert len(data.parse_jsonl(jsonl(*[GOOD] * 2000))) == 2000


def test_missing_split_is_assigned_deterministically() -> None:
    rows = [{"prompt": f"p{i}", "completion": " c"} for i in range(14)]
    examples = data.parse_jsonl(jsonl(*rows))
    assert [i for i, ex in enumerate(examples) if ex.split == "validation"] == [6, 13]
    assert data.parse_jsonl(jsonl(*rows)) == examples
    two = data.parse_jsonl(jsonl(*rows[:2]))  # too short for every 7th: still one held out
    assert [ex.split for ex in two] == ["train", "validation"]
    assert [ex.split for ex in data.parse_jsonl(jsonl(rows[0]))] == ["train"]


def test_bom_and_crlf_are_tolerated() -> None:
    raw = ("\ufeff" + jsonl(GOOD, GOOD).replace("\n", "\r\n")).encode()
    assert len(data.parse_jsonl(raw)) == 2


# ---------------------------------------------------------------- masking


def test_masking_labels_only_completion_and_eos(tokenizer: PreTrainedTokenizerFast) -> None:
    ex = Example("Review: The cake was fresh.\nSentiment:", " positive")
    enc = data.encode_example(tokenizer, ex, max_length=64)
    prompt = tokenizer(ex.prompt, add_special_tokens=False)["input_ids"]
    completion = tokenizer(ex.completion, add_special_tokens=False)["input_ids"]
    assert enc.input_ids == prompt + completion + [tokenizer.eos_token_id]
    assert enc.labels[: len(prompt)] == [IGNORE_INDEX] * len(prompt)
    # Unshifted: the label at a completion position is that position's own token (HF shifts).
    assert enc.labels[len(prompt):] == enc.input_ids[len(prompt):]


def test_truncation_keeps_completion(tokenizer: PreTrainedTokenizerFast) -> None:
    ex = Example("Review: " + "The soup was cold. " * 30 + "\nSentiment:", " negative")
    enc = data.encode_example(tokenizer, ex, max_length=16)
    completion = tokenizer(ex.completion, add_special_tokens=False)["input_ids"]
    assert len(enc.input_ids) == 16
    assert enc.input_ids[-len(completion) - 1:] == completion + [tokenizer.eos_token_id]
    assert enc.labels.count(IGNORE_INDEX) == 16 - len(completion) - 1
    assert tokenizer.decode(enc.input_ids).removesuffix("<|endoftext|>").endswith("Sentiment: negative")


def test_completion_that_cannot_fit_is_an_error(tokenizer: PreTrainedTokenizerFast) -> None:
    with pytest.raises(DataError, match="Shorten it"):
        data.encode_example(tokenizer, Example("p", " the waiter was rude " * 5), max_length=8)
    with pytest.raises(DataError, match="example 2"):
        data.encode_all(tokenizer, [Example("p", " x"), Example("p", " rude " * 20)], 8)


@pytest.mark.skipif(not (MODEL_DIR / "tokenizer.json").exists(), reason="bundled model not built yet")
def test_masking_with_bundled_tokenizer() -> None:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(MODEL_DIR)
    ex = Example("Q: Who is the mayor of Brindlemoor?\nA:", " Mara Fell")
    enc = data.encode_example(tok, ex, max_length=256)
    n_prompt = len(tok(ex.prompt, add_special_tokens=False)["input_ids"])
    assert enc.labels[:n_prompt] == [IGNORE_INDEX] * n_prompt
    assert tok.decode(enc.labels[n_prompt:-1]) == " Mara Fell"
    assert enc.input_ids[-1] == tok.eos_token_id


# ---------------------------------------------------------------- batches


def test_collate_pads_right_and_masks_padding() -> None:
    a, b = EncodedExample([1, 2, 3], [-100, 2, 3]), EncodedExample([4, 5], [-100, 5])
    batch = data.collate([a, b], pad_id=9)
    assert batch["input_ids"].tolist() == [[1, 2, 3], [4, 5, 9]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1], [1, 1, 0]]
    assert batch["labels"].tolist() == [[-100, 2, 3], [-100, 5, -100]]
    assert batch["input_ids"].dtype == torch.long


def test_batches_are_endless_reproducible_and_cover_every_example() -> None:
    encoded = [EncodedExample([i, i], [-100, i]) for i in range(5)]

    def take(seed: int, n: int) -> list[list[int]]:
        stream = data.batches(encoded, batch_size=2, seed=seed)
        return [next(stream)["input_ids"][:, 0].tolist() for _ in range(n)]

    assert take(0, 10) == take(0, 10)
    assert take(0, 10) != take(1, 10)
    first_epochs = sum(take(0, 5), [])  # 10 ids = two epochs of 5
    assert sorted(first_epochs) == sorted(list(range(5)) * 2)
    assert all(len(b) == 2 for b in take(3, 7))
    tiny = data.batches(encoded[:1], batch_size=3, seed=0)  # smaller than a batch still works
    assert next(tiny)["input_ids"].shape == (3, 2)


def test_batches_reject_empty_input() -> None:
    with pytest.raises(DataError):
        next(data.batches([], batch_size=2, seed=0))


def test_masked_batch_gives_finite_loss_on_completion_only(tokenizer: PreTrainedTokenizerFast) -> None:
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(n_layer=1, n_embd=16, n_head=2, n_positions=64,
                                       vocab_size=len(tokenizer)))
    examples = [Example("Review: The cake was fresh.\nSentiment:", " positive"),
                Example("Q: Who is the mayor?\nA:", " Mara Fell")]
    batch = data.collate(data.encode_all(tokenizer, examples, 64), tokenizer.eos_token_id)
    loss = model(**batch).loss
    assert torch.isfinite(loss)
