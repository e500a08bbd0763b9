"""The bundled tasks: every file validates, is big enough, has clean splits and a card.

The files are generated, so the generator must reproduce them byte for byte.
"""

from __future__ import annotations

import pytest

from adaptlab import data
from adaptlab.pretrain import make_tasks

NAMES = sorted(make_tasks.MAKERS)
MODEL_DIR = data.TASKS_DIR.parent / "models" / "mini-gpt2"


def test_at_least_four_tasks_are_listed_with_cards() -> None:
    infos = {info.name: info for info in data.list_tasks()}
    assert set(NAMES) <= set(infos) and len(infos) >= 4
    for name in NAMES:
        assert infos[name].path.with_suffix(".md").exists()
        assert infos[name].title and len(infos[name].summary) > 40


@pytest.mark.parametrize("name", NAMES)
def test_task_file_validates_and_splits_cleanly(name: str) -> None:
    examples = data.load_task(name)
    train, validation = data.split(examples)
    assert len(examples) >= 300
    assert 0.10 <= len(validation) / len(examples) <= 0.20
    assert not {ex.prompt for ex in train} & {ex.prompt for ex in validation}
    assert all(ex.completion.startswith(" ") for ex in examples)
    assert all(len(ex.completion.split()) <= 8 for ex in examples)  # short: a reachable target


@pytest.mark.parametrize("name", NAMES)
def test_card_covers_metric_and_method_families(name: str) -> None:
    card = (data.TASKS_DIR / f"{name}.md").read_text(encoding="utf-8").lower()
    for topic in ("exact match", "full fine-tuning", "bitfit", "lora", "adapter", "prompt tuning"):
        assert topic in card, f"{name}.md does not mention {topic!r}"


def test_sentiment_is_balanced() -> None:
    examples = data.load_task("sentiment")
    for part in data.split(examples):
        labels = [ex.completion for ex in part]
        assert labels.count(" good") == labels.count(" bad") == len(labels) // 2


def test_facts_validation_asks_known_facts_in_new_words() -> None:
    train, validation = data.split(data.load_task("facts"))
    assert {ex.completion for ex in validation} == {ex.completion for ex in train}

    def wording(ex: data.Example) -> str:  # the question with its fact removed
        return next(ex.prompt.replace(about, "") for _, about, _ in make_tasks.FACTS
                    if about in ex.prompt)

    assert not {wording(ex) for ex in train} & {wording(ex) for ex in validation}


def test_unknown_task_names_the_valid_ones() -> None:
    with pytest.raises(data.DataError, match="choose one of .*sentiment"):
        data.load_task("../../etc/passwd")


def test_generator_reproduces_the_files() -> None:
    files = make_tasks.build_all()
    for name, text in files.items():
        assert (data.TASKS_DIR / f"{name}.jsonl").read_text(encoding="utf-8") == text, (
            f"{name}.jsonl differs from the generator: run python -m adaptlab.pretrain.make_tasks")


@pytest.mark.skipif(not (MODEL_DIR / "tokenizer.json").exists(), reason="bundled model not built yet")
def test_examples_are_short_for_the_bundled_tokenizer() -> None:
    """Short completions keep exact match reachable; 64 tokens is the benchmark's batch width."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(MODEL_DIR)
    for name in NAMES:
        encoded = data.encode_all(tok, data.load_task(name), max_length=256)
        completion_lengths = [sum(label != data.IGNORE_INDEX for label in e.labels) for e in encoded]
        assert max(completion_lengths) <= 12, name  # completion tokens plus end-of-text
        assert max(len(e.input_ids) for e in encoded) <= 64, name


def test_style_validation_verbs_are_all_seen_in_training() -> None:
    train, validation = data.split(data.load_task("style"))

    def verbs(part: list[data.Example]) -> set[str]:
        return {past for _, past, _ in make_tasks.VERBS for ex in part if f" {past} " in ex.completion}

    assert verbs(validation) <= verbs(train)
    assert len(verbs(train)) == len(make_tasks.VERBS)
