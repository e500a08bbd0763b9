"""A tiny sentiment task, tokenizer and GPT-2 for fast training tests (no bundled model needed)."""

from __future__ import annotations

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import PreTrainedTokenizerFast

from adaptlab.data import Example
from adaptlab.models import tiny_model

POSITIVE, NEGATIVE = ["good", "great", "fresh", "kind", "quick"], ["bad", "cold", "rude", "slow", "dry"]
THINGS = ["soup", "cake", "staff", "room", "bread", "tea"]
VOCAB = 300


def tiny_examples(n: int = 60) -> list[Example]:
    """A sentiment task a 2-block GPT-2 learns in a few steps; every 6th example is held out."""
    out = []
    for i in range(n):
        word, thing = (POSITIVE + NEGATIVE)[i % 10], THINGS[i % 6]
        label = " positive" if word in POSITIVE else " negative"
        out.append(Example(f"Review: The {thing} was {word}.\nSentiment:", label,
                           "validation" if i % 6 == 5 else "train"))
    return out


def make_tokenizer() -> PreTrainedTokenizerFast:
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=VOCAB, special_tokens=["<|endoftext|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    bpe.train_from_iterator([ex.prompt + ex.completion for ex in tiny_examples()], trainer)
    return PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token="<|endoftext|>")


def tiny_base() -> torch.nn.Module:
    return tiny_model(seed=0, vocab_size=VOCAB)
