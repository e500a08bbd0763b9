"""The pretraining corpus: seeded, plain, simple English in eleven genres, written by a grammar.

Seven genres are plain text (stories, everyday scenes, descriptions, dialogue, reviews,
questions and answers, instructions); four give the model the latent skills that the bundled
tasks then steer, as a real pretrained model has them from the web (adaptlab.pretrain.skills):
records of people in more than one layout, present/past pairs in stories, short reviews with a
verdict, and words said twice.

`generate_corpus(seed, n_tokens_approx)` returns training documents and a ~3% held-out split that
is written from a different seed, so held-out text is new text in the same style. The same seed
always gives the same corpus. `eval_sentences()` returns hand-written sentences (not from the
generator) used to check that the trained model learned English rather than the generator.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import NamedTuple

from adaptlab.pretrain.everyday import EverydayWriter
from adaptlab.pretrain.howto import HowToWriter
from adaptlab.pretrain.stories import StoryWriter
from adaptlab.pretrain.talk import TalkWriter
from adaptlab.pretrain.texts import TextWriter

MODEL_DIR = Path(__file__).resolve().parents[2] / "assets" / "models" / "mini-gpt2"
EVAL_SENTENCES = MODEL_DIR / "eval_sentences.txt"
# Share of each genre in the corpus; stories get most room because they carry the most grammar.
# Records, tense pairs and short reviews carry the skills the tasks steer (pretrain/skills.py).
GENRE_WEIGHTS = {"story": 0.16, "everyday": 0.17, "description": 0.07, "dialogue": 0.07,
                 "review": 0.08, "qa": 0.05, "instructions": 0.05, "records": 0.12,
                 "tense": 0.12, "short_review": 0.05, "echo": 0.06}
HELDOUT_SEED_OFFSET = 1_000_003  # held-out text comes from a different random stream
# Characters per token of the 4096-entry BPE on this corpus (measured): sizes the generation.
CHARS_PER_TOKEN = 4.2
_WORD = re.compile(r"[A-Za-z]+(?:['-][A-Za-z]+)*")


class Document(NamedTuple):
    genre: str
    text: str


class Writer(StoryWriter, EverydayWriter, TextWriter, HowToWriter, TalkWriter):
    """Every genre's writer over one random generator."""

    def write(self, genre: str) -> str:
        if genre == "description":
            return self.pick([self.describe_animal, self.describe_place, self.describe_object])()
        make = {"story": self.story, "everyday": self.everyday, "dialogue": self.dialogue,
                "review": self.review, "qa": self.qa, "instructions": self.howto,
                "records": self.records, "tense": self.then_and_now,
                "short_review": self.short_review, "echo": self.echo}[genre]
        return make()


def generate_documents(seed: int, n_chars: int) -> list[Document]:
    """Documents from one seed until about `n_chars` characters are written."""
    rng = random.Random(seed)
    writer = Writer(rng)
    genres, weights = list(GENRE_WEIGHTS), list(GENRE_WEIGHTS.values())
    docs, total = [], 0
    while total < n_chars:
        genre = rng.choices(genres, weights)[0]
        text = writer.write(genre)
        docs.append(Document(genre, text))
        total += len(text) + 1
    return docs


def generate_corpus(seed: int = 0, n_tokens_approx: int = 3_300_000,
                    heldout_frac: float = 0.03) -> tuple[list[str], list[str]]:
    """(train documents, held-out documents); held-out is ~`heldout_frac` of the total."""
    n_chars = int(n_tokens_approx * CHARS_PER_TOKEN)
    train = generate_documents(seed, int(n_chars * (1 - heldout_frac)))
    return [d.text for d in train], heldout_documents(seed, n_tokens_approx, heldout_frac)


def heldout_documents(seed: int = 0, n_tokens_approx: int = 3_300_000,
                      heldout_frac: float = 0.03) -> list[str]:
    """The held-out split of `generate_corpus` alone (cheap: ~3% of the work)."""
    n_chars = int(n_tokens_approx * CHARS_PER_TOKEN)
    docs = generate_documents(seed + HELDOUT_SEED_OFFSET, int(n_chars * heldout_frac))
    return [d.text for d in docs]


def distinct_words(texts: list[str]) -> set[str]:
    """Lower-cased word forms ('dog', 'dogs' and 'ran' are three words)."""
    return {w.lower() for t in texts for w in _WORD.findall(t)}


def eval_sentences(path: Path = EVAL_SENTENCES) -> list[str]:
    """Hand-written plain English sentences the generator never writes (one per line)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]
