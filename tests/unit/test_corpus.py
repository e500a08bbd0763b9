"""The corpus generator: seeded, varied, seven genres, a real vocabulary, and no forbidden text."""

from __future__ import annotations

import pytest

from adaptlab.pretrain import grammar as G
from adaptlab.pretrain.corpus import (
    GENRE_WEIGHTS,
    distinct_words,
    eval_sentences,
    generate_corpus,
    generate_documents,
)
from adaptlab.pretrain.words import all_words

SAMPLE_CHARS = 400_000  # about 100k tokens: enough for every word class, well under a second


@pytest.fixture(scope="module")
def sample() -> list:
    return generate_documents(seed=7, n_chars=SAMPLE_CHARS)


def test_same_seed_same_corpus_other_seed_other_corpus():
    a = generate_documents(seed=1, n_chars=30_000)
    assert a == generate_documents(seed=1, n_chars=30_000)
    assert a != generate_documents(seed=2, n_chars=30_000)


def test_every_genre_appears(sample):
    assert {d.genre for d in sample} == set(GENRE_WEIGHTS)


def test_vocabulary_is_large(sample):
    assert len(all_words()) >= 1500  # the word list itself
    assert len(distinct_words([d.text for d in sample])) >= 1500  # word forms actually used


def test_not_a_handful_of_templates(sample):
    stories = [d.text for d in sample if d.genre == "story"]
    openings = {s.split(".")[1] for s in stories}  # the sentence after the first
    assert len(set(stories)) == len(stories)
    assert len(openings) > len(stories) // 2


def test_no_forbidden_text(sample):
    text = "\n".join(d.text for d in sample)
    assert "brindlemoor" not in text.lower()  # another lesson's "facts never seen"
    assert "Rewrite:" not in text


def test_heldout_split_is_small_and_new():
    train, heldout = generate_corpus(seed=0, n_tokens_approx=100_000)
    share = sum(map(len, heldout)) / sum(map(len, train + heldout))
    assert 0.02 < share < 0.04
    assert len(set(heldout) - set(train)) > 0.9 * len(heldout)


def test_eval_sentences_are_not_generated(sample):
    sentences = eval_sentences()
    assert len(sentences) >= 35
    text = "\n".join(d.text for d in sample)
    assert not [s for s in sentences if s in text]


@pytest.mark.parametrize("verb, third, past, ing", [
    ("stop", "stops", "stopped", "stopping"), ("carry", "carries", "carried", "carrying"),
    ("watch", "watches", "watched", "watching"), ("bake", "bakes", "baked", "baking"),
    ("run", "runs", "ran", "running"), ("visit", "visits", "visited", "visiting"),
])
def test_verb_inflection(verb, third, past, ing):
    assert (G.third(verb), G.past(verb), G.ing(verb)) == (third, past, ing)


@pytest.mark.parametrize("noun, plural", [
    ("box", "boxes"), ("puppy", "puppies"), ("mouse", "mice"), ("sheep", "sheep"),
    ("teddy_bear", "teddy bears"), ("day", "days"),
])
def test_plurals(noun, plural):
    assert G.plural(noun) == plural


def test_the_pretraining_schedule_shrinks_only_while_the_cpu_is_slow():
    from adaptlab.pretrain.train import fit_steps

    planned = 6000
    slow = fit_steps(planned, done=200, left_s=1000, per_step_s=1.0)  # another process ran
    assert slow == 1200
    assert fit_steps(planned, done=300, left_s=2000, per_step_s=0.3) == planned  # it grows back
    assert fit_steps(planned, done=300, left_s=-5, per_step_s=0.3) == 301  # over budget: stop now
